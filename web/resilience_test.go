package web

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

// TestResilienceGalleryUnderChirpFaults: with Chirp failing 30% of calls with 5xx,
// timing out on others and answering bursts of 429, gallery pages still return within
// the render deadline, show only live images or "unavailable"/pending tiles, mark nothing
// gone, and keep within the per-key call budget.
func TestResilienceGalleryUnderChirpFaults(t *testing.T) {
	sim, err := chirpsim.Start(chirpsim.Options{RateLimitPerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	const budget = 40
	res := chirp.NewResolver(chirp.NewClient(sim.URL(), chirp.WithTimeout(600*time.Millisecond)),
		chirp.ResolverConfig{RenderDeadline: 800 * time.Millisecond, PerKeyPerMin: budget})
	e := newTestEnv(t, func(o *envOptions) { o.resolver, o.mediaOrigins = res, []string{sim.URL()} })
	app := sim.AddApp("Faults", false)
	e.chirpApp(app.ID, app.Key, hookSecret)
	now := time.Now().UTC()
	for i := 0; i < 60; i++ {
		id := sim.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image", MimeType: "image/png", Data: chirpsim.PNGPhoto(int64(i), 32, 24), CreatedAt: now.Add(-time.Duration(i) * time.Minute)})
		m := chirpsim.OutMessage{ID: fmt.Sprintf("msg_fault%03d", i), AppID: app.ID, Direction: "inbound", From: "+15551230001", To: "+15559870000",
			Type: "image", At: now.Add(-time.Duration(i) * time.Minute), Media: []chirpsim.OutMedia{{ID: id, URL: sim.PresignedURL(id), Kind: "image", MimeType: "image/png"}}}
		if resp := postWebhook(e, app.ID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, m)); resp.StatusCode != 200 {
			t.Fatalf("seed: %d", resp.StatusCode)
		}
	}
	sim.SetFaults(chirpsim.Faults{ErrorRate: 0.3, TimeoutRate: 0.1, Timeout: 3 * time.Second, RateLimitBurst: 10})
	viewers := make([]*client, 5)
	for i := range viewers {
		viewers[i] = e.signedInAs(fmt.Sprintf("viewer%d@example.com", i), "viewer")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slowest time.Duration
	states := map[string]int{}
	for round := 0; round < 3; round++ {
		for _, v := range viewers {
			wg.Add(1)
			go func(v *client) {
				defer wg.Done()
				start := time.Now()
				resp := v.get("/gallery")
				took := time.Since(start)
				d := doc(t, resp)
				mu.Lock()
				defer mu.Unlock()
				if resp.StatusCode != 200 {
					t.Errorf("gallery answered %d under faults", resp.StatusCode)
				}
				if took > slowest {
					slowest = took
				}
				d.Find(`[data-testid="gallery-tile"]`).Each(func(_ int, s *goquery.Selection) { states[s.AttrOr("data-state", "")]++ })
			}(v)
		}
		wg.Wait()
		// Viewers reload a moment later: the 429 burst's Retry-After pause has passed and
		// background fetches have filled the cache.
		time.Sleep(1500 * time.Millisecond)
	}
	// The render deadline is 800 ms; the page itself (database, templates) adds a little.
	if slowest > 2*time.Second {
		t.Errorf("slowest gallery under faults took %v", slowest)
	}
	for st := range states {
		if st != "ready" && st != "unavailable" && st != "pending" {
			t.Errorf("tile state %q under transient faults (counts %v)", st, states)
		}
	}
	if states["ready"] == 0 || states["unavailable"]+states["pending"] == 0 {
		t.Errorf("faults not exercised: %v", states)
	}
	if n := e.count(`SELECT count(*) FROM media WHERE gone_at IS NOT NULL`); n != 0 {
		t.Errorf("%d media marked gone after transient faults", n)
	}
	time.Sleep(time.Second) // let background fetches finish before counting
	if calls := sim.Counters().App[app.ID]; calls > budget {
		t.Errorf("Chirp saw %d calls for the key, budget %d per minute", calls, budget)
	}
}
