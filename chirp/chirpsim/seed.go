package chirpsim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"
)

// SeedOptions configures SeedHistory. Zero fields take the defaults noted.
type SeedOptions struct {
	// Seed makes the history reproducible: the same seed gives the same
	// conversations, texts, times (relative to the sim's clock), message ids,
	// statuses and media bytes. Media ids are the sim's own. Default 1.
	Seed int64
	// SMSApp and WhatsAppApp receive the SMS/MMS and the WhatsApp
	// conversations; both must be registered in the sim (AddApp).
	SMSApp, WhatsAppApp App
	// Conversations is the number of conversations (default 28, at least 2).
	Conversations int
	// Messages is the number of distinct messages (default 440).
	Messages int
	// Media is the number of attachments (default 170), legacy ones included.
	Media int
	// LegacyMMS is how many old-style MMS carry an attachment without a
	// mediaId (default 5; negative means none).
	LegacyMMS int
	// Days is how far back the history reaches (default 120).
	Days int
	// PastRetention is the share of media sent longer ago than the sim's
	// retention, which the Media API therefore answers 404 for (default 0.15;
	// fewer when the history holds too few old messages; negative means none).
	PastRetention float64
	// Concurrency bounds the webhooks in flight (default 8). Each
	// conversation is delivered in order, so status events follow their message.
	Concurrency int
}

// SeedStats says what SeedHistory delivered.
type SeedStats struct {
	Conversations int
	Messages      int // distinct messages (redeliveries not counted)
	Media         int // attachments, legacy ones included
	MediaByKind   map[string]int
	LegacyMedia   int // attachments announced without a mediaId
	PastRetention int // attachments with a mediaId that the sim has already deleted
	StatusEvents  int
	Redeliveries  int            // message webhooks delivered a second time, as Chirp may
	Shapes        map[string]int // messages per payload shape (Shape.String)
	Webhooks      int            // webhook bodies delivered, redeliveries included
}

// DeliverFunc hands one webhook body for the app to the receiver and returns
// once it has been accepted (a 2xx answer), or why not.
type DeliverFunc func(ctx context.Context, appID string, body []byte) error

// SeedHistory builds a realistic message history in the sim and announces it
// through deliver, as Chirp's webhooks would: conversations on both apps over
// the last opts.Days days, inbound and outbound messages in every payload
// shape, status events (delivered, read, failed), a few redeliveries, and
// media of every kind — generated images of varied sizes and aspect ratios,
// stickers, voice notes, PDF documents and short videos — stored in the sim
// with their message's time as createdAt, so the oldest are already past
// retention. A few old-style MMS carry no mediaId.
//
// Media bytes are generated concurrently; deliveries run with bounded
// concurrency, each conversation in order. The first failed delivery stops
// the seeding and is returned.
func SeedHistory(ctx context.Context, sim *Sim, deliver DeliverFunc, opts SeedOptions) (SeedStats, error) {
	opts = opts.withDefaults()
	if opts.SMSApp.ID == "" || opts.WhatsAppApp.ID == "" {
		return SeedStats{}, fmt.Errorf("chirpsim: seed history: SMSApp and WhatsAppApp are required")
	}
	sim.mu.Lock()
	retention := sim.retentionDays
	sim.mu.Unlock()
	now := sim.Now()
	convs := planHistory(opts, now, retention)
	if err := storeSeedMedia(ctx, sim, convs); err != nil {
		return SeedStats{}, err
	}
	stats := seedStatsOf(convs, now, retention)
	n, err := deliverHistory(ctx, deliver, convs, now, opts.Concurrency)
	stats.Webhooks = n
	return stats, err
}

func (o SeedOptions) withDefaults() SeedOptions {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	def(&o.Conversations, 28)
	o.Conversations = max(2, o.Conversations)
	def(&o.Messages, 440)
	o.Messages = max(o.Messages, 2*o.Conversations)
	def(&o.Media, 170)
	def(&o.Days, 120)
	def(&o.Concurrency, 8)
	switch {
	case o.PastRetention == 0:
		o.PastRetention = 0.15
	case o.PastRetention < 0:
		o.PastRetention = 0
	}
	switch {
	case o.LegacyMMS == 0:
		o.LegacyMMS = 5
	case o.LegacyMMS < 0:
		o.LegacyMMS = 0
	}
	return o
}

// storeSeedMedia generates every attachment's bytes on all cores, adds them to
// the sim with their message's time as createdAt, and notes their ids and the
// presigned URLs the payloads carry.
func storeSeedMedia(ctx context.Context, sim *Sim, convs []*seedConv) error {
	type job struct {
		app string
		at  time.Time
		m   *seedMedia
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				data, mime, filename := Content(j.m.kind, j.m.seed)
				sum := sha256.Sum256(data)
				j.m.mime, j.m.filename, j.m.size, j.m.sha256 = mime, filename, int64(len(data)), hex.EncodeToString(sum[:])
				id := sim.AddMedia(j.app, MediaSpec{Kind: j.m.kind, MimeType: mime, Filename: filename, Data: data, CreatedAt: j.at})
				j.m.url = sim.PresignedURL(id)
				if !j.m.legacy {
					j.m.id = id
				}
			}
		})
	}
	var err error
