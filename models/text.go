package models

import (
	"strings"
	"unicode/utf8"
)

// maxTextRunes bounds stored message text and captions (the webhook parser already
// refuses more than 64 KiB).
const maxTextRunes = 65536

// cleanText makes text from outside (webhooks, forms) storable in every database: valid
// UTF-8, no NUL bytes (Postgres refuses them), at most n runes.
func cleanText(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	return truncateRunes(s, n)
}

// truncateRunes cuts s to n runes, marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
