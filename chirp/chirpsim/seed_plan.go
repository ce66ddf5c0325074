package chirpsim

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// seedConv is one planned conversation.
type seedConv struct {
	app      App
	channel  string // sms | whatsapp
	business string
	contact  string
	msgs     []*seedMsg // oldest first
}

// seedMsg is one planned message and its final status event.
type seedMsg struct {
	id        string
	inbound   bool
	at        time.Time
	typ       string // "" lets the payload builder derive it
	text      string
	shape     Shape
	media     []*seedMedia
	redeliver bool
	status    string // "", delivered, read or failed (outbound only)
	statusAt  time.Time
	statusErr string
}

// seedMedia is one planned attachment; the fields after seed are filled when
// its bytes are generated and stored in the sim.
type seedMedia struct {
	kind    string
	seed    int64
	caption string
	voice   bool
	legacy  bool // announced without a mediaId

	mime, filename, sha256, id, url string
	size                            int64
}

// Fictional business numbers (555-01XX is reserved for fiction).
const (
	seedSMSNumber      = "+14155550100"
	seedWhatsAppNumber = "+14155550142"
)

// seedFailures are the reasons failed deliveries give.
var seedFailures = [...]string{
	"Recipient phone number is not reachable",
	"Message blocked by the carrier's spam filter",
	"Recipient is not a WhatsApp user",
	"Message expired before it could be delivered",
}

// planHistory lays out the whole history from opts.Seed: conversations, their
// messages and times, media, shapes and statuses. Nothing random is drawn
// outside it, so the plan is the same for the same options and clock.
func planHistory(o SeedOptions, now time.Time, retentionDays int) []*seedConv {
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed_a71a_4e11_0001))
	convs := planConversations(o)
	spans := planSpans(r, len(convs), o.Days)
	counts := planCounts(r, o.Messages, spans)
	for i, c := range convs {
		planMessages(r, c, spans[i], counts[i], now)
	}
	cutoff := now.AddDate(0, 0, -retentionDays)
	planMedia(r, convs, o.Media, int(math.Round(o.PastRetention*float64(o.Media))), cutoff)
	planLegacy(r, convs, o.LegacyMMS, now, cutoff)
	for i, c := range convs {
		planTexts(r, c, now)
		planIDs(r, c, o.Seed, i)
		planStatuses(r, c)
	}
	return convs
}

// planConversations picks each conversation's app and contact. About 55% are
// on WhatsApp; the last two reuse the contact of an earlier conversation on
// the other channel, as people who write on both do.
func planConversations(o SeedOptions) []*seedConv {
	convs := make([]*seedConv, o.Conversations)
	for i := range convs {
		c := &seedConv{app: o.WhatsAppApp, channel: "whatsapp", business: seedWhatsAppNumber}
		if i%9 >= 5 {
			c.app, c.channel, c.business = o.SMSApp, "sms", seedSMSNumber
		}
		c.contact = DemoPhone(o.Seed*1000 + int64(i))
		convs[i] = c
	}
	next := 0
	for i := max(2, len(convs)-2); i < len(convs); i++ {
		for j := next; j < len(convs)-2; j++ {
			if convs[j].channel != convs[i].channel {
				convs[i].contact, next = convs[j].contact, j+1
				break
			}
		}
	}
	return convs
}

// seedSpan is when a conversation ran, as ages in days (start > end).
type seedSpan struct {
	start, end float64
	weight     float64 // relative number of messages
}

// planSpans gives each conversation its time span. Most are short support
// threads within the last three months; a ninth ended before the retention
// limit, a sixth are long-running threads that began before it.
func planSpans(r *rand.Rand, n, days int) []seedSpan {
	d := float64(days)
	spans := make([]seedSpan, n)
	order := r.Perm(n)
	archived, long := max(1, n/9), max(1, n/6)
	for k, i := range order {
		w := 0.6 + 1.4*r.Float64()
		switch {
		case k < archived: // entirely older than 90 days
			start := d*0.83 + r.Float64()*d*0.15
			spans[i] = seedSpan{start: start, end: max(d*0.77, start-1-r.Float64()*8), weight: w}
		case k < archived+long: // running since before the retention limit
			spans[i] = seedSpan{start: d*0.79 + r.Float64()*d*0.19, end: r.Float64() * 6, weight: 2.5 * w}
		default: // a recent support thread
			start := 0.05 + r.Float64()*d*0.7
			spans[i] = seedSpan{start: start, end: max(0.01, start-0.1-r.Float64()*12), weight: w}
		}
	}
	return spans
}

// planCounts shares total messages out by weight, at least two per conversation.
func planCounts(r *rand.Rand, total int, spans []seedSpan) []int {
	counts := make([]int, len(spans))
	sum := 0.0
	for _, s := range spans {
		sum += s.weight
	}
	left := total - 2*len(spans)
	given := 0
	for i, s := range spans {
		counts[i] = 2 + int(float64(left)*s.weight/sum)
		given += counts[i]
	}
	for given < total { // rounding leftovers
		counts[r.IntN(len(counts))]++
		given++
	}
	return counts
}

