package chirp_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

// addMedia adds n images to app and returns refs to them.
func addMedia(sim *chirpsim.Sim, app chirpsim.App, n int) []chirp.Ref {
	refs := make([]chirp.Ref, n)
	for i := range refs {
		id := sim.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image", Data: fmt.Appendf(nil, "image %d", i)})
		refs[i] = chirp.Ref{AppID: app.ID, AppKey: app.Key, MediaID: id}
	}
	return refs
}

// mediaCalls is how many Media API calls the simulator has received.
func mediaCalls(sim *chirpsim.Sim) int {
	return sim.Counters().Endpoint[chirpsim.EndpointMedia]
}

// states counts results by state.
func states(results []chirp.Result) map[chirp.State]int {
	m := map[chirp.State]int{}
	for _, r := range results {
		m[r.State]++
	}
	return m
}

// metricValue reads a counter (or a histogram's sample count) from reg.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue metrics
				}
			}
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount())
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("metric %s %v not found", name, labels)
	return 0
}

func TestResolverCachesURLs(t *testing.T) {
	w := newWorld(t, chirpsim.Options{})
	refs := addMedia(w.sim, w.app, 60)
	reg := prometheus.NewRegistry()
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{
		Now: w.sim.Now, Registerer: reg, RenderDeadline: 10 * time.Second,
	})

	first := r.ResolveBatch(context.Background(), refs)
	if got := states(first); got[chirp.StateReady] != 60 {
		t.Fatalf("states %v", got)
	}
	for i, res := range first {
		if res.URL == "" || res.URL != res.Media.URL || res.Media.ID != refs[i].MediaID || res.Err != nil {
			t.Fatalf("result %d: %+v", i, res)
		}
		if d := res.ValidUntil.Sub(w.sim.Now()); d < 59*time.Minute || d > time.Hour {
			t.Errorf("result %d valid for %s", i, d)
		}
	}
	if status, _, body := download(t, first[7].URL); status != 200 || string(body) != "image 7" {
		t.Errorf("download: status %d body %q", status, body)
	}
	if n := mediaCalls(w.sim); n != 60 {
		t.Fatalf("first batch made %d calls, want 60", n)
	}

	second := r.ResolveBatch(context.Background(), refs)
	if n := mediaCalls(w.sim); n != 60 {
		t.Errorf("second batch called Chirp: %d calls in all", n)
	}
	for i := range second {
		if second[i].State != chirp.StateReady || second[i].URL != first[i].URL {
			t.Errorf("result %d changed on the second batch", i)
		}
	}

	if v := metricValue(t, reg, "aviary_chirp_media_calls_total", map[string]string{"outcome": "ok"}); v != 60 {
		t.Errorf("ok calls metric %v", v)
	}
	if v := metricValue(t, reg, "aviary_chirp_url_cache_hits_total", nil); v != 60 {
		t.Errorf("hits metric %v", v)
	}
	if v := metricValue(t, reg, "aviary_chirp_url_cache_misses_total", nil); v != 60 {
		t.Errorf("misses metric %v", v)
	}
	if v := metricValue(t, reg, "aviary_chirp_resolve_duration_seconds", nil); v != 2 {
		t.Errorf("latency histogram count %v", v)
	}
	// A second resolver on the same registry shares the metrics.
	chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{Registerer: reg})
}

func TestResolverSharesCalls(t *testing.T) {
	w := newWorld(t, chirpsim.Options{Latency: 20 * time.Millisecond})
	refs := addMedia(w.sim, w.app, 60)
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{RenderDeadline: 10 * time.Second})

	var wg sync.WaitGroup
	results := make([][]chirp.Result, 50)
	for i := range results {
		wg.Go(func() { results[i] = r.ResolveBatch(context.Background(), refs) })
	}
	wg.Wait()
	for i, batch := range results {
		if got := states(batch); got[chirp.StateReady] != 60 {
			t.Errorf("batch %d: states %v", i, got)
		}
	}
	if n := mediaCalls(w.sim); n > 60 {
		t.Errorf("50 concurrent batches of 60 media made %d calls, want at most 60", n)
	}
}

