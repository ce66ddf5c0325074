package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/models"
)

func TestThreadChatLayoutAndDetails(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	app := e.testApp("a")
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	r := e.message(app, models.IncomingMessage{ChirpMessageID: "msg_in", From: "+15551230001", Text: xss, SentAt: at,
		Media: []models.IncomingMedia{{Kind: models.KindImage, MimeType: "image/jpeg", SizeBytes: 2048}}}) // legacy: no media id
	e.message(app, models.IncomingMessage{ChirpMessageID: "msg_out", Direction: models.DirectionOutbound, From: "+15559870000",
		To: "+15551230001", Text: "on our way", SentAt: at.Add(time.Minute)})
	if err := e.store.ApplyStatus(t.Context(), app.ID, models.StatusChange{ChirpMessageID: "msg_out", Status: models.StatusDelivered, At: at.Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	d := c.page(fmt.Sprintf("/conversations/%d", r.ConversationID), 200)
	msgs := d.Find(`[data-testid="message"]`)
	if msgs.Length() != 2 {
		t.Fatalf("%d messages, want 2", msgs.Length())
	}
	in, out := msgs.Eq(0), msgs.Eq(1)
	if dir, _ := in.Attr("data-direction"); dir != "inbound" {
		t.Errorf("first message direction %q", dir)
	}
	if dir, _ := out.Attr("data-direction"); dir != "outbound" || !out.HasClass("justify-end") {
		t.Errorf("outbound message not on the right: %q %v", dir, out.AttrOr("class", ""))
	}
	if got := in.Find(`[data-testid="message-text"]`).Text(); got != xss {
		t.Errorf("text %q", got)
	}
	if html, _ := d.Html(); strings.Contains(html, xss) {
		t.Error("message text rendered unescaped")
	}
	if got := out.Find(`[data-testid="status"]`).Text(); got != "Delivered" {
		t.Errorf("outbound status %q", got)
	}
	if dt := in.Find("time").First().AttrOr("datetime", ""); dt != "2026-11-02T09:30:00Z" {
		t.Errorf("time datetime %q", dt)
	}
	if got := in.Find("time").First().Text(); got != "2 Nov 2026, 09:30 UTC" {
		t.Errorf("UTC fallback text %q", got)
	}
	details := in.Find(`[data-testid="message-details"]`).Text()
	for _, want := range []string{"msg_in", "SMS/MMS", "inbound", "none (legacy payload)", "image/jpeg", "2 KB", "Not retrievable"} {
		if !strings.Contains(details, want) {
			t.Errorf("details lack %q: %s", want, strings.Join(strings.Fields(details), " "))
		}
	}
	if in.Find(`[data-testid="media-placeholder"]`).Length() != 1 {
		t.Error("legacy media without its placeholder")
	}
	panel := d.Find(`[data-testid="media-panel"]`)
	if panel.Length() != 1 || panel.Find(`[data-testid="panel-item"]`).Length() != 1 {
		t.Errorf("media panel: %d panels, %d items", panel.Length(), panel.Find(`[data-testid="panel-item"]`).Length())
	}
	if href := panel.Find(`[data-testid="panel-item"]`).AttrOr("href", ""); href != fmt.Sprintf("/conversations/%d?around=msg_in", r.ConversationID) {
		t.Errorf("jump link %q", href)
	}
	for _, bad := range []string{"/conversations/x", "/conversations/999999"} {
		if resp := c.get(bad); resp.StatusCode != 404 {
			t.Errorf("%s = %d, want 404", bad, resp.StatusCode)
		}
	}
}

// bulkThread stores n messages in one conversation, one second apart (SQL, for speed),
// and returns the conversation id.
func bulkThread(t *testing.T, e *testEnv, n int, sameTime bool) int64 {
	t.Helper()
	app := e.testApp("bulk")
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	r := e.message(app, models.IncomingMessage{ChirpMessageID: "msg_b0", From: "+15551230001", Text: "first", SentAt: at})
	db, err := e.store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	step := "1 second"
	if sameTime {
		step = "0 seconds"
	}
	_, err = db.Exec(`INSERT INTO messages (app_id, conversation_id, chirp_message_id, direction, type, text, status, sent_at, received_at)
		SELECT $1, $2, 'msg_b' || g, 'inbound', 'text', 'message ' || g, 'received', $3::timestamptz + g * interval '`+step+`', now()
		FROM generate_series(1, $4::int) g`, app.ID, r.ConversationID, at, n-1)
	if err != nil {
		t.Fatal(err)
	}
	return r.ConversationID
}

func TestThreadOf5000MessagesRendersOnePage(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	conv := bulkThread(t, e, 5000, false)
	d := c.page(fmt.Sprintf("/conversations/%d", conv), 200)
	msgs := d.Find(`[data-testid="message"]`)
	if msgs.Length() != messagesPerPage {
		t.Fatalf("%d messages rendered, want one page of %d", msgs.Length(), messagesPerPage)
	}
	if last := msgs.Last().AttrOr("data-chirp-message-id", ""); last != "msg_b4999" {
		t.Errorf("newest message %q, want msg_b4999 last", last)
	}
	older := d.Find(`[data-testid="load-older"] a`).AttrOr("hx-get", "")
	if !strings.Contains(older, "before=") {
		t.Fatalf("no load-older cursor: %q", older)
	}
	if d.Find(`[data-testid="load-newer"]`).Length() != 0 {
		t.Error("the newest page offers newer messages")
	}
	run := doc(t, c.getHX(older))
	got := run.Find(`[data-testid="message"]`)
	if got.Length() != messagesPerPage || got.Last().AttrOr("data-chirp-message-id", "") != "msg_b4949" {
		t.Errorf("older run: %d messages ending at %s", got.Length(), got.Last().AttrOr("data-chirp-message-id", ""))
	}
	if run.Find(`[data-testid="load-older"]`).Length() != 1 || run.Find("header, main").Length() != 0 {
		t.Error("an older run is a fragment with the next load-older control")
	}
}

func TestThreadLoadOlderReturnsEachOnceOnSharedTimestamps(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	conv := bulkThread(t, e, 137, true)
	seen := map[string]bool{}
	d := c.page(fmt.Sprintf("/conversations/%d", conv), 200)
	for {
		d.Find(`[data-testid="message"]`).Each(func(_ int, s *goquery.Selection) {
			id := s.AttrOr("data-chirp-message-id", "")
			if seen[id] {
				t.Fatalf("%s shown twice", id)
			}
			seen[id] = true
		})
		older, ok := d.Find(`[data-testid="load-older"] a`).Attr("hx-get")
		if !ok {
			break
		}
		d = doc(t, c.getHX(older))
	}
	if len(seen) != 137 {
		t.Errorf("saw %d messages, want 137", len(seen))
	}
}

func TestThreadAroundHighlightsTheMessage(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	conv := bulkThread(t, e, 500, false)
	base := fmt.Sprintf("/conversations/%d", conv)
	d := c.page(base+"?around=msg_b250", 200)
	hl := d.Find(`[data-testid="highlighted"]`)
	if hl.Length() != 1 || hl.Closest(`[data-testid="message"]`).AttrOr("data-chirp-message-id", "") != "msg_b250" {
		t.Fatalf("highlighted: %d, in %q", hl.Length(), hl.Closest(`[data-testid="message"]`).AttrOr("data-chirp-message-id", ""))
	}
	if n := d.Find(`[data-testid="message"]`).Length(); n != messagesPerPage {
		t.Errorf("%d messages around, want %d", n, messagesPerPage)
	}
	newer := d.Find(`[data-testid="load-newer"] a`).AttrOr("hx-get", "")
	if d.Find(`[data-testid="load-older"]`).Length() != 1 || newer == "" {
		t.Fatal("a page in the middle offers both older and newer messages")
	}
	run := doc(t, c.getHX(newer)).Find(`[data-testid="message"]`)
	if run.First().AttrOr("data-chirp-message-id", "") != "msg_b276" {
		t.Errorf("newer run starts at %s, want msg_b276", run.First().AttrOr("data-chirp-message-id", ""))
	}
	d = c.page(base+"?around=msg_elsewhere", 200)
	if d.Find(`[data-testid="notice"]`).Length() != 1 || d.Find(`[data-testid="message"]`).Length() != messagesPerPage {
		t.Error("an unknown ?around= does not fall back to the newest page with a notice")
	}
}
