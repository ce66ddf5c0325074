package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/models"
)

// lookupData is what seedLookup stored.
type lookupData struct {
	app      models.App
	aliceWA  int64 // +1 555 123 4567 on WhatsApp
	aliceSMS int64 // the same contact on SMS
	bob      int64 // +44 7700 900123
	t0       time.Time
}

const trickyText = "=SUM(A1:A2), \"quoted\"\nnew line 🐦 <script>alert(1)</script> done"

func (e *testEnv) seedLookup() lookupData {
	e.t.Helper()
	ctx := context.Background()
	app, _, err := e.store.CreateApp(ctx, models.NewApp{AppID: "app_test" + "searchabcdefghijkl", Name: "Support line", Key: "sk_test_app_0123456789abcdefgh"})
	if err != nil {
		e.t.Fatal(err)
	}
	d := lookupData{app: app, t0: time.Now().UTC().Truncate(time.Hour).Add(-48 * time.Hour)}
	save := func(id, channel, contact, text string, at time.Duration, media ...models.IncomingMedia) int64 {
		res, err := e.store.SaveMessage(ctx, app.ID, models.IncomingMessage{ChirpMessageID: id, Channel: channel,
			Direction: models.DirectionInbound, Type: "text", From: contact, To: "+15559876543", Text: text,
			SentAt: d.t0.Add(at), Media: media})
		if err != nil {
			e.t.Fatal(err)
		}
		return res.ConversationID
	}
	d.aliceWA = save("msg_hello", models.ChannelWhatsApp, "+15551234567", "hello <script>alert(1)</script> world", 0)
	save("msg_refund", models.ChannelWhatsApp, "+15551234567", "Where is my refund?", time.Minute,
		models.IncomingMedia{MediaID: "med_receipt", Kind: models.KindImage, MimeType: "image/jpeg"},
		models.IncomingMedia{Kind: models.KindDocument, Filename: "legacy.pdf"})
	d.aliceSMS = save("0b7e3f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b", models.ChannelSMS, "555-123-4567", trickyText, 2*time.Minute)
	d.bob = save("msg_bob", models.ChannelSMS, "+447700900123", "-1 +1 @mention refund please", 3*time.Minute)
	return d
}