func TestResolverReplacesURLsNearExpiry(t *testing.T) {
	w := newWorld(t, chirpsim.Options{})
	refs := addMedia(w.sim, w.app, 60)
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{
		Now: w.sim.Now, RenderDeadline: 10 * time.Second,
		PerKeyPerMin: 200, // 120 calls within a real second
	})
	first := r.ResolveBatch(context.Background(), refs)

	w.sim.Advance(44 * time.Minute) // 16 minutes left: still served
	again := r.ResolveBatch(context.Background(), refs)
	if n := mediaCalls(w.sim); n != 60 {
		t.Fatalf("URLs with 16 minutes left were refetched: %d calls", n)
	}
	if again[0].URL != first[0].URL {
		t.Error("URL with 16 minutes left was replaced")
	}

	w.sim.Advance(2 * time.Minute) // 14 minutes left: replaced
	fresh := r.ResolveBatch(context.Background(), refs)
	if n := mediaCalls(w.sim); n != 120 {
		t.Fatalf("URLs with 14 minutes left: %d calls in all, want 120", n)
	}
	now := w.sim.Now()
	for i, res := range fresh {
		if res.State != chirp.StateReady || res.URL == first[i].URL {
			t.Fatalf("result %d not replaced: %+v", i, res.State)
		}
		if left := res.ValidUntil.Sub(now); left < 59*time.Minute {
			t.Errorf("result %d: replacement valid for only %s", i, left)
		}
	}
}

func TestResolverGone(t *testing.T) {
	w := newWorld(t, chirpsim.Options{RetentionDays: 30})
	live := addMedia(w.sim, w.app, 3)
	old := w.sim.AddMedia(w.app.ID, chirpsim.MediaSpec{Kind: "video", CreatedAt: w.sim.Now().AddDate(0, 0, -31)})
	refs := append(live,
		chirp.Ref{AppID: w.app.ID, AppKey: w.app.Key, MediaID: old},
		chirp.Ref{AppID: w.app.ID, AppKey: w.app.Key, MediaID: "med_0000000000000000000000000"},
	)
	var mu sync.Mutex
	reported := map[string]int{}
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{
		Now:            w.sim.Now,
		RenderDeadline: 10 * time.Second,
		OnGone: func(ctx context.Context, ref chirp.Ref) {
			if ctx.Err() != nil {
				t.Errorf("OnGone got a finished context: %v", ctx.Err())
			}
			mu.Lock()
			reported[ref.MediaID]++
			mu.Unlock()
		},
	})

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			res := r.ResolveBatch(context.Background(), refs)
			for i := 3; i < 5; i++ {
				if res[i].State != chirp.StateGone || !errors.Is(res[i].Err, chirp.ErrGone) {
					t.Errorf("ref %d: %v %v", i, res[i].State, res[i].Err)
				}
			}
		})
	}
	wg.Wait()
	w.sim.Advance(2 * time.Hour) // every URL is stale now; gone stays gone
	r.ResolveBatch(context.Background(), refs)

	c := w.sim.Counters()
	for _, ref := range refs[3:] {
		if c.Media[ref.MediaID] != 1 {
			t.Errorf("gone media %s asked %d times, want once ever", ref.MediaID, c.Media[ref.MediaID])
		}
	}
	if c.Media[live[0].MediaID] != 2 {
		t.Errorf("live media asked %d times, want 2 (stale URL replaced)", c.Media[live[0].MediaID])
	}

	// Live media that passes retention becomes gone.
	w.sim.Advance(31 * 24 * time.Hour)
	res := r.ResolveBatch(context.Background(), refs)
	if got := states(res); got[chirp.StateGone] != 5 {
		t.Errorf("after retention: states %v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 5 {
		t.Errorf("OnGone reported %d media, want 5: %v", len(reported), reported)
	}
	for id, n := range reported {
		if n != 1 {
			t.Errorf("OnGone called %d times for %s", n, id)
		}
	}
}

func TestResolverFailuresAreNeverGone(t *testing.T) {
	tests := []struct {
		name   string
		faults chirpsim.Faults
		want   error
	}{
		{"30% server errors", chirpsim.Faults{ErrorRate: 0.3}, chirp.ErrTransient},
		{"30% timeouts", chirpsim.Faults{TimeoutRate: 0.3, Timeout: 10 * time.Second}, chirp.ErrTransient},
		{"429 burst", chirpsim.Faults{RateLimitBurst: 10}, chirp.ErrRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The sim's clock stands still unless advanced, so "a few seconds
			// later" is exactly when the test says.
			frozen := time.Now()
			w := newWorld(t, chirpsim.Options{RateLimitPerMin: -1, Now: func() time.Time { return frozen }})
			refs := addMedia(w.sim, w.app, 60)
			r := chirp.NewResolver(chirp.NewClient(w.sim.URL(), chirp.WithTimeout(100*time.Millisecond)),
				chirp.ResolverConfig{
					Now:            w.sim.Now,
					RenderDeadline: 10 * time.Second,
					OnGone: func(context.Context, chirp.Ref) {
						t.Error("a failure was reported as gone")
					},
				})
			w.sim.SetFaults(tt.faults)

			res := r.ResolveBatch(context.Background(), refs)
			got := states(res)
			if got[chirp.StateReady]+got[chirp.StateUnavailable] != 60 || got[chirp.StateUnavailable] == 0 {
				t.Fatalf("states %v, want only ready and some unavailable", got)
			}
			for i, r := range res {
				if r.State == chirp.StateUnavailable && (!errors.Is(r.Err, tt.want) || errors.Is(r.Err, chirp.ErrGone)) {
					t.Errorf("result %d: err %v, want %v", i, r.Err, tt.want)
				}
			}

			// Failures are cached briefly: the next view does not hammer Chirp.
			calls := mediaCalls(w.sim)
			if again := r.ResolveBatch(context.Background(), refs); states(again)[chirp.StateUnavailable] != got[chirp.StateUnavailable] {
				t.Errorf("second view: states %v", states(again))
			}
			if n := mediaCalls(w.sim); n != calls {
				t.Errorf("second view made %d calls", n-calls)
			}

			// A few seconds later, with Chirp healthy again, everything resolves.
			w.sim.SetFaults(chirpsim.Faults{})
			w.sim.Advance(6 * time.Second)
			if healed := states(r.ResolveBatch(context.Background(), refs)); healed[chirp.StateReady] != 60 {
				t.Errorf("after recovery: states %v", healed)
			}
		})
	}
}

