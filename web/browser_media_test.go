package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// seededEnv is a real server with a realistic history delivered by the simulator through
// the webhook endpoint, and a resolver whose clock is the simulator's, so a test can move
// time forward for both.
type seededEnv struct {
	*testEnv
	sim   *chirpsim.Sim
	base  string
	apps  map[string]chirpsim.App
	stats chirpsim.SeedStats
}

const seedSecret = "whsec_browser_seed_0123456789"

func newSeededEnv(t *testing.T, opts chirpsim.SeedOptions) *seededEnv {
	t.Helper()
	sim, err := chirpsim.Start(chirpsim.Options{RateLimitPerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	// The resolver runs on the simulator's clock, so moving it ages URLs for both.
	e := newTestEnv(t, withSim(sim, chirp.ResolverConfig{Now: sim.Now, PerKeyPerMin: -1}))
	se := &seededEnv{testEnv: e, sim: sim, base: e.listen(), apps: map[string]chirpsim.App{}}
	secrets := map[string]string{}
	for _, name := range []string{"sms", "wa"} {
		a := sim.AddApp("Browser "+name, false)
		se.apps[name] = a
		e.chirpApp(a.ID, a.Key, seedSecret)
		secrets[a.ID] = seedSecret
	}
	opts.SMSApp, opts.WhatsAppApp = se.apps["sms"], se.apps["wa"]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if se.stats, err = chirpsim.SeedHistory(ctx, sim, chirpsim.WebhookDeliverer(se.base, secrets), opts); err != nil {
		t.Fatal(err)
	}
	return se
}

// assertNoBrokenImages checks that every <img> either shows real pixels or is a placeholder.
func assertNoBrokenImages(t *testing.T, b *browser) {
	t.Helper()
	if n := js[int](b, brokenImagesJS); n != 0 {
		srcs := js[[]string](b, `Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0).map(i => i.src.slice(0, 80))`)
		t.Errorf("%d broken images: %v", n, srcs)
	}
}

// waitImages waits until every image the browser means to load now (eager ones and lazy
// ones near the viewport) has finished loading or failed.
func waitImages(b *browser) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if js[bool](b, `Array.from(document.images).every(i => i.complete || (i.loading === 'lazy' && i.getBoundingClientRect().top > innerHeight + 1500)) && !document.querySelector('.htmx-request')`) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserGalleryJourney: gallery → filter by kind and availability → lightbox →
// arrow keys → Esc → scroll position kept; live images show the simulator's bytes and
// expired ones their placeholder.
func TestBrowserGalleryJourney(t *testing.T) {
	se := newSeededEnv(t, chirpsim.SeedOptions{Conversations: 8, Messages: 120, Media: 60})
	se.user("vic@example.com", "viewer")
	b := newBrowser(t, se.base)
	b.signIn("vic@example.com", "password-viewer")
	b.open("/gallery")
	waitImages(b)
	live := js[int](b, `Array.from(document.querySelectorAll('[data-testid="gallery-tile"][data-state="ready"] img')).filter(i => i.naturalWidth > 0).length`)
	if live == 0 {
		t.Error("no gallery image shows real bytes from the simulator")
	}
	b.screenshot("gallery")

	// Filter: images that are available.
	b.do(chromedp.SetValue(chromedp.CSS(`#g-kind`), "image"), chromedp.SetValue(chromedp.CSS(`#g-availability`), "available"))
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.CSS(`[data-testid="filter-form"]`))); err != nil {
		t.Fatal(err)
	}
	cancel()
	waitImages(b)
	if q := js[string](b, `location.search`); !strings.Contains(q, "kind=image") || !strings.Contains(q, "availability=available") {
		t.Errorf("filters not kept in the URL: %q", q)
	}
	kinds := js[[]string](b, `Array.from(document.querySelectorAll('[data-testid="gallery-tile"]')).map(t => t.dataset.kind + '/' + t.dataset.state)`)
	if len(kinds) < 3 {
		t.Fatalf("only %d tiles after filtering: %v", len(kinds), kinds)
	}
	for _, k := range kinds {
		if !strings.HasPrefix(k, "image/") || strings.HasSuffix(k, "/gone") || strings.HasSuffix(k, "/expired") {
			t.Errorf("tile %s does not match kind=image, availability=available", k)
		}
	}
	assertNoBrokenImages(t, b)
	b.screenshot("filtered")

	// Lightbox: open the second tile after scrolling, move with the arrows, close with Esc.
	b.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 240)`))
	before := js[float64](b, `window.scrollY`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="gallery-tile"]:nth-of-type(2) [data-lightbox-item]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="lightbox"]`)))
	if role := js[string](b, `document.querySelector('[data-testid="lightbox"]').getAttribute('role')`); role != "dialog" {
		t.Errorf("lightbox role %q", role)
	}
	first := b.text(`[data-lightbox-position]`)
	b.do(chromedp.KeyEvent(kb.ArrowRight)) // →
	second := b.text(`[data-lightbox-position]`)
	b.do(chromedp.KeyEvent(kb.ArrowLeft)) // ←
	back := b.text(`[data-lightbox-position]`)
	if first == second || back != first {
		t.Errorf("arrow keys: %q → %q ← %q", first, second, back)
	}
	b.screenshot("lightbox")
	b.do(chromedp.KeyEvent(kb.Escape)) // Esc
	b.do(chromedp.WaitNotVisible(chromedp.CSS(`[data-testid="lightbox"]`)))
	if after := js[float64](b, `window.scrollY`); after != before {
		t.Errorf("scroll position %v after closing, was %v", after, before)
	}

	// Expired media show their placeholder with the reason.
	b.open("/gallery?availability=expired")
	waitImages(b)
	reasons := js[[]string](b, `Array.from(document.querySelectorAll('[data-testid="gallery-tile"]')).map(t => t.dataset.state + ':' + (t.querySelector('[data-lightbox-item]').dataset.reason || ''))`)
	if len(reasons) == 0 {
		t.Fatal("no expired tiles although the seed put media past retention")
	}
	sawRetention := false
	for _, r := range reasons {
		if strings.Contains(r, "retention") {
			sawRetention = true
		}
	}
	if !sawRetention {
		t.Errorf("expired tiles do not say they were removed by retention: %v", reasons)
	}
	assertNoBrokenImages(t, b)
	b.screenshot("expired")
}

