package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/models"
)

func TestGalleryFiltersAndDateGroups(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	if got := c.page("/gallery", 200).Find(`[data-testid="empty-state"] h2`).Text(); got != "No Chirp apps yet" {
		t.Errorf("no apps: %q", got)
	}
	a, b := e.testApp("a"), e.testApp("b")
	if got := c.page("/gallery", 200).Find(`[data-testid="empty-state"] h2`).Text(); got != "No media yet" {
		t.Errorf("no media: %q", got)
	}
	now := time.Now().UTC()
	day := func(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }
	media := func(id, kind string) models.IncomingMedia {
		return models.IncomingMedia{MediaID: "med_" + id, Kind: kind, MimeType: "image/jpeg", SizeBytes: 100, Caption: xss, Filename: xss + ".jpg"}
	}
	e.message(a, models.IncomingMessage{ChirpMessageID: "msg_img", From: "+15551230001", Text: xss, SentAt: day(1), Media: []models.IncomingMedia{media("img", "image"), media("img2", "image")}})
	e.message(a, models.IncomingMessage{ChirpMessageID: "msg_doc", From: "+15551230001", SentAt: day(2), Media: []models.IncomingMedia{media("doc", "document")}})
	e.message(b, models.IncomingMessage{ChirpMessageID: "msg_wa", Channel: models.ChannelWhatsApp, From: "447700900123", SentAt: day(3), Media: []models.IncomingMedia{media("wa", "video")}})
	e.message(a, models.IncomingMessage{ChirpMessageID: "msg_soon", From: "+15557770000", SentAt: day(85), Media: []models.IncomingMedia{media("soon", "audio")}})
	e.message(a, models.IncomingMessage{ChirpMessageID: "msg_old", From: "+15557770000", SentAt: day(120), Media: []models.IncomingMedia{media("old", "image")}})
	e.message(a, models.IncomingMessage{ChirpMessageID: "msg_gone", From: "+15557770000", SentAt: day(4), Media: []models.IncomingMedia{media("gone", "sticker")}})
	if err := e.store.MarkMediaGone(t.Context(), a.ID, "med_gone"); err != nil {
		t.Fatal(err)
	}
	d := c.page("/gallery", 200)
	if n := d.Find(`[data-testid="gallery-tile"]`).Length(); n != 7 {
		t.Fatalf("%d tiles, want 7", n)
	}
	if n := d.Find(`[data-testid="date-group"]`).Length(); n != 6 {
		t.Errorf("%d date groups, want 6", n)
	}
	if first := d.Find(`[data-testid="gallery-tile"]`).First().AttrOr("data-media-id", ""); first != "med_img" && first != "med_img2" {
		t.Errorf("newest first: %s", first)
	}
	if lb := d.Find(`[data-testid="lightbox"]`); lb.AttrOr("role", "") != "dialog" || lb.AttrOr("aria-modal", "") != "true" {
		t.Error("lightbox without dialog semantics")
	}
	if href := d.Find(`[data-media-id="med_doc"] [data-lightbox-item]`).AttrOr("data-message-href", ""); !strings.HasSuffix(href, "?around=msg_doc") {
		t.Errorf("source message link %q", href)
	}
	if html, _ := d.Html(); strings.Contains(html, xss) {
		t.Error("caption or file name rendered unescaped")
	}
	from, to := day(4).Format("2006-01-02"), day(2).Format("2006-01-02")
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"kind=document", []string{"med_doc"}},
		{"kind=image", []string{"med_img2", "med_img", "med_old"}},
		{"app=" + b.AppID, []string{"med_wa"}},
		{"channel=whatsapp", []string{"med_wa"}},
		{"contact=555-777", []string{"med_gone", "med_soon", "med_old"}},
		{"contact=%2B44+7700", []string{"med_wa"}},
		{"availability=available", []string{"med_img2", "med_img", "med_doc", "med_wa", "med_soon"}},
		{"availability=expiring", []string{"med_soon"}},
		{"availability=expired", []string{"med_gone", "med_old"}},
		{"from=" + from + "&to=" + to, []string{"med_doc", "med_wa", "med_gone"}},
		{"from=" + from + "&to=" + to + "&kind=sticker&availability=expired", []string{"med_gone"}},
		{"kind=video&channel=sms", nil},
	} {
		d := c.page("/gallery?"+tc.query, 200)
		var got []string
		d.Find(`[data-testid="gallery-tile"]`).Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("data-media-id", "")) })
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
		if tc.want == nil && d.Find(`[data-testid="empty-state"] h2`).Text() != "No media matches these filters" {
			t.Errorf("%s: no empty state for no matches", tc.query)
		}
	}
	d = c.page("/gallery?kind=audio&availability=expiring&contact=777", 200)
	form := d.Find(`[data-testid="filter-form"]`)
	if form.AttrOr("method", "") != "get" || form.Find(`#g-kind option[selected]`).AttrOr("value", "") != "audio" ||
		form.Find(`#g-availability option[selected]`).AttrOr("value", "") != "expiring" || form.Find(`#g-contact`).AttrOr("value", "") != "777" {
		t.Error("the filter form does not keep the URL's filters")
	}
	resp := c.get("/gallery?contact=ab&from=2026-13-01")
	d = doc(t, resp)
	if resp.StatusCode != 422 || d.Find(".field-error").Length() != 2 {
		t.Errorf("bad typed filters: %d with %d field errors", resp.StatusCode, d.Find(".field-error").Length())
	}
	for _, bad := range []string{"/gallery?kind=pdf", "/gallery?availability=soon", "/gallery?cursor=1"} {
		if resp := c.get(bad); resp.StatusCode != 400 {
			t.Errorf("%s = %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestGalleryInfiniteScrollReturnsEachOnce(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	app := e.testApp("a")
	at := time.Now().UTC().Add(-time.Hour)
	const n = 2*galleryPerPage + 15 // media sharing one timestamp, 5 per message: three runs
	for i := range n / 5 {
		var media []models.IncomingMedia
		for j := range 5 {
			media = append(media, models.IncomingMedia{MediaID: fmt.Sprintf("med_%d_%d", i, j), Kind: models.KindImage})
		}
		e.message(app, models.IncomingMessage{ChirpMessageID: fmt.Sprintf("msg_%d", i), From: "+15551230001", SentAt: at, Media: media})
	}
	seen := map[string]bool{}
	groups := 0
	d := c.page("/gallery?kind=image", 200)
	for runs := 1; ; runs++ {
		groups += d.Find(`[data-testid="date-group"]`).Length()
		d.Find(`[data-testid="gallery-tile"]`).Each(func(_ int, s *goquery.Selection) {
			id := s.AttrOr("data-media-id", "")
			if seen[id] {
				t.Fatalf("%s shown twice", id)
			}
			seen[id] = true
		})
		more := d.Find(`[data-testid="load-more"]`)
		next, ok := more.Attr("hx-get")
		if !ok {
			if runs != 3 {
				t.Errorf("%d runs, want 3", runs)
			}
			break
		}
		if !strings.Contains(more.AttrOr("hx-trigger", ""), "revealed") || !strings.Contains(next, "kind=image") {
			t.Errorf("sentinel: trigger %q, url %q", more.AttrOr("hx-trigger", ""), next)
		}
		d = doc(t, c.getHX(next))
	}
	if len(seen) != n || groups != 1 {
		t.Errorf("saw %d media in %d date groups, want %d in 1", len(seen), groups, n)
	}
}
