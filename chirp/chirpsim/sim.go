// Package chirpsim is a simulator of the parts of the Chirp messaging API that
// Aviary uses: the Media API (GET /v1/media/{id}) and the presigned download
// URLs it hands out. It is a real HTTP server with a controllable clock, rate
// limits, latency and fault injection, used by tests, by `aviary demo` and by
// the standalone `cmd/chirpsim` binary.
//
// Behaviour where Chirp's documentation is silent, as chosen here:
//   - Another app's media answers 404 exactly like unknown or deleted media.
//   - Media is deleted when the sim clock reaches createdAt + retention days;
//     expiresAt is that instant. Retention changes apply at once.
//   - The per-key rate limit is a fixed one-minute window on the sim clock
//     (which runs with real time and jumps with Advance), opened by the first
//     call. With a limit set, every authenticated call carries
//     X-RateLimit-Limit, -Remaining and -Reset (Unix seconds of the window's
//     end); a refused call gets 429, Retry-After in whole seconds and the
//     object error body. Injected bursts (Faults.RateLimitBurst) use the bare-string body.
//   - Presigned download URLs are checked in this order: signature (403),
//     expiry on the sim clock (403), retention (404). Downloads are never
//     rate limited, delayed or faulted.
package chirpsim

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Defaults applied by New when an Options field is zero.
const (
	DefaultRetentionDays   = 90
	DefaultRateLimitPerMin = 120
	DefaultFaultTimeout    = 30 * time.Second
)

// Endpoint names used as keys of Counters.Endpoint.
const (
	EndpointMedia = "GET /v1/media/{id}"
	EndpointFiles = "GET /files/{org}/{app}/{file}"
	EndpointOther = "other"
)

// presignExpiry is how long a presigned download URL stays valid, as in Chirp.
const presignExpiry = time.Hour

// Options configures a Sim. The zero value is a usable simulator.
type Options struct {
	// RetentionDays is the organization's mediaRetentionDays (default 90).
	RetentionDays int
	// RateLimitPerMin is the per-key Media API limit per minute (default 120;
	// 0 means the default, a negative value means unlimited).
	RateLimitPerMin int
	// Latency is added to every Media API call.
	Latency time.Duration
	// Now is the base clock (default time.Now). The sim adds its own offset to
	// it, moved forward by Advance.
	Now func() time.Time
	// BaseURL is the public URL presigned download URLs point at when the sim
	// is served by a listener other than Start's (cmd/chirpsim, aviary demo).
	// Start sets it to the URL it listens on; when it is empty the Media API
	// uses the Host of each request.
	BaseURL string
}

// App is a Chirp application known to the simulator.
type App struct {
	ID   string // app_ + 27-character KSUID
	Name string
	Key  string // sk_test_app_… or sk_live_app_…
}

// MediaSpec describes a media file added to the simulator.
type MediaSpec struct {
	Kind      string // image|video|audio|document|sticker; informative
	MimeType  string // derived from Filename or Kind when empty
	Filename  string
	Data      []byte    // the file's bytes; fileSize is len(Data)
	CreatedAt time.Time // default: the sim's Now
}

// Faults describes injected failures of the Media API. Presigned downloads are
// never faulted.
type Faults struct {
	// ErrorRate is the probability (0..1) that a call answers 500, 502 or 503
	// with an api_error body.
	ErrorRate float64
	// TimeoutRate is the probability (0..1) that a call hangs for Timeout, or
	// until the client goes away or the sim is closed, then answers 504.
	TimeoutRate float64
	// Timeout is how long a timed-out call hangs (default 30s).
	Timeout time.Duration
	// RateLimitBurst makes the next N calls answer 429 with Retry-After: 1 and
	// the bare-string body {"error":"Rate limit exceeded. Try again in 1 seconds."}.
	// (Calls over the regular per-key limit answer 429 with the object body.)
	RateLimitBurst int
}

// Counters is a snapshot of what the simulator has served since it started or
// since the last ResetCounters.
type Counters struct {
	// Endpoint counts requests per endpoint (EndpointMedia, EndpointFiles,
	// EndpointOther), whatever their outcome.
	Endpoint map[string]int
	// Media counts Media API requests per requested media id, whatever their outcome.
	Media map[string]int
	// Status counts responses per HTTP status, over all endpoints.
	Status map[int]int
	// App counts Media API requests per app id, for requests that carried that
	// app's valid key (one key per app in the sim, so this is "calls per key").
	App map[string]int
}

// Sim is a running or runnable Chirp API simulator. All methods are safe for
// concurrent use.
type Sim struct {
	org     string
	secret  []byte
	baseNow func() time.Time
	handler http.Handler
	done    chan struct{} // closed by Close: releases hanging requests
	closeMu sync.Once

	mu            sync.Mutex
	baseURL       string
	srv           *httptest.Server
	offset        time.Duration
	retentionDays int
	rateLimit     int
	latency       time.Duration
	faults        Faults
	apps          map[string]*App // by id
	keys          map[string]*App // by key
	media         map[string]*mediaItem
	windows       map[string]*rateWindow // by key
	counters      Counters
}

