package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

// msgFrom is an inbound message from a contact number on a channel.
func msgFrom(id, contact, channel string, at time.Time, media ...models.IncomingMedia) models.IncomingMessage {
	return models.IncomingMessage{ChirpMessageID: id, Channel: channel, Direction: models.DirectionInbound, Type: "text",
		From: contact, To: "+15559870000", Text: "text of " + id, SentAt: at, Media: media}
}

func save(t *testing.T, s *models.Store, appID int64, m models.IncomingMessage) models.SaveResult {
	t.Helper()
	r, err := s.SaveMessage(context.Background(), appID, m)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func img(id string) models.IncomingMedia {
	return models.IncomingMedia{MediaID: id, Kind: models.KindImage, MimeType: "image/jpeg", SizeBytes: 100}
}

// collect pages through a keyset list and fails on any repeat.
func collect[T any](t *testing.T, next func(cur *models.Cursor) ([]T, *models.Cursor), id func(T) int64) []int64 {
	t.Helper()
	seen := map[int64]bool{}
	var order []int64
	var cur *models.Cursor
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		items, nxt := next(cur)
		for _, it := range items {
			if seen[id(it)] {
				t.Fatalf("item %d returned twice", id(it))
			}
			seen[id(it)] = true
			order = append(order, id(it))
		}
		if nxt == nil {
			return order
		}
		c, err := models.ParseCursor(nxt.String()) // through the URL form, as the pages do
		if err != nil {
			t.Fatal(err)
		}
		cur = &c
	}
}

func TestConversationsKeysetSharedTimestamps(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "c")
		other := testApp(t, s, "d")
		at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		const n = 23
		for i := range n { // every conversation shares one timestamp
			var media []models.IncomingMedia
			if i%3 == 0 {
				media = append(media, img(fmt.Sprintf("med_c%d", i)))
			}
			save(t, s, app.ID, msgFrom(fmt.Sprintf("msg_c%d", i), fmt.Sprintf("+1555100%04d", i), models.ChannelSMS, at, media...))
		}
		save(t, s, other.ID, msgFrom("msg_newest", "+15552000000", models.ChannelWhatsApp, at.Add(time.Minute)))
		list := func(f models.ConversationFilter) []int64 {
			return collect(t, func(cur *models.Cursor) ([]models.ConversationRow, *models.Cursor) {
				p, err := s.Conversations(ctx, f, cur, 5)
				if err != nil {
					t.Fatal(err)
				}
				return p.Items, p.Next
			}, func(r models.ConversationRow) int64 { return r.ID })
		}
		all := list(models.ConversationFilter{})
		if len(all) != n+1 {
			t.Fatalf("got %d conversations, want %d", len(all), n+1)
		}
		first, err := s.Conversations(ctx, models.ConversationFilter{}, nil, 1)
		if err != nil || first.Items[0].ContactNumber != "+15552000000" || first.Items[0].AppName != other.Name {
			t.Fatalf("newest first: %+v %v", first.Items, err)
		}
		for i := 1; i < len(all); i++ {
			if i > 1 && all[i] > all[i-1] {
				t.Errorf("ids not descending within a timestamp: %v", all)
			}
		}
		if got := len(list(models.ConversationFilter{AppID: app.ID})); got != n {
			t.Errorf("app filter: %d, want %d", got, n)
		}
		if got := len(list(models.ConversationFilter{Channel: models.ChannelWhatsApp})); got != 1 {
			t.Errorf("channel filter: %d, want 1", got)
		}
		if got := len(list(models.ConversationFilter{HasMedia: true})); got != 8 {
			t.Errorf("has-media filter: %d, want 8", got)
		}
		if _, err := s.ConversationByID(ctx, 999999); err == nil {
			t.Error("unknown conversation found")
		}
	})
}

