package chirp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/singleflight"
)

// Resolver defaults, used for zero fields of ResolverConfig.
const (
	DefaultMinValidity    = 15 * time.Minute
	DefaultPerKeyParallel = 8
	DefaultPerKeyPerMin   = 100
	DefaultRenderDeadline = 800 * time.Millisecond
)

const (
	// transientTTL is how long an unavailable answer is served from the cache,
	// so that a broken Chirp is not asked again by every page view.
	transientTTL = 5 * time.Second
	// defaultRetryAfter pauses a key after a 429 that did not say how long.
	defaultRetryAfter = 5 * time.Second
	// maxBudgetWait bounds how long a background fetch waits for its key's
	// budget; it covers one full budget window.
	maxBudgetWait = time.Minute
	// onGoneTimeout bounds the OnGone callback.
	onGoneTimeout = 10 * time.Second
	// sweepEvery is how often stale cache entries are dropped.
	sweepEvery = 10 * time.Minute
)

// errNoMediaID explains StateNotRetrievable.
var errNoMediaID = errors.New("chirp: attachment has no media id (legacy payload); it can never be retrieved")

// Ref names one media file to resolve and the app that received it.
type Ref struct {
	AppID string
	// AppKey is the key of the app that received the media. It must be that
	// app's key: Chirp answers another app's key with the same 404 as for
	// deleted media, so a wrong key would be reported as gone.
	AppKey  string
	MediaID string // "" for legacy attachments, which are never retrievable
}

// State is what became of a Ref.
type State int

// The states of a Result. The zero State is invalid.
const (
	StateReady          State = iota + 1 // URL is fresh and valid until ValidUntil
	StateGone                            // Chirp answered 404: deleted by retention (or unknown)
	StateUnavailable                     // timeout, 5xx, 429, bad key: try again later
	StateNotRetrievable                  // no media id: a legacy attachment
	StatePending                         // not resolved by the deadline; still being fetched
)

