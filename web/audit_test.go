package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/models"
)

// seedAudit records n events in order (the store's clock is real time, so several may
// share a timestamp and the id breaks the tie), alternating actions and actors.
func seedAudit(t *testing.T, e *testEnv, n int) {
	t.Helper()
	for i := range n {
		ev := models.AuditEvent{Action: []string{"user.create", "app.update"}[i%2], ActorEmail: []string{"ada@example.com", "bob@example.com"}[i%3%2],
			Target: fmt.Sprintf("target-%03d", i), ClientIP: "127.0.0.1"}
		if err := e.store.Record(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
}

func auditTargets(d *goquery.Document) []string {
	var out []string
	d.Find(`[data-testid="audit-target"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return out
}

func TestAuditLogPagesNewestFirst(t *testing.T) {
	for name, opt := range map[string]func(*envOptions){"postgres": func(*envOptions) {}, "sqlite": onSQLite} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t, opt)
			admin := e.as(models.RoleAdmin) // signs in: one auth.signin event first
			seedAudit(t, e, 120)
			var all []string
			next := "/audit?action=user.create"
			for page := 0; next != ""; page++ {
				resp := admin.get(next)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", next, resp.StatusCode)
				}
				d := doc(t, resp)
				got := auditTargets(d)
				if page == 0 && (len(got) != auditPageSize || d.Find(`[data-testid="audit-first"]`).Length() != 0) {
					t.Errorf("first page: %d rows", len(got))
				}
				all = append(all, got...)
				next, _ = d.Find(`[data-testid="audit-next"]`).Attr("href")
				if strings.Contains(next, "offset") || (next != "" && !strings.Contains(next, "action=user.create")) {
					t.Errorf("next link %q (must keep the filter, no offset)", next)
				}
				if page > 3 {
					t.Fatal("pagination does not end")
				}
			}
			if len(all) != 60 || all[0] != "target-118" || all[59] != "target-000" {
				t.Fatalf("walked %d rows, %v … %v", len(all), all[:1], all[len(all)-1:])
			}
			for i := 1; i < len(all); i++ {
				if all[i] >= all[i-1] {
					t.Fatalf("not newest first: %s after %s", all[i], all[i-1])
				}
			}
		})
	}
}

func TestAuditLogFilters(t *testing.T) {
	e := newTestEnv(t)
	admin := e.as(models.RoleAdmin)
	seedAudit(t, e, 12)
	// The store's clock is real time: the events are all from today.
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	for query, want := range map[string]int{
		"":                                       13, // plus the admin's sign-in
		"?action=app.update":                     6,
		"?actor=BOB":                             4,
		"?action=user.create&actor=ada":          4,
		"?from=" + tomorrow:                      0,
		"?to=" + yesterday:                       0,
		"?from=" + yesterday + "&to=" + tomorrow: 13,
	} {
		resp := admin.get("/audit" + query)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", query, resp.StatusCode)
			continue
		}
		d := doc(t, resp)
		if got := d.Find(`[data-testid="audit-row"]`).Length(); got != want {
			t.Errorf("%s: %d rows, want %d", query, got, want)
		}
		if href, _ := d.Find(`[data-testid="audit-export"]`).Attr("href"); href != "/audit.csv"+query && !(query != "" && strings.HasPrefix(href, "/audit.csv?")) {
			t.Errorf("%s: export link %q", query, href)
		}
	}
	for _, bad := range []string{"?from=yesterday", "?to=2025-13-40", "?from=" + tomorrow + "&to=" + yesterday} {
		resp := admin.get("/audit" + bad)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", bad, resp.StatusCode)
		}
		if d := doc(t, resp); d.Find(".field-error").Length() == 0 {
			t.Errorf("%s: no field error", bad)
		}
	}
	d := doc(t, admin.get("/audit"))
	if d.Find(`[data-testid="settings-nav-audit"][aria-current="page"]`).Length() != 1 {
		t.Error("settings sub-navigation does not mark Audit")
	}
	if d.Find(`#f-action option[value="app.update"]`).Length() != 1 {
		t.Error("the action filter does not offer the recorded actions")
	}
}

func TestAuditCSVExport(t *testing.T) {
	for name, opt := range map[string]func(*envOptions){"postgres": func(*envOptions) {}, "sqlite": onSQLite} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t, opt)
			admin := e.as(models.RoleAdmin)
			seedAudit(t, e, 1100) // more than two of the export's internal pages
			nasty := models.AuditEvent{Action: "app.update", ActorEmail: "@evil", Target: "=HYPERLINK(\"http://x\")",
				Details: "+cmd|' /C calc'!A0", ClientIP: "-1+1"}
			if err := e.store.Record(context.Background(), nasty); err != nil {
				t.Fatal(err)
			}
			resp := admin.get("/audit.csv?action=app.update")
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
				t.Fatalf("export: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
			}
			rows, err := csv.NewReader(strings.NewReader(readBody(t, resp))).ReadAll()
			if err != nil {
				t.Fatalf("the export does not parse as CSV: %v", err)
			}
			if strings.Join(rows[0], ",") != "time,actor_email,action,target,details,client_ip" {
				t.Errorf("header %v", rows[0])
			}
			if len(rows) != 1+550+1 {
				t.Fatalf("%d data rows, want 551", len(rows)-1)
			}
			first := rows[1]
			if first[1] != "'@evil" || first[3] != "'=HYPERLINK(\"http://x\")" || first[4] != "'+cmd|' /C calc'!A0" || first[5] != "'-1+1" {
				t.Errorf("formula cells not neutralised: %q", first)
			}
			if _, err := time.Parse(time.RFC3339, first[0]); err != nil {
				t.Errorf("time cell %q", first[0])
			}
			for _, r := range rows[1:] {
				if r[2] != "app.update" {
					t.Fatalf("the filter was not applied: %v", r)
				}
			}
			if rows[2][3] != "target-1099" || rows[len(rows)-1][3] != "target-001" {
				t.Errorf("not newest first: %v … %v", rows[2], rows[len(rows)-1])
			}
			if ev := e.lastAudit("audit.export"); ev.ActorEmail != "admin@example.com" || ev.Details != "action=app.update" {
				t.Errorf("export audit %+v", ev)
			}
			if resp := admin.get("/audit.csv?from=nope"); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("bad filter export: %d", resp.StatusCode)
			}
		})
	}
}