func TestThreadKeysetAndAround(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "t")
		at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		var conv int64
		const n = 41
		for i := range n { // groups of 10 messages share a timestamp
			var media []models.IncomingMedia
			if i == 7 {
				media = append(media, img("med_t7"), models.IncomingMedia{MediaID: "med_t7b", Kind: models.KindDocument, Filename: "a.pdf"})
			}
			r := save(t, s, app.ID, msgFrom(fmt.Sprintf("msg_t%02d", i), "+15551230000", models.ChannelSMS, at.Add(time.Duration(i/10)*time.Minute), media...))
			conv = r.ConversationID
		}
		latest, err := s.ThreadLatest(ctx, conv, 6)
		if err != nil {
			t.Fatal(err)
		}
		if len(latest.Messages) != 6 || latest.Messages[5].ChirpMessageID != "msg_t40" || latest.Older == nil || latest.Newer != nil {
			t.Fatalf("latest page: %d messages, last %s, older %v", len(latest.Messages), latest.Messages[len(latest.Messages)-1].ChirpMessageID, latest.Older)
		}
		all := collect(t, func(cur *models.Cursor) ([]models.Message, *models.Cursor) {
			p, err := s.ThreadBefore(ctx, conv, cur, 6)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(p.Messages); i++ {
				if p.Messages[i].SentAt.Before(p.Messages[i-1].SentAt) {
					t.Fatal("page not oldest first")
				}
			}
			return p.Messages, p.Older
		}, func(m models.Message) int64 { return m.ID })
		if len(all) != n {
			t.Fatalf("paged %d messages, want %d", len(all), n)
		}
		around, err := s.ThreadAround(ctx, conv, "msg_t07", 6)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range around.Messages {
			ids = append(ids, m.ChirpMessageID)
			if m.ChirpMessageID == "msg_t07" && (len(m.Media) != 2 || m.Media[1].Kind != models.KindDocument) {
				t.Errorf("media of msg_t07: %+v", m.Media)
			}
		}
		if fmt.Sprint(ids) != "[msg_t05 msg_t06 msg_t07 msg_t08 msg_t09 msg_t10]" || around.Older == nil || around.Newer == nil {
			t.Fatalf("around msg_t07: %v older=%v newer=%v", ids, around.Older, around.Newer)
		}
		newer := collect(t, func(cur *models.Cursor) ([]models.Message, *models.Cursor) {
			if cur == nil {
				cur = around.Newer
			}
			p, err := s.ThreadAfter(ctx, conv, *cur, 4)
			if err != nil {
				t.Fatal(err)
			}
			return p.Messages, p.Newer
		}, func(m models.Message) int64 { return m.ID })
		if len(newer) != n-11 {
			t.Errorf("after msg_t10: %d messages, want %d", len(newer), n-11)
		}
		if _, err := s.ThreadAround(ctx, conv, "msg_nope", 6); err == nil {
			t.Error("around an unknown message succeeded")
		}
		panel, err := s.ConversationMedia(ctx, conv, []string{models.KindDocument}, 10)
		if err != nil || len(panel) != 1 || panel[0].ChirpMessageID != "msg_t07" {
			t.Errorf("conversation documents: %+v %v", panel, err)
		}
	})
}

func TestGalleryFiltersAndKeyset(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "g")
		other := testApp(t, s, "h")
		now := time.Now().UTC()
		shared := now.Add(-time.Hour)
		for i := range 10 { // 30 images on one timestamp, 3 per message
			save(t, s, app.ID, msgFrom(fmt.Sprintf("msg_g%d", i), "+15551110000", models.ChannelSMS, shared,
				img(fmt.Sprintf("med_g%da", i)), img(fmt.Sprintf("med_g%db", i)), img(fmt.Sprintf("med_g%dc", i))))
		}
		doc := models.IncomingMedia{MediaID: "med_doc", Kind: models.KindDocument, Filename: "invoice.pdf"}
		save(t, s, other.ID, msgFrom("msg_doc", "+447700900123", models.ChannelWhatsApp, now.Add(-2*time.Hour), doc))
		save(t, s, app.ID, msgFrom("msg_expiring", "+15552220000", models.ChannelSMS, now.Add(-85*24*time.Hour), img("med_expiring")))
		save(t, s, app.ID, msgFrom("msg_old", "+15552220000", models.ChannelSMS, now.Add(-100*24*time.Hour), img("med_old")))
		save(t, s, app.ID, msgFrom("msg_gone", "+15552220000", models.ChannelSMS, now.Add(-3*24*time.Hour), img("med_gone")))
		if err := s.MarkMediaGone(ctx, app.ID, "med_gone"); err != nil {
			t.Fatal(err)
		}
		list := func(f models.GalleryFilter) []int64 {
			return collect(t, func(cur *models.Cursor) ([]models.GalleryRow, *models.Cursor) {
				p, err := s.Gallery(ctx, f, cur, 7)
				if err != nil {
					t.Fatal(err)
				}
				return p.Items, p.Next
			}, func(r models.GalleryRow) int64 { return r.ID })
		}
		if got := len(list(models.GalleryFilter{})); got != 34 {
			t.Errorf("all media: %d, want 34", got)
		}
		first, err := s.Gallery(ctx, models.GalleryFilter{}, nil, 1)
		if err != nil || first.Items[0].ChirpMessageID != "msg_g9" || first.Items[0].ContactNumber != "+15551110000" {
			t.Errorf("newest media: %+v %v", first.Items, err)
		}
		d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		cases := []struct {
			name string
			f    models.GalleryFilter
			want int
		}{
			{"kind document", models.GalleryFilter{Kinds: []string{models.KindDocument}}, 1},
			{"kind image", models.GalleryFilter{Kinds: []string{models.KindImage}}, 33},
			{"app", models.GalleryFilter{AppID: other.ID}, 1},
			{"channel", models.GalleryFilter{Channel: models.ChannelWhatsApp}, 1},
			{"contact digits", models.GalleryFilter{ContactDigits: "7700 900"}, 1},
			{"contact shared", models.GalleryFilter{ContactDigits: "5552220000"}, 3},
			{"available", models.GalleryFilter{Availability: models.AvailabilityAvailable}, 32},
			{"expiring", models.GalleryFilter{Availability: models.AvailabilityExpiring}, 1},
			{"expired or gone", models.GalleryFilter{Availability: models.AvailabilityExpired}, 2},
			{"from 10 days ago", models.GalleryFilter{From: d.AddDate(0, 0, -10)}, 32},
			{"until 10 days ago", models.GalleryFilter{To: d.AddDate(0, 0, -10)}, 2},
			{"range", models.GalleryFilter{From: d.AddDate(0, 0, -90), To: d.AddDate(0, 0, -80)}, 1},
		}
		for _, c := range cases {
			if got := len(list(c.f)); got != c.want {
				t.Errorf("%s: %d media, want %d", c.name, got, c.want)
			}
		}
	})
}