// String returns the state's name, e.g. "ready".
func (s State) String() string {
	switch s {
	case StateReady:
		return "ready"
	case StateGone:
		return "gone"
	case StateUnavailable:
		return "unavailable"
	case StateNotRetrievable:
		return "not_retrievable"
	case StatePending:
		return "pending"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Result is the outcome for one Ref.
type Result struct {
	State      State
	URL        string    // presigned URL when ready: never store or log it
	ValidUntil time.Time // when URL stops working
	Media      Media     // the Media API's answer when ready
	Err        error     // why, when not ready
}

// ResolverConfig configures a Resolver; zero fields take the defaults.
type ResolverConfig struct {
	// MinValidity is the least validity a cached URL must have left to be
	// handed out (default 15m).
	MinValidity time.Duration
	// PerKeyParallel bounds concurrent Chirp calls per app key (default 8).
	PerKeyParallel int
	// PerKeyPerMin is the call budget per app key in any sliding minute
	// (default 100; negative: unlimited). A 429's Retry-After pauses the key
	// on top of it. The budget runs on real time.
	PerKeyPerMin int
	// RenderDeadline bounds ResolveBatch (default 800ms).
	RenderDeadline time.Duration
	// Now is the clock URL validity is judged by (default time.Now).
	Now func() time.Time
	// OnGone is called once per media when Chirp answers 404, from the
	// background fetch, with a context that outlives the page request.
	OnGone func(ctx context.Context, ref Ref)
	// Registerer receives the resolver's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Resolver turns media ids into fresh presigned URLs for pages, through a
// cache that never hands out a URL close to its expiry, one shared call per
// media, and per-key concurrency and call budgets. It is safe for concurrent
// use.
//
// What it caches, per (app, key, media id): a URL while at least MinValidity
// of it remains (a freshly fetched URL is returned even if it has less, e.g.
// under clock skew, but not served again from the cache); a 404 forever,
// reported once through OnGone; any other failure (5xx, timeout, 429, 401,
// exhausted budget) for a few seconds, never as gone. Gone entries are small
// and kept for the life of the process; other entries are swept as they go
// stale.
type Resolver struct {
	client  *Client
	cfg     ResolverConfig
	metrics *resolverMetrics
	flight  singleflight.Group

	mu        sync.Mutex
	cache     map[string]entry
	keys      map[string]*keyState
	lastSweep time.Time
}

// entry is a cached Result; until is when an unavailable answer may be asked again.
type entry struct {
	res   Result
	until time.Time
}

// keyState limits the calls made with one app key.
type keyState struct {
	sem    chan struct{}
	budget *budget
}

// NewResolver returns a Resolver calling Chirp through c.
func NewResolver(c *Client, cfg ResolverConfig) *Resolver {
	if cfg.MinValidity <= 0 {
		cfg.MinValidity = DefaultMinValidity
	}
	if cfg.PerKeyParallel <= 0 {
		cfg.PerKeyParallel = DefaultPerKeyParallel
	}
	if cfg.PerKeyPerMin == 0 {
		cfg.PerKeyPerMin = DefaultPerKeyPerMin
	}
	if cfg.RenderDeadline <= 0 {
		cfg.RenderDeadline = DefaultRenderDeadline
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Resolver{
		client:  c,
		cfg:     cfg,
		metrics: newResolverMetrics(cfg.Registerer),
		cache:   map[string]entry{},
		keys:    map[string]*keyState{},
	}
}

// ResolveBatch resolves refs for a page, results in the order of refs. It
// returns by the render deadline (or ctx's end, if sooner): what is not
// resolved by then is StatePending, and its fetch goes on in the background
// and fills the cache for the next view.
func (r *Resolver) ResolveBatch(ctx context.Context, refs []Ref) []Result {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.RenderDeadline)
	defer cancel()
	return r.resolve(ctx, refs)
}

// Resolve resolves one ref, waiting until ctx ends (then StatePending).
func (r *Resolver) Resolve(ctx context.Context, ref Ref) Result {
	return r.resolve(ctx, []Ref{ref})[0]
}

// waiter is one fetch a resolve call waits for, and the results it fills.
type waiter struct {
	ref     Ref
	indexes []int
	done    <-chan singleflight.Result
}

func (r *Resolver) resolve(ctx context.Context, refs []Ref) []Result {
	start := time.Now()
	defer func() { r.metrics.latency.Observe(time.Since(start).Seconds()) }()

	results := make([]Result, len(refs))
	var waiters []*waiter
	byKey := map[string]*waiter{}
	now := r.cfg.Now()
	for i, ref := range refs {
		if ref.MediaID == "" {
			results[i] = Result{State: StateNotRetrievable, Err: errNoMediaID}
			continue
		}
		if ref.AppKey == "" {
			results[i] = Result{State: StateUnavailable,
				Err: fmt.Errorf("%w: no key for app %q (media %s)", ErrUnauthorized, ref.AppID, ref.MediaID)}
			continue
		}
		key := cacheKey(ref)
		if res, ok := r.cached(key, now); ok {
			r.metrics.hits.Inc()
			results[i] = res
			continue
		}
		r.metrics.misses.Inc()
		if w := byKey[key]; w != nil {
			w.indexes = append(w.indexes, i)
			continue
		}
		w := &waiter{ref: ref, indexes: []int{i}, done: r.fetch(ctx, key, ref)}
		byKey[key] = w
		waiters = append(waiters, w)
	}
	for _, w := range waiters {
		res := await(ctx, w)
		for _, i := range w.indexes {
			results[i] = res
		}
	}
	return results
}

// await returns the fetch's result, or StatePending once ctx is done.
func await(ctx context.Context, w *waiter) Result {
	select {
	case fr := <-w.done:
		return fr.Val.(Result)
	default:
	}
	select {
	case fr := <-w.done:
		return fr.Val.(Result)
	case <-ctx.Done():
		return Result{State: StatePending,
			Err: fmt.Errorf("chirp: media %s still resolving: %w", w.ref.MediaID, ctx.Err())}
	}
}

// cacheKey identifies a media as fetched with one key: a result obtained
// with a wrong key does not stick once the right key is used.
func cacheKey(ref Ref) string {
	return ref.AppID + "\x00" + ref.AppKey + "\x00" + ref.MediaID
}

// cached returns the cached result for key if it may be served at now.
func (r *Resolver) cached(key string, now time.Time) (Result, bool) {
	r.mu.Lock()
	e, ok := r.cache[key]
	r.mu.Unlock()
	if !ok {
		return Result{}, false
	}
	switch e.res.State {
	case StateGone:
		return e.res, true
	case StateReady:
		return e.res, e.res.ValidUntil.Sub(now) >= r.cfg.MinValidity
	default:
		return e.res, now.Before(e.until)
	}
}

// fetch starts, or joins, the one background fetch of key. The fetch is
// detached from ctx's cancellation: it outlives the page that started it.
func (r *Resolver) fetch(ctx context.Context, key string, ref Ref) <-chan singleflight.Result {
	return r.flight.DoChan(key, func() (any, error) {
		// A fetch that just finished may have filled the cache.
		if res, ok := r.cached(key, r.cfg.Now()); ok {
			return res, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.client.timeout+maxBudgetWait)
		defer cancel()
		return r.call(fctx, key, ref), nil
	})
}

// call asks Chirp for ref within its key's limits, caches the answer and
// reports a first gone through OnGone.
func (r *Resolver) call(ctx context.Context, key string, ref Ref) Result {
	media, err := r.ask(ctx, ref)
	now := r.cfg.Now()
	var res Result
	switch {
	case err == nil:
		res = Result{State: StateReady, URL: media.URL, ValidUntil: URLValidUntil(media.URL, now), Media: media}
	case errors.Is(err, ErrGone):
		res = Result{State: StateGone, Err: err}
	default:
		res = Result{State: StateUnavailable, Err: err}
	}
	if firstGone := r.store(key, res, now); firstGone && r.cfg.OnGone != nil {
		gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), onGoneTimeout)
		defer cancel()
		r.cfg.OnGone(gctx, ref)
	}
	return res
}

// ask makes one Media API call, holding one of the key's parallel slots and
// one call of its budget; a 429 pauses the key for its Retry-After.
func (r *Resolver) ask(ctx context.Context, ref Ref) (Media, error) {
	ks := r.keyState(ref.AppKey)
	select {
	case ks.sem <- struct{}{}:
		defer func() { <-ks.sem }()
	case <-ctx.Done():
		return Media{}, fmt.Errorf("chirp: media %s: %w: waiting for a call slot: %w", ref.MediaID, ErrRateLimited, ctx.Err())
	}
	if err := ks.budget.wait(ctx, r.metrics.budgetWaits.Inc); err != nil {
		return Media{}, fmt.Errorf("chirp: media %s: %w", ref.MediaID, err)
	}
	media, err := r.client.GetMedia(ctx, ref.AppKey, ref.MediaID)
	r.metrics.calls.WithLabelValues(outcome(err)).Inc()
	if errors.Is(err, ErrRateLimited) {
		pause := defaultRetryAfter
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			pause = apiErr.RetryAfter
		}
		ks.budget.pause(time.Now(), pause)
	}
	return media, err
}

