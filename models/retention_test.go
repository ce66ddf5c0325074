package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
	"golang.org/x/crypto/bcrypt"
)

// clock is a movable clock for stores under test.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// eachClocked is modelstest.Each with a store whose clock the test moves.
func eachClocked(t *testing.T, start time.Time, fn func(t *testing.T, s *models.Store, c *clock)) {
	t.Helper()
	for _, d := range []migrations.Dialect{migrations.Postgres, migrations.SQLite} {
		t.Run(string(d), func(t *testing.T) {
			u := modelstest.SQLiteURL(t)
			if d == migrations.Postgres {
				u = modelstest.PostgresURL(t)
			}
			c := &clock{now: start}
			s, err := models.Open(context.Background(), u, models.Options{SecretKey: modelstest.SecretKey, BcryptCost: bcrypt.MinCost, Now: c.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			fn(t, s, c)
		})
	}
}

// seedMedia stores one inbound message per item, sent at the given time with one
// attachment of the given size; an empty id makes a legacy attachment.
func seedMedia(t *testing.T, s *models.Store, appID int64, msgID, mediaID string, at time.Time, size int64) {
	t.Helper()
	_, err := s.SaveMessage(context.Background(), appID, inbound(msgID, at,
		models.IncomingMedia{MediaID: mediaID, Kind: models.KindImage, MimeType: "image/jpeg", SizeBytes: size}))
	if err != nil {
		t.Fatal(err)
	}
}

// mediaRow reads one media row by its Chirp id.
func mediaRow(t *testing.T, s *models.Store, mediaID string) (expires, expired *time.Time, fromChirp bool) {
	t.Helper()
	db, _ := s.SQLDB()
	var exp, exd nullTime
	if err := db.QueryRow(`SELECT expires_at, expired_at, expiry_from_chirp FROM media WHERE media_id = `+placeholder(s), mediaID).
		Scan(&exp, &exd, &fromChirp); err != nil {
		t.Fatal(err)
	}
	return exp.ptr(), exd.ptr(), fromChirp
}

func placeholder(s *models.Store) string {
	if s.Dialect() == migrations.Postgres {
		return "$1"
	}
	return "?"
}

// nullTime scans a nullable time column on both dialects.
type nullTime struct {
	t     time.Time
	valid bool
}

func (n *nullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.valid = false
	case time.Time:
		n.t, n.valid = x.UTC(), true
	default:
		return errors.New("unexpected time type")
	}
	return nil
}

func (n nullTime) ptr() *time.Time {
	if !n.valid {
		return nil
	}
	return &n.t
}

func TestParseRetentionDays(t *testing.T) {
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"90", 90, true}, {" 30 ", 30, true}, {"1", 1, true}, {"3650", 3650, true},
		{"", 0, false}, {"   ", 0, false}, {"abc", 0, false}, {"0", 0, false}, {"-5", 0, false},
		{"3651", 0, false}, {"12.5", 0, false}, {"90 days", 0, false}, {"1e2", 0, false},
		{"99999999999999999999999", 0, false},
	}
	for _, c := range cases {
		days, problem := models.ParseRetentionDays(c.in)
		if (problem == "") != c.ok || days != c.want {
			t.Errorf("ParseRetentionDays(%q) = %d, %q; want %d, ok=%v", c.in, days, problem, c.want, c.ok)
		}
	}
}

