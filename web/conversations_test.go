package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/models"
)

const xss = `<script>alert(1)</script>`

func TestConversationsEmptyStates(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	d := c.page("/", 200)
	if got := d.Find(`[data-testid="empty-state"] h2`).Text(); got != "No Chirp apps yet" {
		t.Errorf("without apps: empty state %q", got)
	}
	if d.Find(`[data-testid="filter-form"]`).Length() != 0 {
		t.Error("filters shown before any app exists")
	}
	app := e.testApp("a")
	if got := c.page("/", 200).Find(`[data-testid="empty-state"] h2`).Text(); got != "No conversations yet" {
		t.Errorf("with an app: empty state %q", got)
	}
	e.message(app, models.IncomingMessage{ChirpMessageID: "msg_1", From: "+15551230001", Text: "hi"})
	d = c.page("/?channel=whatsapp", 200)
	if got := d.Find(`[data-testid="empty-state"] h2`).Text(); got != "No conversations match these filters" {
		t.Errorf("no match: empty state %q", got)
	}
	if v, _ := d.Find(`#f-channel option[selected]`).Attr("value"); v != "whatsapp" {
		t.Errorf("channel filter not kept in the form: %q", v)
	}
}

func TestConversationsRowsAndFilters(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	a, b := e.testApp("a"), e.testApp("b")
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	e.message(a, models.IncomingMessage{ChirpMessageID: "msg_old", From: "+15551230001", Text: "older", SentAt: at})
	e.message(a, models.IncomingMessage{ChirpMessageID: "msg_x", From: "+15551230001", Text: xss, SentAt: at.Add(time.Hour),
		Media: []models.IncomingMedia{{MediaID: "med_x", Kind: models.KindImage}}})
	e.message(b, models.IncomingMessage{ChirpMessageID: "msg_wa", Channel: models.ChannelWhatsApp, From: "447700900123", Text: "cheers", SentAt: at.Add(2 * time.Hour)})
	d := c.page("/", 200)
	rows := d.Find(`[data-testid="conversation-row"]`)
	if rows.Length() != 2 {
		t.Fatalf("%d rows, want 2", rows.Length())
	}
	first, second := rows.Eq(0), rows.Eq(1)
	if got := first.Find(`[data-testid="contact"]`).Text(); got != "+44 7700 900123" {
		t.Errorf("newest first, formatted: contact %q", got)
	}
	if got := second.Find(`[data-testid="business"]`).Text(); got != "+1 555-987-0000" {
		t.Errorf("business number %q", got)
	}
	if got := second.Find(`[data-testid="snippet"]`).Text(); got != xss {
		t.Errorf("snippet %q", got)
	}
	if got := strings.Join(strings.Fields(second.Find(`[data-testid="counts"]`).Text()), " "); got != "2 messages · 1 media" {
		t.Errorf("counts %q", got)
	}
	if dt, _ := second.Find("time").Attr("datetime"); dt != "2026-11-02T10:30:00Z" {
		t.Errorf("time datetime %q", dt)
	}
	if html, _ := d.Html(); strings.Contains(html, xss) {
		t.Error("message text rendered unescaped")
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"?channel=whatsapp", 1}, {"?channel=sms", 1}, {"?media=1", 1}, {"?app=" + b.AppID, 1}, {"?app=" + a.AppID + "&channel=whatsapp", 0},
	} {
		if got := c.page("/"+tc.query, 200).Find(`[data-testid="conversation-row"]`).Length(); got != tc.want {
			t.Errorf("%s: %d rows, want %d", tc.query, got, tc.want)
		}
	}
	for _, bad := range []string{"/?channel=fax", "/?app=app_nope", "/?cursor=zzz"} {
		if resp := c.get(bad); resp.StatusCode != 400 {
			t.Errorf("%s = %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestConversationsLoadMoreReturnsEachOnce(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	app := e.testApp("a")
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	const n = 71 // three runs; all share one timestamp
	for i := range n {
		e.message(app, models.IncomingMessage{ChirpMessageID: fmt.Sprintf("msg_%d", i), From: fmt.Sprintf("+1555300%04d", i), Text: "x", SentAt: at})
	}
	seen := map[string]bool{}
	d := c.page("/?channel=sms", 200)
	for runs := 1; ; runs++ {
		d.Find(`[data-testid="conversation-row"]`).Each(func(_ int, r *goquery.Selection) {
			id, _ := r.Attr("data-conversation-id")
			if seen[id] {
				t.Fatalf("conversation %s shown twice", id)
			}
			seen[id] = true
		})
		more, ok := d.Find(`[data-testid="load-more"] a`).Attr("hx-get")
		if !ok {
			if runs != 3 {
				t.Errorf("%d runs, want 3", runs)
			}
			break
		}
		if !strings.Contains(more, "channel=sms") {
			t.Errorf("load more drops the filter: %s", more)
		}
		resp := c.getHX(more)
		if resp.StatusCode != 200 {
			t.Fatalf("load more: %d", resp.StatusCode)
		}
		d = doc(t, resp)
		if d.Find("html > body > main, header").Length() != 0 {
			t.Fatal("an htmx run rendered the whole page")
		}
	}
	if len(seen) != n {
		t.Errorf("saw %d conversations, want %d", len(seen), n)
	}
}
