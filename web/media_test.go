package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
)

// mediaEnv is an app wired to a real Chirp simulator through a real resolver.
type mediaEnv struct {
	*testEnv
	sim   *chirpsim.Sim
	apps  map[string]chirpsim.App // by name
	gone  chan string
	seq   int
	viewr *client
}

func newMediaEnv(t *testing.T) *mediaEnv {
	t.Helper()
	sim, err := chirpsim.Start(chirpsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	me := &mediaEnv{sim: sim, apps: map[string]chirpsim.App{}, gone: make(chan string, 100)}
	notify := func(_ context.Context, ref chirp.Ref) { me.gone <- ref.MediaID }
	me.testEnv = newTestEnv(t, withSim(sim, chirp.ResolverConfig{OnGone: notify}))
	for _, name := range []string{"sms", "wa"} {
		a := sim.AddApp("Demo "+name, false)
		me.apps[name] = a
		me.chirpApp(a.ID, a.Key, hookSecret)
	}
	return me
}

// addImage registers an image in the simulator for the app and delivers a webhook for
// it; it returns the media id.
func (me *mediaEnv) addImage(appName string, created time.Time) string {
	me.t.Helper()
	me.seq++
	app := me.apps[appName]
	data := chirpsim.PNGPhoto(int64(me.seq), 64, 48)
	id := me.sim.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image", MimeType: "image/png", Filename: fmt.Sprintf("photo%d.png", me.seq), Data: data, CreatedAt: created})
	msg := chirpsim.OutMessage{ID: fmt.Sprintf("msg_media%04d", me.seq), AppID: app.ID, Direction: "inbound", From: "+15551230001", To: "+15559870000",
		Type: "image", At: created, Media: []chirpsim.OutMedia{{ID: id, URL: me.sim.PresignedURL(id), Kind: "image", MimeType: "image/png", Size: int64(len(data)), Filename: fmt.Sprintf("photo%d.png", me.seq)}}}
	if resp := postWebhook(me.testEnv, app.ID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, msg)); resp.StatusCode != 200 {
		me.t.Fatalf("webhook: %d %s", resp.StatusCode, readBody(me.t, resp))
	}
	return id
}

func (me *mediaEnv) viewer() *client {
	if me.viewr == nil {
		me.viewr = me.signedIn("viewer")
	}
	return me.viewr
}

func (me *mediaEnv) mediaCalls(id string) int { return me.sim.Counters().Media[id] }

func TestOpenMediaRedirectsToAFreshURL(t *testing.T) {
	me := newMediaEnv(t)
	id := me.addImage("wa", time.Now().Add(-time.Hour))
	resp := me.viewer().get("/media/" + id)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, me.sim.URL()) || !strings.Contains(loc, "X-Amz-Signature=") {
		t.Errorf("Location %q is not a presigned simulator URL", loc)
	}
	if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers Cache-Control=%q Referrer-Policy=%q", resp.Header.Get("Cache-Control"), resp.Header.Get("Referrer-Policy"))
	}
	img, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Body.Close()
	b, _ := io.ReadAll(img.Body)
	if img.StatusCode != 200 || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("following the redirect: %d, %d bytes", img.StatusCode, len(b))
	}
	// A second open within the URL's lifetime is served from the cache.
	before := me.mediaCalls(id)
	me.viewer().get("/media/" + id)
	if after := me.mediaCalls(id); after != before {
		t.Errorf("second open made %d more Chirp calls", after-before)
	}
	if strings.Contains(me.logs.String(), "X-Amz") {
		t.Error("a presigned URL was logged")
	}
}

func TestOpenMediaNeedsSignIn(t *testing.T) {
	me := newMediaEnv(t)
	id := me.addImage("wa", time.Now())
	if resp := me.client().get("/media/" + id); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("signed-out /media = %d, want 401", resp.StatusCode)
	}
}

