package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

// pagesEnv is a test env whose pages resolve media through a running Chirp simulator.
type pagesEnv struct {
	*testEnv
	sim *chirpsim.Sim
	app chirpsim.App
}

// newPagesEnv starts a simulator, wires a resolver into the app and registers the sim's
// app (key and all) in Aviary.
func newPagesEnv(t *testing.T) *pagesEnv {
	t.Helper()
	sim, err := chirpsim.Start(chirpsim.Options{RateLimitPerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	e := newTestEnv(t, withSim(sim, chirp.ResolverConfig{RenderDeadline: 5 * time.Second, PerKeyPerMin: -1}))
	app := sim.AddApp("Pages", false)
	e.chirpApp(app.ID, app.Key, "whsec_media_env_secret")
	return &pagesEnv{testEnv: e, sim: sim, app: app}
}

// deliver adds media to the simulator and delivers a webhook for one inbound message
// carrying them, as Chirp would.
func (m *pagesEnv) deliver(msgID, from, text string, at time.Time, specs ...chirpsim.MediaSpec) []string {
	m.t.Helper()
	out := chirpsim.OutMessage{ID: msgID, AppID: m.app.ID, AppName: m.app.Name, Direction: "inbound",
		From: from, To: "+15559870000", Type: "text", Text: text, At: at}
	var ids []string
	for _, spec := range specs {
		if spec.CreatedAt.IsZero() {
			spec.CreatedAt = at
		}
		id := m.sim.AddMedia(m.app.ID, spec)
		ids = append(ids, id)
		out.Type = spec.Kind
		out.Media = append(out.Media, chirpsim.OutMedia{ID: id, URL: m.sim.PresignedURL(id), Kind: spec.Kind,
			MimeType: spec.MimeType, Size: int64(len(spec.Data)), Filename: spec.Filename})
	}
	resp := postWebhook(m.testEnv, m.app.ID, "whsec_media_env_secret", chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, out))
	if resp.StatusCode != http.StatusOK {
		m.t.Fatalf("webhook for %s: %d %s", msgID, resp.StatusCode, readBody(m.t, resp))
	}
	return ids
}

// photo is a small JPEG for the simulator.
func photo(seed int64) chirpsim.MediaSpec {
	return chirpsim.MediaSpec{Kind: "image", MimeType: "image/jpeg", Filename: fmt.Sprintf("photo%d.jpg", seed), Data: chirpsim.JPEGPhoto(seed, 64, 48)}
}

func TestThreadMediaFreshURLsAndPlaceholders(t *testing.T) {
	m := newPagesEnv(t)
	c := m.signedIn("viewer")
	now := time.Now().UTC()
	live := m.deliver("msg_live", "+15551230001", "look", now.Add(-time.Hour), photo(1))
	gone := m.deliver("msg_gone", "+15551230001", "old one", now.Add(-100*24*time.Hour), photo(2)) // past the sim's 90 days
	docID := m.deliver("msg_doc", "+15551230001", "", now.Add(-time.Minute),
		chirpsim.MediaSpec{Kind: "document", MimeType: "application/pdf", Filename: "invoice.pdf", Data: []byte("%PDF-1.4 tiny")})
	convID := m.count(`SELECT id FROM conversations`)
	d := c.page(fmt.Sprintf("/conversations/%d", convID), 200)
	img := d.Find(fmt.Sprintf(`[data-testid="media"][data-media-id="%s"] img`, live[0]))
	src := img.AttrOr("src", "")
	if !strings.HasPrefix(src, m.sim.URL()+"/files/") || !strings.Contains(src, "X-Amz-Signature=") || img.AttrOr("loading", "") != "lazy" {
		t.Errorf("live image src %q is not a fresh presigned URL from the simulator", src)
	}
	if resp, err := http.Get(src); err != nil || resp.StatusCode != 200 {
		t.Errorf("the presigned URL does not load: %v %v", resp, err)
	}
	if got := d.Find(fmt.Sprintf(`[data-media-id="%s"] [data-testid="expiry"]`, live[0])).Text(); !strings.HasPrefix(got, "expires in 89 days") && !strings.HasPrefix(got, "expires in 90 days") {
		// 90 days from an hour ago: 89 or 90 UTC calendar days away, depending on the hour.
		t.Errorf("live expiry %q", got)
	}
	ph := d.Find(fmt.Sprintf(`[data-testid="media"][data-media-id="%s"] [data-testid="media-placeholder"]`, gone[0]))
	if ph.AttrOr("data-state", "") != "gone" || d.Find(fmt.Sprintf(`[data-media-id="%s"] img`, gone[0])).Length() != 0 {
		t.Errorf("media past retention: placeholder state %q", ph.AttrOr("data-state", ""))
	}
	docEl := d.Find(fmt.Sprintf(`[data-media-id="%s"] [data-testid="document"]`, docID[0]))
	if !strings.Contains(docEl.Text(), "invoice.pdf") || docEl.AttrOr("href", "") != "/media/"+docID[0]+"?download=1" {
		t.Errorf("document: %q %q", docEl.Text(), docEl.AttrOr("href", ""))
	}
	if panel := d.Find(`[data-testid="media-panel"]`); panel.Find(`[data-testid="panel-item"]`).Length() != 3 {
		t.Errorf("panel items: %d, want 3", panel.Find(`[data-testid="panel-item"]`).Length())
	}
	deadline := time.Now().Add(5 * time.Second) // OnGone runs in the background
	for m.count(`SELECT count(*) FROM media WHERE gone_at IS NOT NULL`) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the media past retention was not recorded as gone")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGalleryTilesFreshURLsAndPlaceholders(t *testing.T) {
	m := newPagesEnv(t)
	c := m.signedIn("viewer")
	now := time.Now().UTC()
	live := m.deliver("msg_live", "+15551230001", "look", now.Add(-time.Hour), photo(1))
	old := m.deliver("msg_old", "+15551230001", "", now.Add(-2*time.Hour), photo(2))
	m.sim.SetRetentionDays(1) // Chirp's retention shortened to a day, and a day passes for the older photo only
	m.sim.Advance(22*time.Hour + 30*time.Minute)
	d := c.page("/gallery", 200)
	liveTile := d.Find(fmt.Sprintf(`[data-testid="gallery-tile"][data-media-id="%s"]`, live[0]))
	src := liveTile.Find("img").AttrOr("src", "")
	if !strings.HasPrefix(src, m.sim.URL()+"/files/") || !strings.Contains(src, "X-Amz-Signature=") {
		t.Errorf("live tile img src %q is not a fresh presigned URL from the simulator", src)
	}
	if liveTile.Find("[data-lightbox-item]").AttrOr("data-src", "") != src {
		t.Error("the lightbox would not show the fresh URL")
	}
	oldTile := d.Find(fmt.Sprintf(`[data-testid="gallery-tile"][data-media-id="%s"]`, old[0]))
	if oldTile.AttrOr("data-state", "") != "gone" || oldTile.Find("img").Length() != 0 || oldTile.Find("[data-lightbox-item]").AttrOr("data-reason", "") == "" {
		t.Errorf("media deleted by retention: state %q, %d imgs", oldTile.AttrOr("data-state", ""), oldTile.Find("img").Length())
	}
	if got := m.sim.Counters().Endpoint[chirpsim.EndpointMedia]; got != 2 {
		t.Errorf("%d Media API calls for one page of two media, want 2", got)
	}
}