feed:
	for _, c := range convs {
		for _, msg := range c.msgs {
			for _, m := range msg.media {
				select {
				case jobs <- job{app: c.app.ID, at: msg.at, m: m}:
				case <-ctx.Done():
					err = fmt.Errorf("chirpsim: seed history: %w", ctx.Err())
					break feed
				}
			}
		}
	}
	close(jobs)
	wg.Wait()
	return err
}

func seedStatsOf(convs []*seedConv, now time.Time, retentionDays int) SeedStats {
	st := SeedStats{Conversations: len(convs), MediaByKind: map[string]int{}, Shapes: map[string]int{}}
	for _, c := range convs {
		for _, msg := range c.msgs {
			st.Messages++
			st.Shapes[msg.shape.String()]++
			switch {
			case msg.status == "read" && msg.shape != ShapeSMSOld:
				st.StatusEvents += 2 // delivered, then read
			case msg.status != "":
				st.StatusEvents++
			}
			if msg.redeliver {
				st.Redeliveries++
			}
			for _, m := range msg.media {
				st.Media++
				st.MediaByKind[m.kind]++
				switch {
				case m.legacy:
					st.LegacyMedia++
				case !now.Before(msg.at.AddDate(0, 0, retentionDays)):
					st.PastRetention++
				}
			}
		}
	}
	return st
}

// deliverHistory sends every conversation's webhooks in order, several
// conversations at a time, and returns how many were delivered.
func deliverHistory(ctx context.Context, deliver DeliverFunc, convs []*seedConv, now time.Time, concurrency int) (int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *seedConv)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		delivered int
	)
	for range concurrency {
		wg.Go(func() {
			for c := range work {
				for _, body := range c.webhooks(now) {
					if ctx.Err() != nil {
						break
					}
					if err := deliver(ctx, c.app.ID, body); err != nil {
						cancel(fmt.Errorf("chirpsim: seed history: deliver to %s: %w", c.app.ID, err))
						break
					}
					mu.Lock()
					delivered++
					mu.Unlock()
				}
			}
		})
	}
feed:
	for _, c := range convs {
		select {
		case work <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		if err == ctx.Err() { // the caller's cancellation, not a failed delivery
			err = fmt.Errorf("chirpsim: seed history: %w", err)
		}
		return delivered, err
	}
	return delivered, nil
}

// webhooks returns the conversation's webhook bodies in delivery order: each
// message (twice when redelivered), then its status event.
func (c *seedConv) webhooks(now time.Time) [][]byte {
	var out [][]byte
	for _, msg := range c.msgs {
		out = append(out, msg.payload(c))
		if msg.redeliver {
			out = append(out, msg.payload(c))
		}
		if msg.status == "" {
			continue
		}
		at := msg.statusAt
		if latest := now.Add(-time.Second); at.After(latest) { // a status is never in the future
			at = latest
		}
		if msg.shape == ShapeSMSOld {
			out = append(out, BuildStatusPayload(false, c.channel, msg.id, msg.status, at, msg.statusErr))
			continue
		}
		if msg.status == "read" { // WhatsApp reports delivery before the read receipt
			out = append(out, BuildStatusPayload(true, c.channel, msg.id, "delivered", msg.at.Add(3*time.Second), ""))
		}
		out = append(out, BuildStatusPayload(true, c.channel, msg.id, msg.status, at, msg.statusErr))
	}
	return out
}

func (msg *seedMsg) payload(c *seedConv) []byte {
	from, to, dir := c.contact, c.business, "inbound"
	if !msg.inbound {
		from, to, dir = c.business, c.contact, "outbound"
	}
	out := OutMessage{ID: msg.id, AppID: c.app.ID, AppName: c.app.Name, Channel: c.channel, Direction: dir,
		From: from, To: to, Type: msg.typ, Text: msg.text, At: msg.at}
	for _, m := range msg.media {
		out.Media = append(out.Media, OutMedia{ID: m.id, URL: m.url, Kind: m.kind, MimeType: m.mime,
			Filename: m.filename, Caption: m.caption, SHA256: m.sha256, Size: m.size, VoiceNote: m.voice})
	}
	return BuildMessagePayload(msg.shape, out)
}

// WebhookDeliverer returns a DeliverFunc that POSTs to baseURL's
// /webhooks/chirp/{appID} with the app's secret in X-Webhook-Secret, retrying
// like Chirp (with short backoffs, as suits seeding). secrets maps app ids to
// webhook secrets.
func WebhookDeliverer(baseURL string, secrets map[string]string) DeliverFunc {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	senders := map[string]*Sender{}
	for appID, secret := range secrets {
		senders[appID] = &Sender{MaxRetries: 3, BaseBackoff: 100 * time.Millisecond, Client: client,
			Header: map[string]string{"X-Webhook-Secret": secret}}
	}
	base := strings.TrimRight(baseURL, "/")
	return func(ctx context.Context, appID string, body []byte) error {
		snd := senders[appID]
		if snd == nil {
			return fmt.Errorf("chirpsim: no webhook secret for app %s", appID)
		}
		res := snd.Deliver(ctx, base+"/webhooks/chirp/"+appID, body)
		if !res.Delivered {
			return fmt.Errorf("chirpsim: webhook not accepted after %d attempts: %w", res.Attempts, res.Err)
		}
		return nil
	}
}
