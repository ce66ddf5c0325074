package chirp

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// budget is a client-side call budget for one app key: at most limit calls in
// any sliding window, and none while the key is paused after a 429. It runs on
// real time (time.Now and timers), not on the Resolver's Now, because waiting
// needs real timers.
type budget struct {
	limit  int           // < 0: unlimited
	window time.Duration // one minute in production

	mu          sync.Mutex
	calls       []time.Time // start times of the calls in the window, oldest first
	pausedUntil time.Time
}

func newBudget(limit int, window time.Duration) *budget {
	return &budget{limit: limit, window: window}
}

// reserve records a call at now and returns 0 if the budget allows one;
// otherwise it records nothing and returns how long to wait before asking again.
func (b *budget) reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Before(b.pausedUntil) {
		return b.pausedUntil.Sub(now)
	}
	if b.limit < 0 {
		return 0
	}
	drop := 0
	for drop < len(b.calls) && !now.Before(b.calls[drop].Add(b.window)) {
		drop++
	}
	b.calls = b.calls[drop:]
	if len(b.calls) < b.limit {
		b.calls = append(b.calls, now)
		return 0
	}
	return b.calls[0].Add(b.window).Sub(now)
}

// pause stops all calls until now+d (a Retry-After); a shorter pause never
// shortens a longer one.
func (b *budget) pause(now time.Time, d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if until := now.Add(d); until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
}

// wait blocks until the budget allows a call and records it, calling onWait
// (if not nil) once when it starts waiting. It fails at once, without
// waiting, when the wait would outlast ctx's deadline.
func (b *budget) wait(ctx context.Context, onWait func()) error {
	for waited := false; ; waited = true {
		d := b.reserve(time.Now())
		if d <= 0 {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return fmt.Errorf("%w: call budget of the app key exhausted for %s", ErrRateLimited, d.Round(time.Second))
		}
		if !waited && onWait != nil {
			onWait()
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w: waiting for the call budget: %w", ErrRateLimited, ctx.Err())
		}
	}
}
