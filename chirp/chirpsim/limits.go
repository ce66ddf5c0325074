package chirpsim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// rateWindow is a fixed one-minute window of one key's calls, on the sim's
// clock: it opens with the first call and resets a minute later (or when
// Advance moves the clock past its end).
type rateWindow struct {
	start time.Time
	count int
}

// rateLimited applies the injected burst and the per-key limit; it answers
// 429 and returns true when the call is refused.
func (s *Sim) rateLimited(w http.ResponseWriter, key string) bool {
	now := s.Now()
	s.mu.Lock()
	if s.faults.RateLimitBurst > 0 {
		s.faults.RateLimitBurst--
		s.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{
			"error": "Rate limit exceeded. Try again in 1 seconds.",
		})
		return true
	}
	limit := s.rateLimit
	if limit < 0 {
		s.mu.Unlock()
		return false
	}
	win := s.windows[key]
	if win == nil || !now.Before(win.start.Add(time.Minute)) || now.Before(win.start) {
		win = &rateWindow{start: now}
		s.windows[key] = win
	}
	reset := win.start.Add(time.Minute)
	allowed := win.count < limit
	if allowed {
		win.count++
	}
	remaining := limit - win.count
	s.mu.Unlock()

	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	// Chirp does not document Reset's unit; the sim sends Unix seconds.
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if allowed {
		return false
	}
	wait := max(int((reset.Sub(now)+time.Second-1)/time.Second), 1)
	h.Set("Retry-After", strconv.Itoa(wait))
	writeAPIError(w, http.StatusTooManyRequests, "invalid_request_error", "rate_limit_exceeded",
		fmt.Sprintf("Rate limit exceeded. Try again in %d seconds.", wait))
	return true
}

// delay sleeps for the configured latency; it returns false if the sim was
// closed meanwhile.
func (s *Sim) delay(r *http.Request) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	return s.sleep(r, d)
}

// sleep waits for d, the client going away or the sim closing; it returns
// false only in the last case.
func (s *Sim) sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return true
	case <-s.done:
		return false
	}
}

// injectFault answers with an injected 5xx or timeout and returns true when
// the dice say so.
func (s *Sim) injectFault(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	f := s.faults
	s.mu.Unlock()
	if f.TimeoutRate > 0 && rand.Float64() < f.TimeoutRate {
		s.sleep(r, f.Timeout)
		writeAPIError(w, http.StatusGatewayTimeout, "api_error", "timeout",
			"The request timed out.")
		return true
	}
	if f.ErrorRate > 0 && rand.Float64() < f.ErrorRate {
		statuses := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}
		st := statuses[rand.IntN(len(statuses))]
		writeAPIError(w, st, "api_error", "", "An internal error occurred. Please retry.")
		return true
	}
	return false
}
