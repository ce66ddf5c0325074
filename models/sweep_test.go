package models_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

func TestSweepMarksMediaPastTheirExpiry(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 30, 15, 250000000, time.UTC) // sub-second on purpose
	eachClocked(t, t0, func(t *testing.T, s *models.Store, c *clock) {
		ctx := context.Background()
		app := testApp(t, s, "s")
		day := 24 * time.Hour
		seedMedia(t, s, app.ID, "m1", "med_1", t0, 10)
		seedMedia(t, s, app.ID, "m2", "med_2", t0.Add(10*day), 10)
		seedMedia(t, s, app.ID, "m3", "med_3", t0, 10) // Chirp said 404 already
		if err := s.MarkMediaGone(ctx, app.ID, "med_3"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LastSweep(ctx); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("LastSweep before any = %v, want ErrNotFound", err)
		}
		expiry := t0.Add(90 * day)
		sweep := func(at time.Time) int64 {
			t.Helper()
			res, err := s.SweepExpired(ctx, at, "test")
			if err != nil || res.Skipped {
				t.Fatalf("sweep at %v: %+v, %v", at, res, err)
			}
			return res.Changed
		}
		if n := sweep(expiry.Add(-time.Microsecond)); n != 0 {
			t.Errorf("a microsecond before expiry: %d changed, want 0", n)
		}
		if n := sweep(expiry); n != 1 {
			t.Errorf("at expiry: %d changed, want 1", n)
		}
		if _, expired, _ := mediaRow(t, s, "med_1"); expired == nil || !expired.Equal(expiry) {
			t.Errorf("expired_at = %v, want %v", expired, expiry)
		}
		if n := sweep(expiry.Add(time.Hour)); n != 0 {
			t.Errorf("second sweep: %d changed, want 0", n)
		}
		last, err := s.LastSweep(ctx)
		if err != nil || !last.StartedAt.Equal(expiry.Add(time.Hour)) || last.Changed != 0 || last.FinishedAt == nil || last.Instance != "test" {
			t.Errorf("last sweep = %+v, %v", last, err)
		}

		// Shortening the retention brings med_2's expiry before the next sweep.
		at := t0.Add(95 * day)
		if _, err := s.UpdateRetention(ctx, 80, "a", at); err != nil {
			t.Fatal(err)
		}
		if n := sweep(at); n != 1 {
			t.Errorf("after shortening to 80 days: %d changed, want 1 (med_2)", n)
		}
		if _, expired, _ := mediaRow(t, s, "med_3"); expired != nil {
			t.Error("media known gone was marked expired")
		}
		// Chirp still serving the file clears the mark.
		if err := s.RecordMediaAnswer(ctx, app.ID, "med_2", at.Add(day)); err != nil {
			t.Fatal(err)
		}
		if _, expired, _ := mediaRow(t, s, "med_2"); expired != nil {
			t.Error("a Media API answer did not clear the expired mark")
		}
	})
}

func TestSweeperSweepsAtStart(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	eachClocked(t, t0, func(t *testing.T, s *models.Store, c *clock) {
		app := testApp(t, s, "r")
		seedMedia(t, s, app.ID, "m1", "med_1", t0.Add(-100*24*time.Hour), 10)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		w := &models.Sweeper{Store: s, Interval: time.Hour, Instance: "runner", Now: func() time.Time { return t0 }}
		go func() { w.Run(ctx); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for {
			last, err := s.LastSweep(context.Background())
			if err == nil {
				if last.Changed != 1 || last.Instance != "runner" {
					t.Errorf("first sweep = %+v", last)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no sweep recorded at start")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
	})
}

// TestTwoInstancesNeverSweepTogether runs sweeps from two stores (two "instances") on one
// Postgres database: while one holds the advisory lock, the other skips.
func TestTwoInstancesNeverSweepTogether(t *testing.T) {
	u := modelstest.PostgresURL(t)
	a, b := modelstest.OpenURL(t, u), modelstest.OpenURL(t, u)
	ctx := context.Background()
	app := testApp(t, a, "p")
	now := time.Now()
	for _, id := range []string{"med_1", "med_2", "med_3"} {
		seedMedia(t, a, app.ID, "msg_"+id, id, now.Add(-100*24*time.Hour), 10)
	}

	locked, release := make(chan struct{}), make(chan struct{})
	slow := models.WithSweepHook(ctx, func() { close(locked); <-release })
	resA := make(chan models.SweepResult, 1)
	go func() {
		res, err := a.SweepExpired(slow, now, "a")
		if err != nil {
			t.Error(err)
		}
		resA <- res
	}()
	<-locked
	res, err := b.SweepExpired(ctx, now, "b")
	if err != nil || !res.Skipped || res.Changed != 0 {
		t.Errorf("sweep on b while a sweeps = %+v, %v; want skipped", res, err)
	}
	close(release)
	if res := <-resA; res.Skipped || res.Changed != 3 {
		t.Errorf("sweep on a = %+v, want 3 changed", res)
	}
	if res, err := b.SweepExpired(ctx, now, "b"); err != nil || res.Skipped || res.Changed != 0 {
		t.Errorf("sweep on b afterwards = %+v, %v; want run with 0 changed", res, err)
	}

	// Many at once: never two inside the lock, and every run that was not skipped is recorded.
	var inside, most, ran atomic.Int32
	hook := models.WithSweepHook(ctx, func() {
		n := inside.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inside.Add(-1)
	})
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(s *models.Store) {
			defer wg.Done()
			res, err := s.SweepExpired(hook, now, "many")
			if err != nil {
				t.Error(err)
			} else if !res.Skipped {
				ran.Add(1)
			}
		}([]*models.Store{a, b}[i%2])
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d sweeps ran together, want 1", most.Load())
	}
	db, _ := a.SQLDB()
	var recorded int32
	_ = db.QueryRow(`SELECT count(*) FROM sweeps WHERE instance = 'many'`).Scan(&recorded)
	if ran.Load() < 1 || recorded != ran.Load() {
		t.Errorf("%d sweeps ran, %d recorded", ran.Load(), recorded)
	}
}
