package models

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers written without a country code.
const DefaultRegion = "US"

// NormalizePhone turns a phone number in any common format into E.164 and its digits
// (the form used for lookups). Numbers that do not parse are an ErrInvalid.
func NormalizePhone(raw string) (e164, digits string, err error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", "", fmt.Errorf("models: phone number: %w: empty", ErrInvalid)
	}
	s = strings.TrimPrefix(s, "whatsapp:")
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	num, perr := phonenumbers.Parse(s, DefaultRegion)
	if perr != nil || !phonenumbers.IsPossibleNumber(num) {
		// Short codes and other non-standard senders are kept as their digits.
		d := Digits(s)
		if len(d) >= 3 && len(d) <= 15 {
			return d, d, nil
		}
		return "", "", fmt.Errorf("models: phone number %q: %w", raw, ErrInvalid)
	}
	e164 = phonenumbers.Format(num, phonenumbers.E164)
	return e164, strings.TrimPrefix(e164, "+"), nil
}

// FormatPhone renders a stored number for humans (international format), falling back
// to the stored form.
func FormatPhone(e164 string) string {
	if !strings.HasPrefix(e164, "+") {
		return e164
	}
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
}

// Digits keeps only the ASCII digits of s.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
