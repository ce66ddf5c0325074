package web

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Sign-in throttling: after this many failures within the window, a key (an IP or an
// email) is blocked until the window since its first failure has passed.
const (
	throttleWindow   = 15 * time.Minute
	throttlePerEmail = 5
	throttlePerIP    = 20
	throttleMaxKeys  = 100_000
)

// loginThrottle counts failed sign-ins per IP and per email, in memory. With several
// Aviary instances each keeps its own counts.
type loginThrottle struct {
	mu   sync.Mutex
	now  func() time.Time
	hits map[string]*failures
}

type failures struct {
	first time.Time
	n     int
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, hits: map[string]*failures{}}
}

func (t *loginThrottle) keys(ip, email string) [2]string {
	return [2]string{"ip:" + ip, "email:" + strings.ToLower(strings.TrimSpace(email))}
}

// blocked returns how long the caller must wait, or 0.
func (t *loginThrottle) blocked(ip, email string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for i, k := range t.keys(ip, email) {
		f := t.hits[k]
		if f == nil {
			continue
		}
		if now.Sub(f.first) > throttleWindow {
			delete(t.hits, k)
			continue
		}
		limit := throttlePerIP
		if i == 1 {
			limit = throttlePerEmail
		}
		if f.n >= limit {
			if w := throttleWindow - now.Sub(f.first); w > wait {
				wait = w
			}
		}
	}
	return wait
}

func (t *loginThrottle) fail(ip, email string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.hits) > throttleMaxKeys {
		for k, f := range t.hits {
			if now.Sub(f.first) > throttleWindow {
				delete(t.hits, k)
			}
		}
	}
	for _, k := range t.keys(ip, email) {
		f := t.hits[k]
		if f == nil || now.Sub(f.first) > throttleWindow {
			f = &failures{first: now}
			t.hits[k] = f
		}
		f.n++
	}
}

// succeed forgets the email's failures (the IP's stay: one good password must not
// unlock guessing at other accounts).
func (t *loginThrottle) succeed(_, email string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.hits, t.keys("", email)[1])
}

func humanDuration(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m <= 1 {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