func TestResolverKeepsTheBudget(t *testing.T) {
	w := newWorld(t, chirpsim.Options{RateLimitPerMin: -1})
	apps := []chirpsim.App{w.app, w.other}
	var refs []chirp.Ref
	for _, app := range apps {
		refs = append(refs, addMedia(w.sim, app, 100)...)
	}
	reg := prometheus.NewRegistry()
	const budget = 15
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{
		PerKeyPerMin: budget, RenderDeadline: 200 * time.Millisecond, Registerer: reg,
	})

	// 20 viewers page through the gallery at once. The test runs well within
	// one minute, so the calls counted over the whole test are the calls of
	// one budget window.
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[chirp.State]int{}
	for v := range 20 {
		wg.Go(func() {
			for page := range 3 {
				from := (v*7 + page*30) % 170
				res := r.ResolveBatch(context.Background(), refs[from:from+30])
				mu.Lock()
				for s, n := range states(res) {
					seen[s] += n
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	time.Sleep(100 * time.Millisecond) // let granted calls land
	c := w.sim.Counters()
	for _, app := range apps {
		if c.App[app.ID] > budget {
			t.Errorf("app %s: %d calls within a minute, budget %d", app.Name, c.App[app.ID], budget)
		}
		if c.App[app.ID] == 0 {
			t.Errorf("app %s: no calls at all", app.Name)
		}
	}
	if seen[chirp.StatePending] == 0 || seen[chirp.StateGone] != 0 {
		t.Errorf("states %v: want pending results and nothing gone", seen)
	}
	if v := metricValue(t, reg, "aviary_chirp_budget_waits_total", nil); v == 0 {
		t.Error("no budget waits recorded")
	}
}

func TestResolverHonoursRetryAfter(t *testing.T) {
	w := newWorld(t, chirpsim.Options{RateLimitPerMin: 5})
	refs := addMedia(w.sim, w.app, 20)
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{
		PerKeyParallel: 1, RenderDeadline: 300 * time.Millisecond,
	})

	res := r.ResolveBatch(context.Background(), refs)
	got := states(res)
	if got[chirp.StateReady] != 5 || got[chirp.StateUnavailable] != 1 || got[chirp.StatePending] != 14 {
		t.Errorf("states %v, want 5 ready, 1 rate limited, 14 pending", got)
	}
	// Chirp said to wait about a minute: nothing more is asked meanwhile.
	time.Sleep(200 * time.Millisecond)
	r.ResolveBatch(context.Background(), refs)
	if n := mediaCalls(w.sim); n != 6 {
		t.Errorf("%d calls, want 6 (5 answered, 1 refused, then a pause)", n)
	}
}

func TestResolverRendersByTheDeadline(t *testing.T) {
	w := newWorld(t, chirpsim.Options{Latency: 3 * time.Second})
	refs := addMedia(w.sim, w.app, 10)
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{PerKeyParallel: 10})

	start := time.Now()
	res := r.ResolveBatch(context.Background(), refs)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("batch took %s with an 800ms deadline", elapsed)
	}
	if got := states(res); got[chirp.StatePending] != 10 {
		t.Fatalf("states %v, want all pending", got)
	}
	if !errors.Is(res[0].Err, context.DeadlineExceeded) {
		t.Errorf("pending err %v", res[0].Err)
	}

	// The fetches go on and fill the cache.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if states(r.ResolveBatch(context.Background(), refs))[chirp.StateReady] == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cache never filled")
		}
	}
	if n := mediaCalls(w.sim); n != 10 {
		t.Errorf("%d calls, want 10", n)
	}
}

