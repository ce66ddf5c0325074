package chirp

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBudgetSlidingWindow(t *testing.T) {
	b := newBudget(3, time.Minute)
	t0 := time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		want time.Duration // 0: call allowed
	}{
		{0, 0},
		{10 * time.Second, 0},
		{20 * time.Second, 0},
		{30 * time.Second, 30 * time.Second}, // full until the first call leaves the window
		{59 * time.Second, time.Second},
		{60 * time.Second, 0},               // first call left
		{61 * time.Second, 9 * time.Second}, // calls at 10s, 20s, 60s in the window
		{80 * time.Second, 0},               // 10s and 20s left: room for two
		{80 * time.Second, 0},
		{80 * time.Second, 40 * time.Second}, // 60s, 80s, 80s
	}
	for i, s := range steps {
		if got := b.reserve(t0.Add(s.at)); got != s.want {
			t.Errorf("step %d at +%s: reserve = %s, want %s", i, s.at, got, s.want)
		}
	}
}

func TestBudgetPause(t *testing.T) {
	b := newBudget(-1, time.Minute)
	t0 := time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)
	if d := b.reserve(t0); d != 0 {
		t.Fatalf("unlimited budget refused a call: %s", d)
	}
	b.pause(t0, 30*time.Second)
	b.pause(t0, 5*time.Second) // must not shorten the pause
	if d := b.reserve(t0.Add(10 * time.Second)); d != 20*time.Second {
		t.Errorf("during pause: reserve = %s, want 20s", d)
	}
	if d := b.reserve(t0.Add(30 * time.Second)); d != 0 {
		t.Errorf("after pause: reserve = %s", d)
	}
}

func TestBudgetWaitFailsFastPastDeadline(t *testing.T) {
	b := newBudget(1, time.Minute)
	if err := b.wait(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	err := b.wait(ctx, func() { t.Error("started waiting") })
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want ErrRateLimited", err)
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Errorf("waited %s for a budget that cannot open before the deadline", time.Since(start))
	}
}

func TestBudgetWaitsForTheWindow(t *testing.T) {
	b := newBudget(2, 50*time.Millisecond)
	waits := 0
	for range 2 {
		if err := b.wait(context.Background(), func() { waits++ }); waits != 0 || err != nil {
			t.Fatalf("waits=%d err=%v within the budget", waits, err)
		}
	}
	start := time.Now()
	if err := b.wait(context.Background(), func() { waits++ }); waits != 1 || err != nil {
		t.Fatalf("waits=%d err=%v over the budget", waits, err)
	}
	if time.Since(start) < 40*time.Millisecond {
		t.Errorf("third call allowed after %s, window is 50ms", time.Since(start))
	}
}
