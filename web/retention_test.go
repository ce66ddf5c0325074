package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/models"
)

const day = 24 * time.Hour

// retentionDays reads the stored organization retention.
func (e *testEnv) retentionDays() int {
	e.t.Helper()
	org, err := e.store.Organization(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return org.MediaRetentionDays
}

// auditDetails lists the details of the audit events with the action, oldest first.
func (e *testEnv) auditDetails(action string) []string {
	e.t.Helper()
	db, _ := e.store.SQLDB()
	rows, err := db.Query(`SELECT details FROM audit_events WHERE action = $1 ORDER BY id`, action)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		_ = rows.Scan(&d)
		out = append(out, d)
	}
	return out
}

// seedRetentionMedia stores media of known sizes and ages (relative to the test clock):
// three items (4.0 MB) older than 30 days, one of 10 days, one already gone at Chirp and a
// legacy item without a media id.
func (e *testEnv) seedRetentionMedia() models.App {
	e.t.Helper()
	ctx := context.Background()
	app, _, err := e.store.CreateApp(ctx, models.NewApp{AppID: "app_testretention0123456789", Name: "Shop", Key: "sk_test_app_0123456789abcdef"})
	if err != nil {
		e.t.Fatal(err)
	}
	now := e.clock.Now()
	for i, m := range []struct {
		id   string
		age  time.Duration
		size int64
	}{{"med_100", 100 * day, 1_000_000}, {"med_45a", 45 * day, 2_500_000}, {"med_45b", 45 * day, 500_000},
		{"med_10", 10 * day, 4_000_000}, {"med_gone", 60 * day, 9_000_000}, {"", 50 * day, 7_000_000}} {
		_, err := e.store.SaveMessage(ctx, app.ID, models.IncomingMessage{ChirpMessageID: "msg_" + strconv.Itoa(i), Channel: models.ChannelWhatsApp,
			Direction: models.DirectionInbound, Type: "image", From: "+15551234567", To: "+15559876543", SentAt: now.Add(-m.age),
			Media: []models.IncomingMedia{{MediaID: m.id, Kind: models.KindImage, MimeType: "image/jpeg", SizeBytes: m.size}}})
		if err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.store.MarkMediaGone(ctx, app.ID, "med_gone"); err != nil {
		e.t.Fatal(err)
	}
	return app
}

func TestRetentionFormValidation(t *testing.T) {
	e := newTestEnv(t)
	admin := e.signedIn(models.RoleAdmin)
	page := doc(t, admin.get("/settings/retention"))
	if v, _ := page.Find(`[data-testid="retention-form"] input[name="_csrf"]`).Attr("value"); v == "" {
		t.Error("the retention form carries no _csrf field")
	}
	if got := page.Find(`label[for="media_retention_days"]`).Length(); got != 1 {
		t.Error("the days input has no label")
	}
	cases := []struct {
		value  string
		status int
	}{{"", 422}, {"abc", 422}, {"0", 422}, {"-5", 422}, {"3651", 422}, {"12.5", 422}, {"90", 303}}
	for _, c := range cases {
		resp := admin.post("/settings/retention", url.Values{"media_retention_days": {c.value}})
		if resp.StatusCode != c.status {
			t.Errorf("%q: status %d, want %d", c.value, resp.StatusCode, c.status)
		}
		if c.status == 422 {
			d := doc(t, resp)
			if msg := strings.TrimSpace(d.Find(`[data-testid="retention-form"] [data-testid="field-error"]`).Text()); msg == "" {
				t.Errorf("%q: no field error shown", c.value)
			}
			if v, _ := d.Find(`#media_retention_days`).Attr("value"); v != c.value {
				t.Errorf("%q: the form shows %q instead of what was typed", c.value, v)
			}
			if got := d.Find(`[data-testid="retention-value"]`).Text(); got != "90" {
				t.Errorf("%q: page shows retention %q, want 90", c.value, got)
			}
		}
		if got := e.retentionDays(); got != 90 {
			t.Fatalf("%q: stored retention %d, want 90", c.value, got)
		}
	}
	if got := e.auditDetails("retention.update"); len(got) != 0 {
		t.Errorf("audit events for rejected or unchanged values: %q", got)
	}
}

func TestShorteningRetentionShowsTheImpactAndNeedsConfirmation(t *testing.T) {
	e := newTestEnv(t)
	e.seedRetentionMedia()
	admin := e.signedIn(models.RoleAdmin)
	admin.get("/settings/retention")

	resp := admin.post("/settings/retention", url.Values{"media_retention_days": {"30"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview status %d", resp.StatusCode)
	}
	d := doc(t, resp)
	cutoff := e.clock.Now().Add(-30 * day).UTC().Format("2 Jan 2006")
	want := "3 media items (4.0 MB) received before " + cutoff + " will become unavailable."
	if got := strings.Join(strings.Fields(d.Find(`[data-testid="impact-preview"] [data-testid="impact-summary"]`).Text()), " "); got != want {
		t.Errorf("impact = %q\nwant     %q", got, want)
	}
	if e.retentionDays() != 90 || len(e.auditDetails("retention.update")) != 0 {
		t.Fatal("the preview changed the retention")
	}

	// The confirmation form posts the same value with confirm.
	confirm := url.Values{"confirm": {"1"}}
	d.Find(`[data-testid="impact-preview"] form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		value, _ := s.Attr("value")
		confirm.Set(name, value)
	})
	if confirm.Get("_csrf") == "" || confirm.Get("media_retention_days") != "30" {
		t.Fatalf("confirmation form fields = %v", confirm)
	}
	resp = admin.post("/settings/retention", confirm)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings/retention" {
		t.Fatalf("confirm: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := e.retentionDays(); got != 30 {
		t.Errorf("stored retention %d, want 30", got)
	}
	if got := e.auditDetails("retention.update"); len(got) != 1 || !strings.Contains(got[0], "90 → 30") {
		t.Errorf("audit = %q, want one event with 90 → 30", got)
	}
	org, _ := e.store.Organization(context.Background())
	if org.RetentionUpdatedBy != "admin@example.com" || org.RetentionUpdatedAt == nil {
		t.Errorf("who/when not stored: %+v", org)
	}
	d = doc(t, admin.get("/settings/retention"))
	if got := d.Find(`[data-testid="retention-value"]`).Text(); got != "30" {
		t.Errorf("page shows %q, want 30", got)
	}
	if !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "30 days") {
		t.Errorf("flash = %q", d.Find(`[data-testid="flash"]`).Text())
	}
}

func TestConfirmingAStalePreviewShowsANewOne(t *testing.T) {
	e := newTestEnv(t)
	admin := e.signedIn(models.RoleAdmin)
	admin.get("/settings/retention")
	// Previewed at 60 days, but the value is 90 now: the impact differs, so ask again.
	resp := admin.post("/settings/retention", url.Values{"media_retention_days": {"30"}, "confirm": {"1"}, "previous_days": {"60"}})
	if resp.StatusCode != http.StatusOK || doc(t, resp).Find(`[data-testid="impact-preview"]`).Length() != 1 {
		t.Errorf("status %d; want the preview again", resp.StatusCode)
	}
	if e.retentionDays() != 90 {
		t.Error("a stale confirmation changed the retention")
	}
}

func TestLengtheningRetentionSavesDirectly(t *testing.T) {
	e := newTestEnv(t)
	admin := e.signedIn(models.RoleAdmin)
	admin.get("/settings/retention")
	resp := admin.post("/settings/retention", url.Values{"media_retention_days": {"120"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", resp.StatusCode)
	}
	if got := e.retentionDays(); got != 120 {
		t.Errorf("stored retention %d, want 120", got)
	}
	if got := e.auditDetails("retention.update"); len(got) != 1 || !strings.Contains(got[0], "90 → 120") {
		t.Errorf("audit = %q, want one event with 90 → 120", got)
	}
	flash := doc(t, admin.get("/settings/retention")).Find(`[data-testid="flash"]`).Text()
	if !strings.Contains(flash, "already deleted stay deleted") {
		t.Errorf("flash = %q, want the note that deleted media stay deleted", flash)
	}
}

func TestRetentionPageWarnsWhenChirpDisagrees(t *testing.T) {
	e := newTestEnv(t)
	app := e.seedRetentionMedia()
	admin := e.signedIn(models.RoleAdmin)
	if doc(t, admin.get("/settings/retention")).Find(`[data-testid="retention-mismatch"]`).Length() != 0 {
		t.Error("mismatch warning shown before Chirp answered")
	}
	ctx := context.Background()
	created := e.clock.Now().Add(-10 * day).UTC().Truncate(time.Microsecond)
	if err := e.store.RecordMediaAnswer(ctx, app.ID, "med_10", created.Add(30*day)); err != nil {
		t.Fatal(err)
	}
	d := doc(t, admin.get("/settings/retention"))
	w := d.Find(`[data-testid="retention-mismatch"]`)
	if w.Length() != 1 {
		t.Fatal("no mismatch warning")
	}
	since := time.Now().UTC().Format("2 Jan 2006")
	if w.Find(`[data-testid="mismatch-chirp-days"]`).Text() != "30 days" || w.Find(`[data-testid="mismatch-form-days"]`).Text() != "90 days" ||
		w.Find(`[data-testid="mismatch-since"]`).Text() != since {
		t.Errorf("warning = %q", strings.Join(strings.Fields(w.Text()), " "))
	}
}

func TestRetentionPageShowsTheLastSweep(t *testing.T) {
	e := newTestEnv(t)
	e.seedRetentionMedia()
	admin := e.signedIn(models.RoleAdmin)
	if got := doc(t, admin.get("/settings/retention")).Find(`[data-testid="last-sweep"]`).Text(); !strings.Contains(got, "No check has run yet") {
		t.Errorf("last sweep before any = %q", got)
	}
	if _, err := e.store.SweepExpired(context.Background(), e.clock.Now(), "test"); err != nil {
		t.Fatal(err)
	}
	// med_100 is the only item past 90 days that Chirp has not already deleted.
	if got := doc(t, admin.get("/settings/retention")).Find(`[data-testid="last-sweep-changed"]`).Text(); got != "1 item" {
		t.Errorf("last sweep changed = %q, want 1 item", got)
	}
}

func TestRetentionSettingsAreForAdminsOnly(t *testing.T) {
	e := newTestEnv(t)
	for _, role := range []string{models.RoleViewer, models.RoleSupport} {
		c := e.signedIn(role)
		if resp := c.get("/settings/retention"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s GET: status %d, want 403", role, resp.StatusCode)
		}
		if resp := c.post("/settings/retention", url.Values{"media_retention_days": {"120"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s POST: status %d, want 403", role, resp.StatusCode)
		}
	}
	if resp := e.client().post("/settings/retention", url.Values{"media_retention_days": {"120"}}); resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Errorf("signed out POST: status %d", resp.StatusCode)
	}
	admin := e.signedIn(models.RoleAdmin)
	admin.get("/settings/retention")
	if resp := admin.post("/settings/retention", url.Values{"media_retention_days": {"120"}, "_csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged CSRF token: status %d, want 403", resp.StatusCode)
	}
	if e.retentionDays() != 90 {
		t.Error("the retention changed")
	}
}