func TestGoneMediaIsMarkedAndNeverAskedAgain(t *testing.T) {
	me := newMediaEnv(t)
	id := me.addImage("sms", time.Now().AddDate(0, 0, -100)) // past the sim's 90-day retention
	for i := 0; i < 3; i++ {
		resp := me.viewer().get("/media/" + id)
		body := readBody(t, resp)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") {
			t.Fatalf("open %d: status %d type %q", i, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(body, "Removed by Chirp") || !strings.Contains(body, "90-day retention") || resp.Header.Get("X-Aviary-Media-State") != "gone" {
			t.Errorf("open %d: placeholder does not say why: %s", i, body)
		}
		if i == 0 {
			select {
			case <-me.gone:
			case <-time.After(5 * time.Second):
				t.Fatal("OnGone not called")
			}
		}
	}
	if calls := me.mediaCalls(id); calls != 1 {
		t.Errorf("Chirp was asked %d times about gone media, want 1", calls)
	}
	if n := me.count(`SELECT count(*) FROM media WHERE media_id = ? AND gone_at IS NOT NULL`, id); n != 1 {
		t.Error("gone_at not recorded")
	}
}

func TestTransientFailuresAreUnavailableNeverGone(t *testing.T) {
	me := newMediaEnv(t)
	ids := []string{me.addImage("wa", time.Now()), me.addImage("wa", time.Now())}
	me.sim.SetFaults(chirpsim.Faults{ErrorRate: 1})
	for _, id := range ids {
		resp := me.viewer().get("/media/" + id)
		body := readBody(t, resp)
		if resp.Header.Get("X-Aviary-Media-State") != "unavailable" || !strings.Contains(body, "Temporarily unavailable") {
			t.Errorf("%s: state %q body %s", id, resp.Header.Get("X-Aviary-Media-State"), body)
		}
	}
	me.sim.SetFaults(chirpsim.Faults{RateLimitBurst: 100})
	time.Sleep(6 * time.Second) // past the resolver's short failure cache
	for _, id := range ids {
		if st := me.viewer().get("/media/" + id).Header.Get("X-Aviary-Media-State"); st != "unavailable" {
			t.Errorf("429: state %q", st)
		}
	}
	if n := me.count(`SELECT count(*) FROM media WHERE gone_at IS NOT NULL`); n != 0 {
		t.Errorf("%d media marked gone after transient failures", n)
	}
	if n := me.count(`SELECT count(*) FROM media WHERE last_error <> ''`); n != 2 {
		t.Errorf("last_error kept on %d media, want 2", n)
	}
}

func TestEachMediaIsFetchedWithItsOwnAppKey(t *testing.T) {
	me := newMediaEnv(t)
	a := me.addImage("sms", time.Now())
	b := me.addImage("wa", time.Now())
	for _, id := range []string{a, b} {
		if resp := me.viewer().get("/media/" + id); resp.StatusCode != http.StatusFound {
			t.Errorf("%s: %d (the simulator rejects another app's key)", id, resp.StatusCode)
		}
	}
	c := me.sim.Counters()
	if c.App[me.apps["sms"].ID] != 1 || c.App[me.apps["wa"].ID] != 1 {
		t.Errorf("calls per app %v, want one each", c.App)
	}
}

func TestDownloadSendsTheOriginalAsAnAttachment(t *testing.T) {
	me := newMediaEnv(t)
	id := me.addImage("wa", time.Now())
	resp := me.viewer().get("/media/" + id + "?download=1")
	body := readBody(t, resp)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(body))
	}
	// The flat WhatsApp shape carries no filename, so the media id names the file.
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, id+".png") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if n := me.count(`SELECT count(*) FROM audit_events WHERE action = 'media.open' AND target = ?`, id); n != 1 {
		t.Errorf("%d audit events for the download, want 1", n)
	}
}

func TestLegacyAndUnknownMedia(t *testing.T) {
	me := newMediaEnv(t)
	old := sampleMessage("msg_legacy1", chirpsim.ShapeSMSOld, time.Now())
	if resp := postWebhook(me.testEnv, me.apps["sms"].ID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeSMSOld, old)); resp.StatusCode != 200 {
		t.Fatalf("legacy webhook: %d", resp.StatusCode)
	}
	var rowID int64
	db, _ := me.store.SQLDB()
	if err := db.QueryRow(`SELECT id FROM media WHERE media_id IS NULL`).Scan(&rowID); err != nil {
		t.Fatal(err)
	}
	resp := me.viewer().get(fmt.Sprintf("/media/none-%d", rowID))
	if resp.Header.Get("X-Aviary-Media-State") != "not_retrievable" || !strings.Contains(readBody(t, resp), "no media id") {
		t.Errorf("legacy media: %d %q", resp.StatusCode, resp.Header.Get("X-Aviary-Media-State"))
	}
	if resp := me.viewer().get("/media/med_doesnotexist"); resp.StatusCode != 404 {
		t.Errorf("unknown media: %d", resp.StatusCode)
	}
	if total := me.sim.Counters().Endpoint[chirpsim.EndpointMedia]; total != 0 {
		t.Errorf("%d Chirp calls for media that cannot exist", total)
	}
}