// New returns a simulator that is not listening; serve s.Handler() yourself
// or use Start.
func New(opts Options) *Sim {
	s := &Sim{
		org:           "org_" + newKSUID(time.Now()),
		secret:        make([]byte, 32),
		baseNow:       opts.Now,
		done:          make(chan struct{}),
		baseURL:       strings.TrimRight(opts.BaseURL, "/"),
		retentionDays: opts.RetentionDays,
		latency:       opts.Latency,
		apps:          map[string]*App{},
		keys:          map[string]*App{},
		media:         map[string]*mediaItem{},
		windows:       map[string]*rateWindow{},
		counters:      newCounters(),
	}
	rand.Read(s.secret)
	if s.baseNow == nil {
		s.baseNow = time.Now
	}
	if s.retentionDays <= 0 {
		s.retentionDays = DefaultRetentionDays
	}
	s.rateLimit = normalizeRateLimit(opts.RateLimitPerMin)
	s.handler = s.routes()
	return s
}

// Start returns a simulator listening on 127.0.0.1 on a free port.
func Start(opts Options) (*Sim, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("chirpsim: listen: %w", err)
	}
	s := New(opts)
	srv := &httptest.Server{
		Listener: ln,
		Config:   &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second},
	}
	srv.Start()
	s.mu.Lock()
	s.srv = srv
	if s.baseURL == "" {
		s.baseURL = srv.URL
	}
	s.mu.Unlock()
	return s, nil
}

// Handler returns the simulator's HTTP handler.
func (s *Sim) Handler() http.Handler { return s.handler }

// URL returns the base URL of the API: the listening URL after Start,
// Options.BaseURL otherwise ("" if neither).
func (s *Sim) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close releases requests hanging on an injected timeout or latency and, if
// the sim was started, stops its server and waits for in-flight requests.
// Close is idempotent.
func (s *Sim) Close() {
	s.closeMu.Do(func() {
		close(s.done)
		s.mu.Lock()
		srv := s.srv
		s.mu.Unlock()
		if srv != nil {
			srv.Close()
		}
	})
}

// AddApp registers an application and returns it with a fresh id and key.
func (s *Sim) AddApp(name string, live bool) App {
	mode := "test"
	if live {
		mode = "live"
	}
	app := &App{
		ID:   "app_" + newKSUID(s.Now()),
		Name: name,
		Key:  "sk_" + mode + "_app_" + randomBase62(32),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[app.ID] = app
	s.keys[app.Key] = app
	return *app
}

// Now returns the simulator's clock: the base clock plus everything Advance added.
func (s *Sim) Now() time.Time {
	s.mu.Lock()
	off := s.offset
	s.mu.Unlock()
	return s.baseNow().Add(off)
}

// Advance moves the simulator's clock forward by d (which may be negative).
func (s *Sim) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// SetRetentionDays changes the organization's mediaRetentionDays (n <= 0 means 90).
func (s *Sim) SetRetentionDays(n int) {
	if n <= 0 {
		n = DefaultRetentionDays
	}
	s.mu.Lock()
	s.retentionDays = n
	s.mu.Unlock()
}

// SetLatency changes the latency added to every Media API call.
func (s *Sim) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// SetRateLimit changes the per-key limit per minute (0 means 120, negative
// means unlimited). Windows already open keep their count.
func (s *Sim) SetRateLimit(perMin int) {
	s.mu.Lock()
	s.rateLimit = normalizeRateLimit(perMin)
	s.mu.Unlock()
}

// SetFaults replaces the injected faults; RateLimitBurst starts counting anew.
func (s *Sim) SetFaults(f Faults) {
	if f.Timeout <= 0 {
		f.Timeout = DefaultFaultTimeout
	}
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// Counters returns a copy of the request counters.
func (s *Sim) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := newCounters()
	for k, v := range s.counters.Endpoint {
		c.Endpoint[k] = v
	}
	for k, v := range s.counters.Media {
		c.Media[k] = v
	}
	for k, v := range s.counters.Status {
		c.Status[k] = v
	}
	for k, v := range s.counters.App {
		c.App[k] = v
	}
	return c
}

// ResetCounters sets every counter back to zero.
func (s *Sim) ResetCounters() {
	s.mu.Lock()
	s.counters = newCounters()
	s.mu.Unlock()
}

func newCounters() Counters {
	return Counters{
		Endpoint: map[string]int{},
		Media:    map[string]int{},
		Status:   map[int]int{},
		App:      map[string]int{},
	}
}

func normalizeRateLimit(perMin int) int {
	if perMin == 0 {
		return DefaultRateLimitPerMin
	}
	return perMin
}

// appForKey returns the app owning key, or nil.
func (s *Sim) appForKey(key string) *App {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[key]
}