func TestRetentionImpactOnKnownData(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	eachClocked(t, now, func(t *testing.T, s *models.Store, c *clock) {
		ctx := context.Background()
		app := testApp(t, s, "i")
		day := 24 * time.Hour
		seedMedia(t, s, app.ID, "m100", "med_100", now.Add(-100*day), 1_000_000)
		seedMedia(t, s, app.ID, "m45a", "med_45a", now.Add(-45*day), 2_500_000)
		seedMedia(t, s, app.ID, "m45b", "med_45b", now.Add(-45*day), 500_000)
		seedMedia(t, s, app.ID, "m10", "med_10", now.Add(-10*day), 4_000_000)
		seedMedia(t, s, app.ID, "m60", "med_60", now.Add(-60*day), 9_000_000) // Chirp already deleted it
		seedMedia(t, s, app.ID, "mlegacy", "", now.Add(-50*day), 7_000_000)   // never retrievable anyway
		if err := s.MarkMediaGone(ctx, app.ID, "med_60"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			days  int
			media int64
			bytes int64
		}{{30, 3, 4_000_000}, {7, 4, 8_000_000}, {200, 0, 0}, {45, 1, 1_000_000}} {
			imp, err := s.RetentionImpact(ctx, tc.days, now)
			if err != nil {
				t.Fatal(err)
			}
			if imp.Media != tc.media || imp.Bytes != tc.bytes || !imp.Cutoff.Equal(now.Add(-time.Duration(tc.days)*day)) {
				t.Errorf("impact of %d days = %+v, want %d items, %d bytes", tc.days, imp, tc.media, tc.bytes)
			}
		}
	})
}

func TestUpdateRetentionRecomputesPredictedExpiriesOnly(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	eachClocked(t, now, func(t *testing.T, s *models.Store, c *clock) {
		ctx := context.Background()
		app := testApp(t, s, "u")
		day := 24 * time.Hour
		created := now.Add(-20*day + 123456*time.Microsecond) // sub-second part must survive
		seedMedia(t, s, app.ID, "mp", "med_pred", created, 10)
		seedMedia(t, s, app.ID, "mc", "med_chirp", created, 10)
		seedMedia(t, s, app.ID, "mold", "med_old", now.Add(-50*day), 10)
		chirpExp := created.Add(30 * day)
		if err := s.RecordMediaAnswer(ctx, app.ID, "med_chirp", chirpExp); err != nil {
			t.Fatal(err)
		}

		ch, err := s.UpdateRetention(ctx, 10, "admin@example.com", now)
		if err != nil {
			t.Fatal(err)
		}
		if ch.OldDays != 90 || ch.NewDays != 10 || ch.Recomputed != 2 {
			t.Errorf("change = %+v, want 90 → 10 with 2 recomputed", ch)
		}
		if exp, _, chirp := mediaRow(t, s, "med_pred"); chirp || exp == nil || !exp.Equal(created.Add(10*day)) {
			t.Errorf("predicted expiry = %v (from chirp %v), want %v", exp, chirp, created.Add(10*day))
		}
		if exp, _, chirp := mediaRow(t, s, "med_chirp"); !chirp || exp == nil || !exp.Equal(chirpExp) {
			t.Errorf("Chirp's expiry = %v (from chirp %v), want it untouched at %v", exp, chirp, chirpExp)
		}
		org, err := s.Organization(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if org.MediaRetentionDays != 10 || org.RetentionUpdatedBy != "admin@example.com" || org.RetentionUpdatedAt == nil || !org.RetentionUpdatedAt.Equal(now) {
			t.Errorf("organization = %+v", org)
		}

		// The sweep marks both predicted items expired; lengthening clears the mark of the
		// one whose new expiry lies ahead, not of the one still past it.
		if res, err := s.SweepExpired(ctx, now, "t"); err != nil || res.Changed != 2 {
			t.Fatalf("sweep = %+v, %v; want 2 changed", res, err)
		}
		if _, err := s.UpdateRetention(ctx, 40, "admin@example.com", now); err != nil {
			t.Fatal(err)
		}
		if exp, expired, _ := mediaRow(t, s, "med_pred"); expired != nil || !exp.Equal(created.Add(40*day)) {
			t.Errorf("after lengthening: expires %v, expired mark %v; want %v and no mark", exp, expired, created.Add(40*day))
		}
		if _, expired, _ := mediaRow(t, s, "med_old"); expired == nil {
			t.Error("after lengthening: media still past its expiry lost its expired mark")
		}

		for _, bad := range []int{0, -1, 3651} {
			if _, err := s.UpdateRetention(ctx, bad, "x", now); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("UpdateRetention(%d) err = %v, want ErrInvalid", bad, err)
			}
		}
		if org, _ := s.Organization(ctx); org.MediaRetentionDays != 40 {
			t.Errorf("retention after rejected updates = %d, want 40", org.MediaRetentionDays)
		}
	})
}