// planMessages spreads n messages over the span, oldest first; customers open
// the thread and the sides take turns, with runs of several messages.
func planMessages(r *rand.Rand, c *seedConv, s seedSpan, n int, now time.Time) {
	ages := make([]float64, n)
	ages[0] = s.start
	for i := 1; i < n; i++ {
		ages[i] = s.end + r.Float64()*(s.start-s.end)
	}
	slices.SortFunc(ages[1:], func(a, b float64) int { return -compareFloat(a, b) })
	inbound := true
	for i, age := range ages {
		if i > 0 && r.Float64() < 0.55 {
			inbound = !inbound
		}
		at := now.Add(-time.Duration(age * 24 * float64(time.Hour))).Truncate(time.Millisecond)
		c.msgs = append(c.msgs, &seedMsg{inbound: inbound, at: at, redeliver: r.IntN(40) == 0})
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// planMedia gives exactly total attachments to messages, oldTarget of them
// (as far as the history allows) to messages sent before cutoff, when
// retention has already deleted them. Inbound messages carry media three times
// as often as outbound ones; some MMS carry two.
func planMedia(r *rand.Rand, convs []*seedConv, total, oldTarget int, cutoff time.Time) {
	var old, recent []seedRef
	for _, c := range convs {
		for _, msg := range c.msgs {
			if msg.at.Before(cutoff) {
				old = append(old, seedRef{c, msg})
			} else {
				recent = append(recent, seedRef{c, msg})
			}
		}
	}
	left := placeMedia(r, old, min(oldTarget, total))
	placeMedia(r, recent, total-min(oldTarget, total)+left)
	ensureEveryKind(convs)
}

// seedRef is a message and its conversation.
type seedRef struct {
	c   *seedConv
	msg *seedMsg
}

// placeMedia attaches n media to messages of pool and returns how many found
// no place.
func placeMedia(r *rand.Rand, pool []seedRef, n int) int {
	for pass := 0; pass < 2 && n > 0; pass++ {
		for _, i := range r.Perm(len(pool)) {
			x := pool[i]
			p := 0.2
			if x.msg.inbound {
				p = 0.6
			}
			if n == 0 || len(x.msg.media) > 0 || (pass == 0 && r.Float64() >= p) {
				continue
			}
			k := 1
			if x.c.channel == "sms" && x.msg.inbound && n > 1 && r.IntN(8) == 0 {
				k = 2
			}
			kind := seedKind(r, x.c.channel, x.msg.inbound)
			for range k {
				x.msg.media = append(x.msg.media, newSeedMedia(r, x.c.channel, kind, x.msg.inbound))
				n--
				kind = "image" // a second MMS attachment is a photo
			}
		}
	}
	return n
}

func newSeedMedia(r *rand.Rand, channel, kind string, inbound bool) *seedMedia {
	m := &seedMedia{kind: kind, seed: r.Int64()}
	if channel == "whatsapp" {
		switch kind {
		case "audio":
			m.voice = inbound && r.IntN(7) > 0
		case "image", "video", "document":
			captions := DemoCaptions()
			m.caption = captions[r.IntN(len(captions))]
			if !inbound && kind == "image" {
				m.caption = "as promised"
			}
		}
	}
	return m
}

// seedKind picks an attachment's kind: customers send everything, staff
// mostly documents and photos; stickers exist only on WhatsApp.
func seedKind(r *rand.Rand, channel string, inbound bool) string {
	type w struct {
		kind   string
		weight int
	}
	var table []w
	switch {
	case channel == "whatsapp" && inbound:
		table = []w{{"image", 36}, {"audio", 22}, {"sticker", 18}, {"video", 11}, {"document", 13}}
	case channel == "whatsapp":
		table = []w{{"document", 50}, {"image", 35}, {"video", 15}}
	case inbound:
		table = []w{{"image", 62}, {"video", 15}, {"audio", 10}, {"document", 13}}
	default:
		table = []w{{"image", 65}, {"document", 35}}
	}
	sum := 0
	for _, x := range table {
		sum += x.weight
	}
	n := r.IntN(sum)
	for _, x := range table {
		if n < x.weight {
			return x.kind
		}
		n -= x.weight
	}
	return "image"
}

// ensureEveryKind turns WhatsApp photos into any kind the dice left out, so
// that small histories still show every kind.
func ensureEveryKind(convs []*seedConv) {
	seen := map[string]bool{}
	for _, c := range convs {
		for _, msg := range c.msgs {
			for _, m := range msg.media {
				seen[m.kind] = true
			}
		}
	}
	for _, kind := range ContentKinds() {
		if seen[kind] {
			continue
		}
	find:
		for _, c := range convs {
			for _, msg := range c.msgs {
				if c.channel == "whatsapp" && msg.inbound && len(msg.media) == 1 && msg.media[0].kind == "image" {
					msg.media[0].kind = kind
					break find
				}
			}
		}
	}
}

// planLegacy sends n single-photo inbound MMS in the old payload shape, which
// carries no mediaId: preferably older than a month but still within retention,
// so that the placeholder says "never retrievable" rather than "removed".
func planLegacy(r *rand.Rand, convs []*seedConv, n int, now, cutoff time.Time) {
	var cands, preferred []*seedMsg
	for _, c := range convs {
		if c.channel != "sms" {
			continue
		}
		for _, msg := range c.msgs {
			if msg.inbound && len(msg.media) == 1 {
				cands = append(cands, msg)
				if msg.at.After(cutoff) && now.Sub(msg.at) > 30*24*time.Hour {
					preferred = append(preferred, msg)
				}
			}
		}
	}
	if len(preferred) >= n {
		cands = preferred
	}
	for _, i := range r.Perm(len(cands))[:min(n, len(cands))] {
		msg := cands[i]
		msg.shape = ShapeSMSOld
		msg.media[0].kind, msg.media[0].legacy = "image", true
	}
}

// planTexts fills texts and shapes: WhatsApp mixes the flat and nested
// shapes; SMS uses the new shape, with old-style payloads in the older part
// of the history.
func planTexts(r *rand.Rand, c *seedConv, now time.Time) {
	var plain []string
	for _, p := range DemoPhrases() {
		if !strings.Contains(p, "photo") && !strings.Contains(p, "voice note") && !strings.Contains(p, "receipt now") {
			plain = append(plain, p)
		}
	}
	replies := DemoReplies()
	for _, msg := range c.msgs {
		switch {
		case c.channel == "whatsapp" && r.IntN(5) < 2:
			msg.shape = ShapeWhatsAppFlat
		case c.channel == "whatsapp":
			msg.shape = ShapeWhatsAppNested
		case msg.shape == ShapeSMSOld: // a legacy MMS already
		case len(msg.media) == 0 && now.Sub(msg.at) > 60*24*time.Hour && r.IntN(5) < 2:
			msg.shape = ShapeSMSOld // before Chirp's current payload format
		default:
			msg.shape = ShapeSMSNew
		}
		if len(msg.media) == 0 {
			if msg.inbound {
				msg.text = plain[r.IntN(len(plain))]
			} else {
				msg.text = replies[r.IntN(len(replies))]
			}
			continue
		}
		msg.text = seedMediaText(r, msg.media[0].kind, msg.inbound)
		if c.channel == "whatsapp" && len(msg.media) == 1 {
			msg.typ = msg.media[0].kind
		}
	}
}

// seedMediaText is the text beside an attachment, often none.
func seedMediaText(r *rand.Rand, kind string, inbound bool) string {
	if r.IntN(2) == 0 {
		return ""
	}
	switch {
	case !inbound && kind == "document":
		return "Here's your invoice again."
	case !inbound:
		return ""
	case kind == "image":
		return "Here's a photo of the damaged box"
	case kind == "audio":
		return "Listen to this voice note, it explains the noise"
	case kind == "document":
		return "Sending the receipt now"
	}
	return ""
}

// planIDs gives messages ids in Chirp's formats: msg_wa_/msg_sms_ KSUIDs, or
// UUIDs for old-style payloads.
func planIDs(r *rand.Rand, c *seedConv, seed int64, conv int) {
	prefix := "msg_wa_"
	if c.channel == "sms" {
		prefix = "msg_sms_"
	}
	for i, msg := range c.msgs {
		if msg.shape == ShapeSMSOld {
			msg.id = LegacyMessageID(fmt.Sprintf("%d/%d/%d", seed, conv, i))
			continue
		}
		msg.id = prefix + seededKSUID(r, msg.at)
	}
}

// seededKSUID is newKSUID with its random part drawn from r.
func seededKSUID(r *rand.Rand, t time.Time) string {
	var b [20]byte
	binary.BigEndian.PutUint32(b[:4], uint32(max(t.Unix()-ksuidEpoch, 0)))
	binary.BigEndian.PutUint64(b[4:], r.Uint64())
	binary.BigEndian.PutUint64(b[12:], r.Uint64())
	return encodeBase62(b[:], 27)
}

// planStatuses gives outbound messages their final status: most are
// delivered (and, on WhatsApp, read); a few fail; some stay "sent".
func planStatuses(r *rand.Rand, c *seedConv) {
	for _, msg := range c.msgs {
		if msg.inbound {
			continue
		}
		x := r.Float64()
		switch {
		case msg.shape == ShapeSMSOld && x < 0.85:
			msg.status = "delivered"
		case msg.shape == ShapeSMSOld:
		case x < 0.07:
			msg.status = "failed"
			msg.statusErr = seedFailures[r.IntN(len(seedFailures))]
		case c.channel == "whatsapp" && x < 0.65:
			msg.status = "read"
		case x < 0.9:
			msg.status = "delivered"
		}
		delay := 2*time.Second + time.Duration(r.IntN(30))*time.Second
		if msg.status == "read" {
			delay = time.Minute + time.Duration(r.IntN(180))*time.Minute
		}
		msg.statusAt = msg.at.Add(delay)
	}
}
