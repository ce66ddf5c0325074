package models

import (
	"strings"
	"unicode/utf8"
)

// Fragment is a piece of a snippet; Match pieces are what the lookup matched. Fragments
// are plain text: whoever renders them escapes every piece.
type Fragment struct {
	Text  string
	Match bool
}

// Highlight cuts a snippet of at most about maxRunes runes from text, centred on the
// first word that starts with one of the terms, and marks every such word. Whitespace
// runs become single spaces.
func Highlight(text string, terms []string, maxRunes int) []Fragment {
	r := []rune(strings.Join(strings.Fields(text), " "))
	marks := make([]bool, len(r))
	first := -1
	for i := 0; i < len(r); {
		if isSeparator(r[i]) {
			i++
			continue
		}
		j := i
		for j < len(r) && !isSeparator(r[j]) {
			j++
		}
		if wordMatches(strings.ToLower(string(r[i:j])), terms) {
			for k := i; k < j; k++ {
				marks[k] = true
			}
			if first < 0 {
				first = i
			}
		}
		i = j
	}
	start, end := 0, len(r)
	if maxRunes > 0 && len(r) > maxRunes {
		if first > maxRunes/4 {
			start = first - maxRunes/4
		}
		end = min(start+maxRunes, len(r))
		start = max(0, min(start, end-maxRunes))
	}
	var out []Fragment
	if start > 0 {
		out = append(out, Fragment{Text: "…"})
	}
	for i := start; i < end; {
		j := i
		for j < end && marks[j] == marks[i] {
			j++
		}
		out = appendFragment(out, Fragment{Text: string(r[i:j]), Match: marks[i]})
		i = j
	}
	if end < len(r) {
		out = appendFragment(out, Fragment{Text: "…"})
	}
	return out
}

func wordMatches(word string, terms []string) bool {
	for _, t := range terms {
		if strings.HasPrefix(word, t) {
			return true
		}
	}
	return false
}

func appendFragment(out []Fragment, f Fragment) []Fragment {
	if n := len(out); n > 0 && !out[n-1].Match && !f.Match {
		out[n-1].Text += f.Text
		return out
	}
	return append(out, f)
}

// HighlightDigits marks, in a phone number formatted for humans, the characters that
// carry the first occurrence of any of the digit strings.
func HighlightDigits(formatted string, digits []string) []Fragment {
	type pos struct{ at, size int }
	var idx []pos // byte position of each digit in formatted
	var all strings.Builder
	for i, r := range formatted {
		if r >= '0' && r <= '9' {
			idx = append(idx, pos{i, utf8.RuneLen(r)})
			all.WriteRune(r)
		}
	}
	for _, d := range digits {
		k := strings.Index(all.String(), d)
		if d == "" || k < 0 {
			continue
		}
		from, to := idx[k].at, idx[k+len(d)-1].at+idx[k+len(d)-1].size
		return appendNonEmpty(nil, Fragment{Text: formatted[:from]}, Fragment{Text: formatted[from:to], Match: true}, Fragment{Text: formatted[to:]})
	}
	return []Fragment{{Text: formatted}}
}

func appendNonEmpty(out []Fragment, fs ...Fragment) []Fragment {
	for _, f := range fs {
		if f.Text != "" {
			out = append(out, f)
		}
	}
	return out
}