func TestNewMediaArePredictedFromTheNewRetention(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	eachClocked(t, now, func(t *testing.T, s *models.Store, c *clock) {
		app := testApp(t, s, "n")
		if _, err := s.UpdateRetention(context.Background(), 7, "a", now); err != nil {
			t.Fatal(err)
		}
		seedMedia(t, s, app.ID, "m1", "med_1", now, 1)
		if exp, _, _ := mediaRow(t, s, "med_1"); !exp.Equal(now.Add(7 * 24 * time.Hour)) {
			t.Errorf("expiry = %v, want now + 7 days", exp)
		}
	})
}

func TestRetentionMismatchFromChirpAnswers(t *testing.T) {
	start := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	eachClocked(t, start, func(t *testing.T, s *models.Store, c *clock) {
		ctx := context.Background()
		app := testApp(t, s, "m")
		day := 24 * time.Hour
		created := start.Add(-5 * day)
		for _, id := range []string{"med_a", "med_b", "med_c", "med_d"} {
			seedMedia(t, s, app.ID, "msg_"+id, id, created, 100)
		}
		if got, err := s.RetentionMismatches(ctx); err != nil || len(got) != 0 {
			t.Fatalf("mismatches before any answer = %+v, %v", got, err)
		}
		firstSeen := start.Add(time.Hour)
		c.now = firstSeen
		// Chirp answers 30 days (plus a little clock skew) for two items, 90 for one.
		if err := s.RecordMediaAnswer(ctx, app.ID, "med_a", created.Add(30*day+3*time.Second)); err != nil {
			t.Fatal(err)
		}
		c.now = start.Add(3 * time.Hour)
		if err := s.RecordMediaAnswer(ctx, app.ID, "med_b", created.Add(30*day)); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordMediaAnswer(ctx, app.ID, "med_c", created.Add(90*day)); err != nil {
			t.Fatal(err)
		}
		got, err := s.RetentionMismatches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ChirpDays != 30 || got[0].Media != 2 || !got[0].Since.Equal(firstSeen) {
			t.Errorf("mismatches = %+v, want 30 days on 2 items since %v", got, firstSeen)
		}
		// Once the form says 30, the item Chirp gave 90 days is the odd one out.
		if _, err := s.UpdateRetention(ctx, 30, "a", c.now); err != nil {
			t.Fatal(err)
		}
		got, _ = s.RetentionMismatches(ctx)
		if len(got) != 1 || got[0].ChirpDays != 90 || got[0].Media != 1 {
			t.Errorf("mismatches at 30 days = %+v, want 90 days on 1 item", got)
		}
	})
}

func TestExpiryState(t *testing.T) {
	now := time.Date(2026, 1, 10, 15, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	cases := []struct {
		name          string
		expires, gone *time.Time
		state         string
		days          int
	}{
		{"unknown", nil, nil, models.ExpiryUnknown, 0},
		{"later today", at(8 * time.Hour), nil, models.ExpiryToday, 0},
		{"tomorrow morning", at(10 * time.Hour), nil, models.ExpiryActive, 1},
		{"in 30 days", at(30 * 24 * time.Hour), nil, models.ExpiryActive, 30},
		{"exactly now", at(0), nil, models.ExpiryExpired, 0},
		{"8 days ago", at(-8 * 24 * time.Hour), nil, models.ExpiryExpired, 8},
		{"gone before predicted expiry", at(24 * time.Hour), at(-2 * 24 * time.Hour), models.ExpiryExpired, 2},
		{"gone without expiry", nil, at(-time.Hour), models.ExpiryExpired, 0},
	}
	for _, c := range cases {
		state, days := models.ExpiryState(models.Media{ExpiresAt: c.expires, GoneAt: c.gone}, now)
		if state != c.state || days != c.days {
			t.Errorf("%s: ExpiryState = %q, %d; want %q, %d", c.name, state, days, c.state, c.days)
		}
	}
}
