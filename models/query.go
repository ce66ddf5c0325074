package models

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// QueryKind is what a support lookup's search box was understood to hold.
type QueryKind string

// The kinds of query ParseSearch recognises.
const (
	QueryAll       QueryKind = "all"        // empty box: filters only
	QueryPhone     QueryKind = "phone"      // a phone number, whole or ≥ 4 digits of it
	QueryMessageID QueryKind = "message_id" // msg_… or a UUID: one Chirp message
	QueryMediaID   QueryKind = "media_id"   // med_…: the message carrying that media
	QueryText      QueryKind = "text"       // words, each matched as a word prefix
)

// Limits on what a query may ask for.
const (
	MinPhoneDigits = 4
	maxTerms       = 8
	maxTermLen     = 64
	maxQueryLen    = 200
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// SearchFilters narrow a lookup. Zero values mean "any".
type SearchFilters struct {
	AppID     string // Chirp app id (app_…)
	Channel   string // sms | whatsapp
	Direction string // inbound | outbound
	HasMedia  bool
	From      time.Time // first day included (UTC midnight)
	To        time.Time // last day included (UTC midnight)
}

// Any reports whether at least one filter is set.
func (f SearchFilters) Any() bool {
	return f.AppID != "" || f.Channel != "" || f.Direction != "" || f.HasMedia || !f.From.IsZero() || !f.To.IsZero()
}

// SearchQuery is a parsed support lookup.
type SearchQuery struct {
	Raw     string
	Kind    QueryKind
	Digits  []string // QueryPhone: digit strings matched anywhere in a contact's digits
	IDs     []string // QueryMessageID, QueryMediaID: exact ids
	Terms   []string // QueryText: lower-case words
	Filters SearchFilters
}

// ParseSearch works out what the search box holds: a Chirp message id (msg_… or UUID), a
// media id (med_…), a phone number in any common format (E.164, national, spaced, dashed,
// dotted or bracketed, with + or 00, or at least 4 digits of one), or free text.
func ParseSearch(raw string, f SearchFilters) (SearchQuery, error) {
	q := strings.TrimSpace(raw)
	if len(q) > maxQueryLen {
		return SearchQuery{}, fmt.Errorf("models: search: the query is longer than %d characters: %w", maxQueryLen, ErrInvalid)
	}
	if err := f.validate(); err != nil {
		return SearchQuery{}, fmt.Errorf("models: search: %w", err)
	}
	sq := SearchQuery{Raw: q, Filters: f}
	lower := strings.ToLower(q)
	switch {
	case q == "":
		sq.Kind = QueryAll
	case strings.HasPrefix(lower, "msg_") && !strings.ContainsAny(q, " \t"):
		sq.Kind, sq.IDs = QueryMessageID, []string{q}
	case strings.HasPrefix(lower, "med_") && !strings.ContainsAny(q, " \t"):
		sq.Kind, sq.IDs = QueryMediaID, []string{q}
	case uuidPattern.MatchString(q):
		sq.Kind, sq.IDs = QueryMessageID, unique([]string{q, lower})
	case looksLikePhone(q):
		sq.Kind, sq.Digits = QueryPhone, phoneDigits(q)
	default:
		sq.Kind, sq.Terms = QueryText, SearchTerms(q)
		if len(sq.Terms) == 0 {
			return SearchQuery{}, fmt.Errorf("models: search: type at least one word, number or id: %w", ErrInvalid)
		}
	}
	return sq, nil
}

func (f SearchFilters) validate() error {
	switch f.Channel {
	case "", ChannelSMS, ChannelWhatsApp:
	default:
		return fmt.Errorf("channel %q: %w", f.Channel, ErrInvalid)
	}
	switch f.Direction {
	case "", DirectionInbound, DirectionOutbound:
	default:
		return fmt.Errorf("direction %q: %w", f.Direction, ErrInvalid)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return fmt.Errorf("the end date is before the start date: %w", ErrInvalid)
	}
	return nil
}

// looksLikePhone reports whether q is only digits and phone punctuation, with enough digits.
func looksLikePhone(q string) bool {
	for _, r := range q {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune("+-(). /\t", r) {
			return false
		}
	}
	return len(Digits(q)) >= MinPhoneDigits
}

// phoneDigits returns the digit strings a phone query matches inside contact_digits: the
// typed digits (less an international 00 or a national trunk 0) and, when the number
// parses, its E.164 digits. A candidate that contains another is dropped (the shorter
// one already matches everything it would).
func phoneDigits(q string) []string {
	d := Digits(q)
	switch {
	case strings.HasPrefix(d, "00") && len(d) > 2+MinPhoneDigits:
		d = d[2:]
	case strings.HasPrefix(d, "0") && len(d) >= 8 && !strings.HasPrefix(strings.TrimSpace(q), "+"):
		d = d[1:]
	}
	cands := []string{d}
	if e164, digits, err := NormalizePhone(q); err == nil && strings.HasPrefix(e164, "+") {
		cands = append(cands, digits)
	}
	var out []string
	for _, c := range unique(cands) {
		covered := false
		for _, o := range cands {
			if o != c && len(o) < len(c) && strings.Contains(c, o) {
				covered = true
			}
		}
		if !covered {
			out = append(out, c)
		}
	}
	return out
}

// SearchTerms splits text into the lower-case words a text search matches: runs of
// letters and digits, as the Postgres index (after its punctuation translate) and
// SQLite's unicode61 tokenizer split them.
func SearchTerms(text string) []string {
	var terms []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), isSeparator) {
		if len([]rune(w)) > maxTermLen {
			w = string([]rune(w)[:maxTermLen])
		}
		terms = append(terms, w)
	}
	terms = unique(terms)
	if len(terms) > maxTerms {
		terms = terms[:maxTerms]
	}
	return terms
}

func isSeparator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Co, r)
}

func unique(xs []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		dup := false
		for _, o := range out {
			dup = dup || o == x
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}
