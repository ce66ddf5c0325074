package views

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestExpiryBadgeWording(t *testing.T) {
	now := time.Date(2026, 1, 10, 15, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	cases := []struct {
		name          string
		expires, gone *time.Time
		want          string
	}{
		{"in 12 days", at(12 * 24 * time.Hour), nil, "expires in 12 days"},
		{"tomorrow", at(10 * time.Hour), nil, "expires in 1 day"},
		{"today", at(time.Hour), nil, "expires today"},
		{"expired", at(-8 * 24 * time.Hour), nil, "expired on 2 Jan 2026"},
		{"gone before expiry", at(5 * 24 * time.Hour), at(-3 * 24 * time.Hour), "expired on 7 Jan 2026"},
		{"unknown", nil, nil, ""},
	}
	for _, c := range cases {
		var b strings.Builder
		if err := ExpiryBadge(c.expires, c.gone, now).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		if c.want == "" {
			if html != "" {
				t.Errorf("%s: rendered %q, want nothing", c.name, html)
			}
			continue
		}
		if !strings.Contains(html, `data-testid="expiry"`) || !strings.Contains(html, ">"+c.want+"<") {
			t.Errorf("%s: rendered %q, want %q", c.name, html, c.want)
		}
	}
}
