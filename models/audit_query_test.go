package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

func TestAuditPageKeysetAndFilters(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.Postgres, migrations.SQLite} {
		t.Run(string(d), func(t *testing.T) {
			u := modelstest.PostgresURL
			if d == migrations.SQLite {
				u = modelstest.SQLiteURL
			}
			now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
			s, err := models.Open(context.Background(), u(t), models.Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			// 25 events over 5 days; several share a timestamp so the id breaks ties.
			for i := range 25 {
				now = time.Date(2025, 3, 1+i/5, 12, i%3, 0, 0, time.UTC)
				action := []string{"user.create", "user.role", "app.create"}[i%3]
				actor := []string{"Ada@example.com", "bob@example.com"}[i%2]
				if err := s.Record(ctx, models.AuditEvent{Action: action, ActorEmail: actor, Target: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			// Walk every page of 4: each event exactly once, newest first.
			var seen []string
			var after *models.AuditCursor
			for pages := 0; ; pages++ {
				evs, next, err := s.AuditPage(ctx, models.AuditFilter{}, after, 4)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range evs {
					seen = append(seen, e.Target)
				}
				if next == nil {
					break
				}
				// The cursor survives a trip through a URL.
				c, err := models.ParseAuditCursor(next.String())
				if err != nil {
					t.Fatal(err)
				}
				after = &c
				if pages > 10 {
					t.Fatal("pagination does not end")
				}
			}
			if len(seen) != 25 {
				t.Fatalf("walked %d events, want 25: %v", len(seen), seen)
			}
			all, _, _ := s.AuditPage(ctx, models.AuditFilter{}, nil, 100)
			for i := 1; i < len(all); i++ {
				p, c := all[i-1], all[i]
				if c.At.After(p.At) || (c.At.Equal(p.At) && c.ID > p.ID) {
					t.Fatalf("not newest first at %d: %v/%d then %v/%d", i, p.At, p.ID, c.At, c.ID)
				}
			}
			for i := range all {
				if seen[i] != all[i].Target {
					t.Fatalf("paged order differs from one-page order at %d", i)
				}
			}

			count := func(f models.AuditFilter) int {
				evs, _, err := s.AuditPage(ctx, f, nil, 100)
				if err != nil {
					t.Fatal(err)
				}
				return len(evs)
			}
			day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
			for name, tc := range map[string]struct {
				f    models.AuditFilter
				want int
			}{
				"exact action":       {models.AuditFilter{Action: "user.role"}, 8},
				"action prefix":      {models.AuditFilter{Action: "user."}, 17},
				"actor ignores case": {models.AuditFilter{ActorEmail: "ADA@"}, 13},
				"actor wildcard":     {models.AuditFilter{ActorEmail: "%"}, 0},
				"one day":            {models.AuditFilter{From: day(2), To: day(3)}, 5},
				"from":               {models.AuditFilter{From: day(4)}, 10},
				"combined":           {models.AuditFilter{Action: "app.create", ActorEmail: "bob", To: day(3)}, 1},
			} {
				if got := count(tc.f); got != tc.want {
					t.Errorf("%s: %d events, want %d", name, got, tc.want)
				}
			}
			acts, err := s.AuditActions(ctx)
			if err != nil || fmt.Sprint(acts) != "[app.create user.create user.role]" {
				t.Errorf("AuditActions = %v %v", acts, err)
			}
			for _, bad := range []string{"", "x", "1-", "-1", "1-0", "a-b"} {
				if _, err := models.ParseAuditCursor(bad); err == nil {
					t.Errorf("ParseAuditCursor(%q) accepted", bad)
				}
			}
		})
	}
}