// TestBrowserThreadJourney: conversations → a thread → load older → an image shows real
// bytes and an expired one its placeholder with the reason.
func TestBrowserThreadJourney(t *testing.T) {
	se := newSeededEnv(t, chirpsim.SeedOptions{Conversations: 2, Messages: 140, Media: 40, Days: 120})
	se.user("vic@example.com", "viewer")
	b := newBrowser(t, se.base)
	b.signIn("vic@example.com", "password-viewer")
	b.open("/")
	if n := js[int](b, `document.querySelectorAll('[data-testid="conversation-row"]').length`); n != 2 {
		t.Errorf("%d conversation rows, want 2", n)
	}
	b.screenshot("conversations")
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`[data-testid="conversation-row"] a`))); err != nil {
		t.Fatal(err)
	}
	cancel()
	b.do(chromedp.WaitReady(chromedp.CSS(`[data-testid="thread"]`)))
	count := func() int { return js[int](b, `document.querySelectorAll('[data-testid="message"]').length`) }
	n0 := count()
	for i := 0; i < 3 && js[int](b, `document.querySelectorAll('[data-testid="load-older"]').length`) > 0; i++ {
		b.do(chromedp.Click(chromedp.CSS(`[data-testid="load-older"]`)))
		deadline := time.Now().Add(10 * time.Second)
		for count() == n0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if count() <= n0 {
			t.Fatalf("load older did not add messages (%d)", count())
		}
		n0 = count()
	}
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('img').forEach(i => i.loading = 'eager')`))
	waitImages(b)
	if js[int](b, `Array.from(document.querySelectorAll('[data-testid="thread"] img')).filter(i => i.naturalWidth > 0).length`) == 0 {
		t.Error("no image in the thread shows real bytes")
	}
	if js[int](b, `Array.from(document.querySelectorAll('[data-testid="thread"] [data-testid="media-placeholder"][data-state="gone"]')).filter(p => p.textContent.includes('retention')).length`) == 0 {
		t.Error("no expired media shows its placeholder with the retention reason")
	}
	assertNoBrokenImages(t, b)
	b.screenshot("thread")
}

// TestBrowserStaleTabRecoversMedia: a gallery left open past the URL lifetime (the
// simulator's clock moves 61 minutes), then scrolled: late-loading images still appear,
// recovered through /media/:id, and nothing shows a broken-image glyph.
func TestBrowserStaleTabRecoversMedia(t *testing.T) {
	se := newSeededEnv(t, chirpsim.SeedOptions{Conversations: 6, Messages: 150, Media: 90, PastRetention: -1, LegacyMMS: -1})
	se.user("vic@example.com", "viewer")
	b := newBrowser(t, se.base)
	b.signIn("vic@example.com", "password-viewer")
	b.open("/gallery?kind=image")
	total := js[int](b, `document.querySelectorAll('[data-testid="gallery-tile"] img').length`)
	pending := js[int](b, `Array.from(document.querySelectorAll('[data-testid="gallery-tile"] img')).filter(i => !i.complete || i.naturalWidth === 0).length`)
	if total < 10 || pending == 0 {
		t.Fatalf("%d images, %d not yet loaded: the page should lazy-load below the fold", total, pending)
	}
	se.sim.Advance(61 * time.Minute) // every URL in the page has now expired
	b.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`))
	time.Sleep(300 * time.Millisecond)
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('img').forEach(i => i.loading = 'eager')`))
	waitImages(b)
	time.Sleep(500 * time.Millisecond)
	waitImages(b)
	recovered := js[int](b, `Array.from(document.querySelectorAll('img[data-retried="1"]')).filter(i => i.naturalWidth > 0).length`)
	if recovered == 0 {
		t.Error("no stale image was recovered through /media/:id")
	}
	assertNoBrokenImages(t, b)
	if n := js[int](b, `document.querySelectorAll('[data-testid="media-placeholder"][data-state="unavailable"]').length`); n != 0 {
		t.Errorf("%d images gave up although Chirp still serves them", n)
	}
	b.screenshot("recovered")
}

// TestBrowserNewWebhookShowsAfterRefresh: a webhook arriving while the gallery is open
// shows up after a refresh.
func TestBrowserNewWebhookShowsAfterRefresh(t *testing.T) {
	se := newSeededEnv(t, chirpsim.SeedOptions{Conversations: 2, Messages: 20, Media: 6, PastRetention: -1, LegacyMMS: -1})
	se.user("vic@example.com", "viewer")
	b := newBrowser(t, se.base)
	b.signIn("vic@example.com", "password-viewer")
	b.open("/gallery")
	before := js[int](b, `document.querySelectorAll('[data-testid="gallery-tile"]').length`)
	app := se.apps["wa"]
	id := se.sim.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image", MimeType: "image/png", Filename: "fresh.png", Data: chirpsim.PNGPhoto(99, 320, 240), CreatedAt: se.sim.Now()})
	msg := chirpsim.OutMessage{ID: "msg_fresh_while_open", AppID: app.ID, Direction: "inbound", From: "+15551239999", To: "+15559870000",
		Type: "image", At: se.sim.Now(), Media: []chirpsim.OutMedia{{ID: id, URL: se.sim.PresignedURL(id), Kind: "image", MimeType: "image/png"}}}
	if resp := postWebhook(se.testEnv, app.ID, seedSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, msg)); resp.StatusCode != 200 {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	b.do(chromedp.Reload())
	waitImages(b)
	if after := js[int](b, `document.querySelectorAll('[data-testid="gallery-tile"]').length`); after != before+1 {
		t.Errorf("tiles %d → %d after the webhook, want one more", before, after)
	}
	if js[int](b, `Array.from(document.querySelectorAll('[data-media-id="`+id+`"] img')).filter(i => i.naturalWidth > 0).length`) != 1 {
		t.Error("the new image does not show its bytes")
	}
	assertNoBrokenImages(t, b)
	b.screenshot("after-refresh")
}