// keyState returns the limits of appKey, creating them on first use.
func (r *Resolver) keyState(appKey string) *keyState {
	r.mu.Lock()
	defer r.mu.Unlock()
	ks := r.keys[appKey]
	if ks == nil {
		ks = &keyState{
			sem:    make(chan struct{}, r.cfg.PerKeyParallel),
			budget: newBudget(r.cfg.PerKeyPerMin, time.Minute),
		}
		r.keys[appKey] = ks
	}
	return ks
}

// store caches res for key and reports whether it newly marks the media gone.
// Gone is cached forever; an unavailable answer for transientTTL.
func (r *Resolver) store(key string, res Result, now time.Time) (firstGone bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old, had := r.cache[key]
	if had && old.res.State == StateGone {
		return false
	}
	r.cache[key] = entry{res: res, until: now.Add(transientTTL)}
	if now.Sub(r.lastSweep) >= sweepEvery {
		r.sweep(now)
	}
	return res.State == StateGone
}

// sweep drops entries that can no longer be served. r.mu is held.
func (r *Resolver) sweep(now time.Time) {
	r.lastSweep = now
	for k, e := range r.cache {
		switch e.res.State {
		case StateReady:
			if e.res.ValidUntil.Sub(now) < r.cfg.MinValidity {
				delete(r.cache, k)
			}
		case StateUnavailable:
			if !now.Before(e.until) {
				delete(r.cache, k)
			}
		}
	}
}