func hitLinks(d *goquery.Document) []string {
	var out []string
	d.Find(`[data-testid="hit-link"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("href", ""))
	})
	return out
}

func TestLookupIsForSupportAndAdmin(t *testing.T) {
	e := newTestEnv(t)
	d := e.seedLookup()
	paths := []string{"/search?q=refund", "/search/export.csv?q=refund", "/search/export.json", "/contacts/+15551234567",
		"/contacts/+15551234567/export.csv", fmt.Sprintf("/conversations/%d/export.json", d.aliceWA),
		fmt.Sprintf("/conversations/%d/transcript", d.aliceWA)}
	viewer := e.signedIn(models.RoleViewer)
	support := e.signedIn(models.RoleSupport)
	admin := e.signedIn(models.RoleAdmin)
	for _, p := range paths {
		if resp := viewer.get(p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("viewer GET %s = %d, want 403", p, resp.StatusCode)
		}
		for name, c := range map[string]*client{"support": support, "admin": admin} {
			if resp := c.get(p); resp.StatusCode != http.StatusOK {
				t.Errorf("%s GET %s = %d, want 200", name, p, resp.StatusCode)
			}
		}
	}
	if resp := e.client().get("/search?q=refund"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d, want a redirect to sign in", resp.StatusCode)
	}
	if n := e.auditCount("search.query", ""); n != 2 {
		t.Errorf("%d search.query audit events, want 2 (support and admin)", n)
	}
}

func TestSearchFindsAContactInEveryPhoneFormat(t *testing.T) {
	e := newTestEnv(t)
	d := e.seedLookup()
	c := e.signedIn(models.RoleSupport)
	want := []string{"/conversations/" + fmt.Sprint(d.aliceSMS) + "?around=0b7e3f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b",
		fmt.Sprintf("/conversations/%d?around=msg_refund", d.aliceWA), fmt.Sprintf("/conversations/%d?around=msg_hello", d.aliceWA)}
	for _, q := range []string{"+1 (555) 123-4567", "555.123.4567", "15551234567", "001 555 123 4567", "4567"} {
		resp := c.get("/search?q=" + url.QueryEscape(q))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%q: %d", q, resp.StatusCode)
		}
		page := doc(t, resp)
		if got := hitLinks(page); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%q: links %v, want %v", q, got, want)
		}
		contact := page.Find(`[data-testid="hit-contact"]`).First()
		if contact.Text() != "+1 555-123-4567" || contact.Find("mark").Length() != 1 {
			t.Errorf("%q: contact shown as %q (html %q)", q, contact.Text(), must(contact.Html()))
		}
		if n := page.Find(`[data-testid="contact-link"]`).Length(); n != 2 {
			t.Errorf("%q: %d matching contacts, want 2 (WhatsApp and SMS)", q, n)
		}
	}
	if n := e.auditCount("search.query", "4567"); n != 1 {
		t.Errorf("audit has %d search.query events for 4567", n)
	}
}

func TestSearchByIDs(t *testing.T) {
	e := newTestEnv(t, onSQLite)
	d := e.seedLookup()
	c := e.signedIn(models.RoleSupport)
	cases := map[string]string{
		"msg_refund":                           fmt.Sprintf("/conversations/%d?around=msg_refund", d.aliceWA),
		"0B7E3F2A-1C4D-4E5F-8A9B-0C1D2E3F4A5B": fmt.Sprintf("/conversations/%d?around=0b7e3f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b", d.aliceSMS),
		"med_receipt":                          fmt.Sprintf("/conversations/%d?around=msg_refund", d.aliceWA),
	}
	for q, want := range cases {
		page := doc(t, c.get("/search?q="+url.QueryEscape(q)))
		if got := hitLinks(page); len(got) != 1 || got[0] != want {
			t.Errorf("%q: %v, want [%s]", q, got, want)
		}
	}
	page := doc(t, c.get("/search?q=med_receipt"))
	refs := page.Find(`[data-testid="media-ref"]`)
	if refs.Length() != 2 || refs.First().AttrOr("data-state", "") != "available" || refs.Last().AttrOr("data-state", "") != "not retrievable" {
		t.Errorf("media refs: %q", refs.Text())
	}
	if strings.Contains(must(page.Find(`[data-testid="hit-list"]`).Html()), "http") {
		t.Error("a result renders a URL for media")
	}
}

func TestSearchHighlightsTextAndEscapesIt(t *testing.T) {
	for _, opt := range []func(*envOptions){func(*envOptions) {}, onSQLite} {
		e := newTestEnv(t, opt)
		e.seedLookup()
		c := e.signedIn(models.RoleSupport)
		resp := c.get("/search?q=HELLO")
		body := readBody(t, resp)
		page := doc(t, resp)
		snippet := page.Find(`[data-testid="hit-snippet"]`)
		if snippet.Length() != 1 {
			t.Fatalf("%d hits for hello", snippet.Length())
		}
		if marks := snippet.Find("mark"); marks.Length() != 1 || marks.Text() != "hello" {
			t.Errorf("marks %q", marks.Text())
		}
		if page.Find(`[data-testid="search-results"] script`).Length() != 0 || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("message text not escaped: %s", must(snippet.Html()))
		}
		// A search for the tag's own word matches it as text, still escaped.
		page = doc(t, c.get("/search?q=script"))
		if page.Find(`[data-testid="search-results"] script`).Length() != 0 || page.Find(`[data-testid="hit-snippet"] mark`).Length() != 4 {
			t.Errorf("script search: %s", must(page.Find(`[data-testid="hit-list"]`).Html()))
		}
	}
}

func TestSearchFiltersComeFromTheURL(t *testing.T) {
	e := newTestEnv(t)
	d := e.seedLookup()
	c := e.signedIn(models.RoleSupport)
	day := d.t0.Format(time.DateOnly)
	cases := map[string]int{
		"q=refund":                                           1 + 1,
		"q=refund&channel=sms":                               1,
		"q=refund&channel=whatsapp":                          1,
		"q=refund&media=1":                                   1,
		"q=4567&direction=outbound":                          0,
		"q=4567&direction=inbound":                           3,
		"app=" + d.app.AppID:                                 4,
		"app=app_someotherappxyz1":                           0,
		"from=" + day + "&to=" + day:                         4,
		"to=" + d.t0.AddDate(0, 0, -1).Format(time.DateOnly): 0,
	}
	for qs, want := range cases {
		resp := c.get("/search?" + qs)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", qs, resp.StatusCode)
			continue
		}
		page := doc(t, resp)
		if got := page.Find(`[data-testid="search-hit"]`).Length(); got != want {
			t.Errorf("%s: %d hits, want %d", qs, got, want)
		}
		if csvHref := page.Find(`[data-testid="export-csv"]`).AttrOr("href", ""); !strings.HasPrefix(csvHref, "/search/export.csv?") {
			t.Errorf("%s: export link %q", qs, csvHref)
		}
	}
	// The form shows the filters back.
	page := doc(t, c.get("/search?q=refund&channel=sms&media=1&from="+day))
	if page.Find(`#channel option[selected]`).AttrOr("value", "") != "sms" || page.Find(`input[name="media"][checked]`).Length() != 1 ||
		page.Find(`#from`).AttrOr("value", "") != day || page.Find(`#q`).AttrOr("value", "") != "refund" {
		t.Error("the form does not show the filters of the URL")
	}
	for _, bad := range []string{"from=yesterday", "channel=fax", "q=!!!", "from=2026-05-02&to=2026-05-01"} {
		resp := c.get("/search?" + bad)
		if resp.StatusCode != http.StatusUnprocessableEntity || doc(t, resp).Find(`[data-testid="search-error"]`).Length() != 1 {
			t.Errorf("%s: status %d, want 422 with an error", bad, resp.StatusCode)
		}
	}
	if resp := c.get("/search"); resp.StatusCode != http.StatusOK || doc(t, resp).Find(`[data-testid="search-help"]`).Length() != 1 {
		t.Errorf("empty search page: %d", resp.StatusCode)
	}
	if resp := c.get("/search?q=refund&after=garbage"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("broken cursor: %d", resp.StatusCode)
	}
}

func TestSearchPagesVisitEveryResultOnce(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	app, _, err := e.store.CreateApp(ctx, models.NewApp{AppID: "app_testpagesabcdefghijk", Name: "Pages", Key: "sk_test_app_0123456789abcdefgh"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Second)
	const n = 60 // more than two pages, all at the same instant
	for i := range n {
		if _, err := e.store.SaveMessage(ctx, app.ID, models.IncomingMessage{ChirpMessageID: fmt.Sprintf("msg_p%02d", i),
			Channel: models.ChannelSMS, Direction: models.DirectionInbound, From: "+15550001111", To: "+15559876543",
			Text: "status update", SentAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.signedIn(models.RoleSupport)
	seen := map[string]int{}
	next, pages := "/search?q=status", 0
	for next != "" {
		if pages++; pages > 10 {
			t.Fatal("pages never end")
		}
		page := doc(t, c.get(next))
		for _, l := range hitLinks(page) {
			seen[l]++
		}
		next = page.Find(`[data-testid="next-page"]`).AttrOr("href", "")
		if pages > 1 && page.Find(`[data-testid="first-page"]`).Length() != 1 {
			t.Error("no way back to the first page")
		}
	}
	if len(seen) != n || pages != 3 {
		t.Errorf("%d distinct results over %d pages, want %d over 3", len(seen), pages, n)
	}
	for l, k := range seen {
		if k != 1 {
			t.Errorf("%s listed %d times", l, k)
		}
	}
}

func TestContactTimeline(t *testing.T) {
	e := newTestEnv(t)
	d := e.seedLookup()
	c := e.signedIn(models.RoleSupport)
	for _, number := range []string{"+15551234567", "15551234567", url.PathEscape("+1 (555) 123-4567")} {
		resp := c.get("/contacts/" + number)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", number, resp.StatusCode)
		}
		page := doc(t, resp)
		if got := page.Find(`[data-testid="contact-number"]`).Text(); got != "+1 555-123-4567" {
			t.Errorf("%s: heading %q", number, got)
		}
		if got := len(hitLinks(page)); got != 3 {
			t.Errorf("%s: %d messages, want 3 (WhatsApp and SMS)", number, got)
		}
		if href := page.Find(`[data-testid="export-json"]`).AttrOr("href", ""); href != "/contacts/+15551234567/export.json" {
			t.Errorf("export link %q", href)
		}
	}
	if resp := c.get("/contacts/hello"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("junk number: %d", resp.StatusCode)
	}
	_ = d
}

// exportCSV fetches a CSV export and parses it back.
func exportCSV(t *testing.T, c *client, path string) [][]string {
	t.Helper()
	resp := c.get(path)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET %s = %d %q %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(readBody(t, resp))).ReadAll()
	if err != nil {
		t.Fatalf("%s is not valid CSV: %v", path, err)
	}
	return rows
}

type exportDoc struct {
	Export       string `json:"export"`
	Conversation *struct {
		ID int64 `json:"id"`
	} `json:"conversation"`
	Messages []struct {
		MessageID     string `json:"messageId"`
		ContactNumber string `json:"contactNumber"`
		Text          string `json:"text"`
		Media         []struct {
			MediaID   *string    `json:"mediaId"`
			Kind      string     `json:"kind"`
			State     string     `json:"state"`
			ExpiresAt *time.Time `json:"expiresAt"`
		} `json:"media"`
	} `json:"messages"`
}

func exportJSON(t *testing.T, c *client, path string) exportDoc {
	t.Helper()
	resp := c.get(path)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s = %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var d exportDoc
	if err := json.Unmarshal([]byte(readBody(t, resp)), &d); err != nil {
		t.Fatalf("%s is not valid JSON: %v", path, err)
	}
	return d
}

func TestExportsRoundTripTrickyContent(t *testing.T) {
	for _, opt := range []func(*envOptions){func(*envOptions) {}, onSQLite} {
		e := newTestEnv(t, opt)
		d := e.seedLookup()
		c := e.signedIn(models.RoleSupport)
		rows := exportCSV(t, c, fmt.Sprintf("/conversations/%d/export.csv", d.aliceSMS))
		if len(rows) != 2 || rows[0][11] != "text" {
			t.Fatalf("rows %q", rows)
		}
		if got := rows[1][11]; got != "'"+trickyText {
			t.Errorf("text cell %q, want the text with its formula neutralised", got)
		}
		if got := rows[1][5]; got != "'+15551234567" {
			t.Errorf("contact cell %q", got)
		}
		rows = exportCSV(t, c, "/search/export.csv?q=refund")
		if len(rows) != 3 || rows[1][6] != "msg_bob" || rows[1][11] != "'-1 +1 @mention refund please" {
			t.Errorf("search export rows %q", rows)
		}
		if media := rows[2][13]; !strings.HasPrefix(media, "med_receipt image available expires ") || !strings.Contains(media, "; (no mediaId) document not retrievable") ||
			strings.Contains(media, "://") {
			t.Errorf("media cell %q", media)
		}
		js := exportJSON(t, c, fmt.Sprintf("/conversations/%d/export.json", d.aliceSMS))
		if js.Export != "conversation" || js.Conversation == nil || js.Conversation.ID != d.aliceSMS || len(js.Messages) != 1 ||
			js.Messages[0].Text != trickyText {
			t.Errorf("conversation JSON %+v", js)
		}
		js = exportJSON(t, c, "/contacts/+15551234567/export.json")
		if len(js.Messages) != 3 || js.Messages[0].MessageID != "msg_hello" {
			t.Errorf("contact JSON has %d messages, first %+v", len(js.Messages), js.Messages)
		}
		refund := js.Messages[1]
		if len(refund.Media) != 2 || refund.Media[0].MediaID == nil || *refund.Media[0].MediaID != "med_receipt" ||
			refund.Media[0].ExpiresAt == nil || refund.Media[1].MediaID != nil || refund.Media[1].State != "not retrievable" {
			t.Errorf("media in JSON %+v", refund.Media)
		}
		if js := exportJSON(t, c, "/search/export.json?q=refund&channel=sms"); len(js.Messages) != 1 || js.Messages[0].MessageID != "msg_bob" {
			t.Errorf("filtered search export %+v", js.Messages)
		}
		if resp := c.get(fmt.Sprintf("/conversations/%d/export.xml", d.aliceSMS)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown format: %d", resp.StatusCode)
		}
		if resp := c.get("/conversations/999999/export.csv"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown conversation: %d", resp.StatusCode)
		}
		if n := e.auditCount("export.csv", ""); n != 2 {
			t.Errorf("%d export.csv audit events, want 2", n)
		}
		if n := e.auditCount("export.json", "contact +15551234567"); n != 1 {
			t.Errorf("%d export.json audit events for the contact, want 1", n)
		}
	}
}

func TestExportStreamsManyBatches(t *testing.T) {
	e := newTestEnv(t, onSQLite)
	ctx := context.Background()
	app, _, err := e.store.CreateApp(ctx, models.NewApp{AppID: "app_testbulkabcdefghijkl", Name: "Bulk", Key: "sk_test_app_0123456789abcdefgh"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 1203 // three batches
	var conv int64
	at := time.Now().UTC().Add(-time.Hour)
	for i := range n {
		res, err := e.store.SaveMessage(ctx, app.ID, models.IncomingMessage{ChirpMessageID: fmt.Sprintf("msg_bulk%04d", i),
			Channel: models.ChannelSMS, Direction: models.DirectionInbound, From: "+15550002222", To: "+15559876543",
			Text: fmt.Sprintf("line %d, with \"quotes\"", i), SentAt: at.Add(time.Duration(i) * time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		conv = res.ConversationID
	}
	c := e.signedIn(models.RoleSupport)
	rows := exportCSV(t, c, fmt.Sprintf("/conversations/%d/export.csv", conv))
	if len(rows) != n+1 || rows[1][6] != "msg_bulk0000" || rows[n][6] != fmt.Sprintf("msg_bulk%04d", n-1) {
		t.Errorf("%d rows; first %v", len(rows), rows[1])
	}
	if js := exportJSON(t, c, "/search/export.json?q=quotes"); len(js.Messages) != n {
		t.Errorf("search JSON export has %d messages, want %d", len(js.Messages), n)
	}
}

func TestTranscriptIsPrintableAndEscaped(t *testing.T) {
	e := newTestEnv(t)
	d := e.seedLookup()
	c := e.signedIn(models.RoleSupport)
	resp := c.get(fmt.Sprintf("/conversations/%d/transcript", d.aliceWA))
	body := readBody(t, resp)
	page := doc(t, resp)
	lines := page.Find(`[data-testid="transcript-line"]`)
	if lines.Length() != 2 || !strings.Contains(lines.First().Text(), "hello <script>") {
		t.Fatalf("%d lines: %q", lines.Length(), lines.Text())
	}
	if page.Find(`[data-testid="transcript"] script`).Length() != 0 || !strings.Contains(body, "&lt;script&gt;") {
		t.Error("transcript text not escaped")
	}
	if media := page.Find(`[data-testid="transcript-media"]`); media.Length() != 2 || !strings.Contains(media.First().Text(), "med_receipt") {
		t.Errorf("media references %q", media.Text())
	}
	if page.Find("nav.print\\:hidden").Length() != 1 || page.Find(`[data-testid="nav"]`).Length() != 0 {
		t.Error("transcript is not print-friendly: navigation is printed")
	}
	if n := e.auditCount("export.transcript", fmt.Sprintf("conversation %d", d.aliceWA)); n != 1 {
		t.Errorf("%d transcript audit events", n)
	}
}

// auditCount counts audit events of the action (and target, when not empty).
func (e *testEnv) auditCount(action, target string) int {
	e.t.Helper()
	db, _ := e.store.SQLDB()
	q, args := "SELECT count(*) FROM audit_events WHERE action = $1", []any{action}
	if target != "" {
		q, args = q+" AND target = $2", append(args, target)
	}
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func must(s string, err error) string {
	if err != nil {
		return err.Error()
	}
	return s
}
