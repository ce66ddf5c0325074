package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/chromedp/chromedp"
)

// TestBrowserRetentionJourney: an admin shortens retention, sees the impact preview,
// confirms, and sees the new value; the change is audited. A viewer does not see
// Settings and gets 403 on its URL.
func TestBrowserRetentionJourney(t *testing.T) {
	e := newTestEnv(t)
	e.chirpApp(hookAppID, hookKey, hookSecret)
	now := time.Now().UTC()
	for i := 0; i < 6; i++ { // 3 media 60+ days old, 3 recent
		age := time.Duration(i) * 24 * time.Hour
		if i < 3 {
			age += 60 * 24 * time.Hour
		}
		m := sampleMessage(fmt.Sprintf("msg_ret%02d", i), chirpsim.ShapeWhatsAppNested, now.Add(-age))
		if resp := postWebhook(e, hookAppID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, m)); resp.StatusCode != 200 {
			t.Fatalf("seed: %d", resp.StatusCode)
		}
	}
	e.user("ops@example.com", "admin")
	e.user("vera@example.com", "viewer")
	base := e.listen()

	b := newBrowser(t, base)
	b.signIn("ops@example.com", "password-admin")
	b.open("/settings/retention")
	if v := b.text(`[data-testid="retention-value"]`); v != "90" {
		t.Fatalf("current value %q, want 90", v)
	}
	b.do(chromedp.SetValue(chromedp.CSS(`[data-testid="retention-form"] input[name="media_retention_days"]`), "30"))
	b.submit(`[data-testid="retention-save"]`)
	summary := b.text(`[data-testid="impact-summary"]`)
	if !strings.Contains(summary, "3 media items") {
		t.Errorf("impact preview %q, want 3 media items", summary)
	}
	b.screenshot("impact-preview")
	if v := b.text(`[data-testid="retention-value"]`); v != "90" {
		t.Errorf("value changed before confirmation: %q", v)
	}
	b.submit(`[data-testid="confirm-shorten"]`)
	if v := b.text(`[data-testid="retention-value"]`); v != "30" {
		t.Errorf("after confirming, value %q, want 30", v)
	}
	b.screenshot("confirmed")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'retention.update' AND details LIKE '%90%30%'`); n != 1 {
		t.Errorf("%d audit events for the change, want 1", n)
	}

	v := newBrowser(t, base)
	v.signIn("vera@example.com", "password-viewer")
	if nav := v.text(`[data-testid="nav"]`); strings.Contains(nav, "Settings") {
		t.Errorf("a viewer sees Settings in %q", nav)
	}
	if n := js[int](v, `document.querySelectorAll('[data-testid="nav-settings"]').length`); n != 0 {
		t.Error("a viewer has a Settings link")
	}
	resp := e.client()
	resp.login("vera@example.com", "password-viewer")
	if r := resp.get("/settings/retention"); r.StatusCode != http.StatusForbidden {
		t.Errorf("viewer GET /settings/retention = %d, want 403", r.StatusCode)
	}
	v.open("/settings/retention")
	if title := v.text(`[data-testid="error-page"] h1`); !strings.Contains(title, "Not allowed") {
		t.Errorf("viewer sees %q on the settings URL", title)
	}
	v.screenshot("viewer-forbidden")
}