func TestResolveWaitsForItsContext(t *testing.T) {
	w := newWorld(t, chirpsim.Options{Latency: time.Second})
	refs := addMedia(w.sim, w.app, 2)
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if res := r.Resolve(ctx, refs[0]); res.State != chirp.StateReady {
		t.Errorf("Resolve with 5s: %v %v", res.State, res.Err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	if res := r.Resolve(short, refs[1]); res.State != chirp.StatePending {
		t.Errorf("Resolve with 100ms: %v %v", res.State, res.Err)
	}
}

func TestResolverUsesEachRefsKey(t *testing.T) {
	w := newWorld(t, chirpsim.Options{})
	a, b := addMedia(w.sim, w.app, 10), addMedia(w.sim, w.other, 10)
	var mixed []chirp.Ref
	for i := range a {
		mixed = append(mixed, a[i], b[i])
	}
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{RenderDeadline: 10 * time.Second})

	if got := states(r.ResolveBatch(context.Background(), mixed)); got[chirp.StateReady] != 20 {
		t.Fatalf("states %v", got)
	}
	c := w.sim.Counters()
	if c.App[w.app.ID] != 10 || c.App[w.other.ID] != 10 {
		t.Errorf("calls per app %v, want 10 each", c.App)
	}

	// Why the key must be right: Chirp answers another app's key with the
	// 404 of deleted media. Such a result is tied to the wrong key and does
	// not stick once the right one is used.
	wrong := chirp.Ref{AppID: w.app.ID, AppKey: w.other.Key, MediaID: a[0].MediaID}
	if res := r.Resolve(context.Background(), wrong); res.State != chirp.StateGone {
		t.Errorf("wrong key: %v", res.State)
	}
	if res := r.Resolve(context.Background(), a[0]); res.State != chirp.StateReady {
		t.Errorf("right key after a wrong one: %v", res.State)
	}
}

func TestResolverRefsWithoutIDOrKey(t *testing.T) {
	w := newWorld(t, chirpsim.Options{})
	refs := addMedia(w.sim, w.app, 1)
	r := chirp.NewResolver(chirp.NewClient(w.sim.URL()), chirp.ResolverConfig{})

	res := r.ResolveBatch(context.Background(), []chirp.Ref{
		{AppID: w.app.ID, AppKey: w.app.Key},        // legacy attachment
		{AppID: w.app.ID, MediaID: refs[0].MediaID}, // app without a key
		refs[0], refs[0], // the same media twice
		{AppID: "", AppKey: "", MediaID: ""}, // nothing at all
	})
	want := []chirp.State{chirp.StateNotRetrievable, chirp.StateUnavailable, chirp.StateReady, chirp.StateReady, chirp.StateNotRetrievable}
	for i, s := range want {
		if res[i].State != s {
			t.Errorf("result %d: %v, want %v (%v)", i, res[i].State, s, res[i].Err)
		}
	}
	if !errors.Is(res[1].Err, chirp.ErrUnauthorized) {
		t.Errorf("keyless err %v", res[1].Err)
	}
	if res[2].URL != res[3].URL {
		t.Error("duplicate refs got different URLs")
	}
	if n := mediaCalls(w.sim); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	if res := r.ResolveBatch(context.Background(), nil); len(res) != 0 {
		t.Errorf("empty batch: %v", res)
	}
}

func TestStateString(t *testing.T) {
	for s, want := range map[chirp.State]string{
		chirp.StateReady: "ready", chirp.StateGone: "gone", chirp.StateUnavailable: "unavailable",
		chirp.StateNotRetrievable: "not_retrievable", chirp.StatePending: "pending", 0: "State(0)",
	} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
}

// BenchmarkResolveBatch60 resolves a gallery page of 60 media: cold (every
// media asked from a simulator with 50ms latency, 8 calls at a time) and
// warm (all from the cache).
func BenchmarkResolveBatch60(b *testing.B) {
	w := newWorld(b, chirpsim.Options{RateLimitPerMin: -1, Latency: 50 * time.Millisecond})
	refs := addMedia(w.sim, w.app, 60)
	client := chirp.NewClient(w.sim.URL())
	cfg := chirp.ResolverConfig{RenderDeadline: 10 * time.Second, PerKeyPerMin: -1}

	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			res := chirp.NewResolver(client, cfg).ResolveBatch(context.Background(), refs)
			if states(res)[chirp.StateReady] != 60 {
				b.Fatal("not all ready")
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		r := chirp.NewResolver(client, cfg)
		r.ResolveBatch(context.Background(), refs)
		b.ReportAllocs()
		for b.Loop() {
			res := r.ResolveBatch(context.Background(), refs)
			if res[59].State != chirp.StateReady {
				b.Fatal("not ready")
			}
		}
	})
}
