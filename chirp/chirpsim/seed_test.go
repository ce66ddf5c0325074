package chirpsim_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

// seedRecord is one webhook SeedHistory handed over, decoded by Aviary's parser.
type seedRecord struct {
	app string
	ev  chirp.Event
}

// seedInto runs SeedHistory on a fresh sim and returns what it delivered.
func seedInto(t *testing.T, opts chirpsim.SeedOptions) (chirpsim.SeedStats, []seedRecord, *chirpsim.Sim) {
	t.Helper()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	sim := chirpsim.New(chirpsim.Options{BaseURL: "http://sim.test", Now: func() time.Time { return now }})
	t.Cleanup(sim.Close)
	opts.SMSApp = sim.AddApp("Demo SMS", false)
	opts.WhatsAppApp = sim.AddApp("Demo WhatsApp", false)
	var (
		mu  sync.Mutex
		got []seedRecord
	)
	deliver := func(_ context.Context, appID string, body []byte) error {
		ev, err := chirp.ParseWebhook(body)
		if err != nil {
			t.Errorf("undecodable payload %s: %v", body, err)
			return err
		}
		mu.Lock()
		got = append(got, seedRecord{appID, ev})
		mu.Unlock()
		return nil
	}
	stats, err := chirpsim.SeedHistory(context.Background(), sim, deliver, opts)
	if err != nil {
		t.Fatalf("SeedHistory: %v", err)
	}
	return stats, got, sim
}

// TestSeedHistoryDelivers checks what Aviary's parser sees: every payload
// decodes, every status follows its message, only legacy attachments lack
// an id, and the stats match what was delivered.
func TestSeedHistoryDelivers(t *testing.T) {
	stats, got, _ := seedInto(t, chirpsim.SeedOptions{Conversations: 10, Messages: 120, Media: 40, LegacyMMS: 2})
	if stats.Conversations != 10 || stats.Messages != 120 || stats.Media != 40 || stats.LegacyMedia != 2 {
		t.Errorf("stats = %+v", stats)
	}
	if len(got) != stats.Webhooks || stats.Webhooks != stats.Messages+stats.Redeliveries+stats.StatusEvents {
		t.Errorf("delivered %d webhooks, stats say %+v", len(got), stats)
	}
	seen := map[string]bool{}
	statuses := map[string]int{}
	ids, legacy := 0, 0
	for _, r := range got {
		switch r.ev.Kind {
		case chirp.EventMessage:
			m := r.ev.Message
			if seen[r.app+"/"+m.ID] {
				continue // a redelivery
			}
			seen[r.app+"/"+m.ID] = true
			for _, md := range m.Media {
				if md.MediaID == "" {
					legacy++
				} else {
					ids++
				}
			}
		case chirp.EventStatus:
			statuses[r.ev.Status.Status]++
			if !seen[r.app+"/"+r.ev.Status.MessageID] {
				t.Errorf("status %s for %s arrived before its message", r.ev.Status.Status, r.ev.Status.MessageID)
			}
		default:
			t.Errorf("unexpected event %q", r.ev.Name)
		}
	}
	if len(seen) != stats.Messages || ids != 38 || legacy != 2 {
		t.Errorf("decoded %d messages, %d media with ids and %d without", len(seen), ids, legacy)
	}
	if statuses["delivered"] == 0 || statuses["read"] == 0 {
		t.Errorf("status events: %v", statuses)
	}
}

func TestSeedHistoryIsDeterministic(t *testing.T) {
	opts := chirpsim.SeedOptions{Seed: 7, Conversations: 6, Messages: 60, Media: 20}
	messageIDs := func(recs []seedRecord) []string {
		var out []string
		for _, r := range recs {
			if r.ev.Kind == chirp.EventMessage {
				b, _ := json.Marshal(struct{ Text, From, To, Dir, At any }{r.ev.Message.Text, r.ev.Message.From, r.ev.Message.To, r.ev.Message.Direction, r.ev.Message.SentAt})
				out = append(out, r.ev.Message.ID+" "+string(b))
			}
		}
		slices.Sort(out)
		return out
	}
	s1, a, _ := seedInto(t, opts)
	s2, b, _ := seedInto(t, opts)
	if s1.Messages != s2.Messages || s1.Media != s2.Media || s1.PastRetention != s2.PastRetention {
		t.Errorf("same seed, different stats:\n%+v\n%+v", s1, s2)
	}
	if !slices.Equal(messageIDs(a), messageIDs(b)) {
		t.Errorf("same seed, different messages")
	}
	_, c, _ := seedInto(t, chirpsim.SeedOptions{Seed: 8, Conversations: 6, Messages: 60, Media: 20})
	if slices.Equal(messageIDs(a), messageIDs(c)) {
		t.Errorf("different seeds gave the same messages")
	}
}

func TestSeedHistoryStopsOnFailedDelivery(t *testing.T) {
	sim := chirpsim.New(chirpsim.Options{BaseURL: "http://sim.test"})
	t.Cleanup(sim.Close)
	sms := sim.AddApp("S", false)
	opts := chirpsim.SeedOptions{SMSApp: sms, WhatsAppApp: sim.AddApp("W", false), Conversations: 9, Messages: 90, Media: 9}
	var mu sync.Mutex
	smsCalls := 0
	deliver := func(_ context.Context, appID string, _ []byte) error {
		if appID != sms.ID {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		smsCalls++
		return errors.New("receiver down")
	}
	_, err := chirpsim.SeedHistory(context.Background(), sim, deliver, opts)
	if err == nil || !strings.Contains(err.Error(), "deliver to "+sms.ID+": receiver down") {
		t.Fatalf("err = %v, want the failed delivery", err)
	}
	// Four SMS conversations; each stops at its first failure, if it starts at all.
	if smsCalls > 4 {
		t.Errorf("%d deliveries to the failing app, want at most one per conversation", smsCalls)
	}
}
