package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/chromedp/chromedp"
)

// TestBrowserSupportLookupAndExport: support staff look up a contact by a formatted
// phone number, open the conversation and export it as CSV.
func TestBrowserSupportLookupAndExport(t *testing.T) {
	e := newTestEnv(t)
	e.chirpApp(hookAppID, hookKey, hookSecret)
	at := time.Now().UTC().Add(-2 * time.Hour)
	texts := []string{"Hi, my order #1042 hasn't arrived", `It says "delivered", but it isn't here`, "=SUM(A1:A9) thanks"}
	for i, text := range texts {
		m := sampleMessage(fmt.Sprintf("msg_support%02d", i), chirpsim.ShapeWhatsAppNested, at.Add(time.Duration(i)*time.Minute))
		m.From, m.Text = "+15551234567", text
		if resp := postWebhook(e, hookAppID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, m)); resp.StatusCode != 200 {
			t.Fatalf("seed: %d", resp.StatusCode)
		}
	}
	other := sampleMessage("msg_other", chirpsim.ShapeWhatsAppNested, at)
	other.From = "+15557654321"
	postWebhook(e, hookAppID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, other))
	e.user("sam@example.com", "support")
	b := newBrowser(t, e.listen())
	b.signIn("sam@example.com", "password-support")
	b.open("/search")
	b.do(chromedp.SetValue(chromedp.CSS(`[data-testid="search-form"] input[name="q"]`), "+1 (555) 123-4567"))
	b.submit(`[data-testid="search-submit"]`)
	hits := js[[]string](b, `Array.from(document.querySelectorAll('[data-testid="search-hit"] [data-testid="hit-contact"]')).map(h => h.textContent.trim())`)
	if len(hits) != 3 {
		t.Fatalf("%d hits for the formatted number, want 3: %v", len(hits), hits)
	}
	for _, h := range hits {
		if !strings.Contains(h, "555-123-4567") {
			t.Errorf("hit for another contact: %q", h)
		}
	}
	b.screenshot("search")
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`[data-testid="search-hit"] [data-testid="hit-link"]`))); err != nil {
		t.Fatal(err)
	}
	cancel()
	b.do(chromedp.WaitReady(chromedp.CSS(`[data-testid="highlighted"]`)))
	b.screenshot("thread")
	href := js[string](b, `document.querySelector('[data-testid="thread-exports"] [data-testid="export-csv"]').getAttribute('href')`)
	body := value(b, chromedp.Evaluate[string](`fetch(`+"`"+`${location.origin}`+"`"+` + '`+href+`', {credentials: 'same-origin'}).then(r => r.ok ? r.text() : 'HTTP ' + r.status)`, chromedp.EvalAwaitPromise))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, body)
	}
	joined := fmt.Sprint(rows)
	for _, text := range texts[:2] {
		if !strings.Contains(joined, text) {
			t.Errorf("export lacks %q", text)
		}
	}
	if !strings.Contains(joined, "'=SUM(A1:A9) thanks") {
		t.Error("a formula-like cell was not neutralised")
	}
	if strings.Contains(body, "http") || strings.Contains(body, "X-Amz") {
		t.Error("the export holds a URL")
	}
	if strings.Contains(joined, "+15557654321") {
		t.Error("the export holds another conversation")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'export.csv'`); n != 1 {
		t.Errorf("%d export audit events, want 1", n)
	}
}