func TestSweptMediaIsConfirmedOnceAndUnmarked(t *testing.T) {
	me := newMediaEnv(t)
	id := me.addImage("wa", time.Now())
	db, _ := me.store.SQLDB()
	if _, err := db.Exec(`UPDATE media SET expired_at = now() WHERE media_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if resp := me.viewer().get("/media/" + id); resp.StatusCode != http.StatusFound {
		t.Fatalf("Chirp still serves it, want 302: %d", resp.StatusCode)
	}
	if n := me.count(`SELECT count(*) FROM media WHERE media_id = ? AND expired_at IS NULL AND expiry_from_chirp`, id); n != 1 {
		t.Error("the expired mark was not cleared, or Chirp's expiry not kept")
	}
}

// TestRenderResolution drives the page-level batch resolution directly.
func TestRenderResolution(t *testing.T) {
	me := newMediaEnv(t)
	var rows []models.Media
	for i := 0; i < 60; i++ {
		me.addImage([]string{"sms", "wa"}[i%2], time.Now().Add(-time.Duration(i)*time.Minute))
	}
	gone := me.addImage("wa", time.Now().AddDate(0, 0, -120))
	db, _ := me.store.SQLDB()
	r, _ := db.Query(`SELECT id FROM media ORDER BY id`)
	for r.Next() {
		var id int64
		_ = r.Scan(&id)
		m, err := me.store.MediaByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, m)
	}
	r.Close()
	srv := newServer(Deps{Store: me.store, Resolver: chirp.NewResolver(chirp.NewClient(me.sim.URL()), chirp.ResolverConfig{}), Config: Config{SecretKey: []byte("x")}})
	var wg sync.WaitGroup
	for v := 0; v < 50; v++ { // 50 concurrent renders of a 61-media page
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := srv.mediaItems(context.Background(), rows); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if calls := me.sim.Counters().Endpoint[chirpsim.EndpointMedia]; calls > 61 {
		t.Errorf("50 concurrent renders made %d Chirp calls, want ≤ 61", calls)
	}
	if _, err := srv.mediaItems(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	before := me.sim.Counters().Endpoint[chirpsim.EndpointMedia]
	items, err := srv.mediaItems(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	if after := me.sim.Counters().Endpoint[chirpsim.EndpointMedia]; after != before {
		t.Errorf("a warm render made %d calls", after-before)
	}
	for _, it := range items {
		want := views.MediaReady
		if it.MediaID == gone {
			want = views.MediaGone
		}
		if it.State != want {
			t.Errorf("%s: state %s, want %s", it.MediaID, it.State, want)
		}
		if want == views.MediaReady && (!strings.HasPrefix(it.URL, me.sim.URL()) || it.ExpiresAt == nil) {
			t.Errorf("%s: ready without URL or expiry", it.MediaID)
		}
	}
}

func TestSlowChirpGivesPendingTilesWithinTheDeadline(t *testing.T) {
	me := newMediaEnv(t)
	id := me.addImage("wa", time.Now())
	me.sim.SetLatency(3 * time.Second)
	m, err := me.store.MediaByMediaID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(Deps{Store: me.store, Resolver: chirp.NewResolver(chirp.NewClient(me.sim.URL()), chirp.ResolverConfig{RenderDeadline: 800 * time.Millisecond}), Config: Config{SecretKey: []byte("x")}})
	start := time.Now()
	items, err := srv.mediaItems(context.Background(), []models.Media{m.Media})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("render waited %v for a slow Chirp", took)
	}
	if items[0].State != views.MediaPending || items[0].Src() != "/media/"+id {
		t.Errorf("slow media: state %s src %s, want pending via /media/:id", items[0].State, items[0].Src())
	}
}

// TestFailingChirpIsRecordedOncePerReason: while Chirp keeps failing the same way,
// renders do not rewrite the media row each time.
func TestFailingChirpIsRecordedOncePerReason(t *testing.T) {
	me := newMediaEnv(t)
	id := me.addImage("wa", time.Now())
	me.sim.SetFaults(chirpsim.Faults{ErrorRate: 1})
	srv := newServer(Deps{Store: me.store, Resolver: chirp.NewResolver(chirp.NewClient(me.sim.URL()), chirp.ResolverConfig{}), Config: Config{SecretKey: []byte("x")}})
	db, _ := me.store.SQLDB()
	checked := func() (lastErr string, at time.Time) {
		if err := db.QueryRow(`SELECT last_error, last_checked_at FROM media WHERE media_id = $1`, id).Scan(&lastErr, &at); err != nil {
			t.Fatal(err)
		}
		return lastErr, at
	}
	render := func() views.MediaState {
		m, err := me.store.MediaByMediaID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		items, err := srv.mediaItems(context.Background(), []models.Media{m.Media})
		if err != nil {
			t.Fatal(err)
		}
		return items[0].State
	}
	if st := render(); st != views.MediaUnavailable {
		t.Fatalf("state %s, want unavailable", st)
	}
	firstErr, firstAt := checked()
	if firstErr == "" {
		t.Fatal("the failure was not recorded")
	}
	time.Sleep(10 * time.Millisecond)
	render()
	if _, at := checked(); !at.Equal(firstAt) {
		t.Errorf("a second render with the same failure rewrote the row (%v → %v)", firstAt, at)
	}
}
