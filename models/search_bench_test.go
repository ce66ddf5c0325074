package models_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

// BenchmarkSearchLarge measures support lookups on Postgres over a large synthetic
// history (1,000,000 messages; AVIARY_BENCH_MESSAGES overrides). It only runs with
// AVIARY_BENCH_LARGE=1, so plain go test stays fast:
//
//	AVIARY_BENCH_LARGE=1 go test -run '^$' -bench SearchLarge -benchtime 200x ./models
//
// AVIARY_BENCH_DATABASE_URL names an empty, migrated Postgres database to seed and keep
// (for EXPLAIN) instead of a throwaway one. Each case reports the p50 and p95 latency of one page of 25 results.
func BenchmarkSearchLarge(b *testing.B) {
	if os.Getenv("AVIARY_BENCH_LARGE") != "1" {
		b.Skip("set AVIARY_BENCH_LARGE=1 to seed 1,000,000 messages and measure lookups")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("AVIARY_BENCH_MESSAGES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	var s *models.Store
	if u := os.Getenv("AVIARY_BENCH_DATABASE_URL"); u != "" {
		// An empty, migrated database of your own, kept afterwards for EXPLAIN.
		s = modelstest.OpenURL(b, u)
	} else {
		s = modelstest.Open(b, migrations.Postgres)
	}
	started := time.Now()
	seed := modelstest.LargeSeed{Messages: n, Conversations: n / 20, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := modelstest.SeedLarge(ctx, s, seed); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("seeded %d messages in %d conversations in %s\n", n, n/20, time.Since(started).Round(100*time.Millisecond))

	// A contact that exists: conversation i has digits 1555 + lpad((i*7919) % 10^7, 7).
	suffix := fmt.Sprintf("%07d", (1234*7919)%10_000_000)
	contact := "+1 555 " + suffix
	cases := []struct {
		name, q string
		f       models.SearchFilters
		page    int
	}{
		{"phone_full_e164", contact, models.SearchFilters{}, 1},
		{"phone_partial_4_digits", "4567", models.SearchFilters{}, 1},
		{"phone_partial_6_digits", suffix[1:], models.SearchFilters{}, 1},
		{"message_id", "msg_bench777777", models.SearchFilters{}, 1},
		{"media_id", "med_bench777770", models.SearchFilters{}, 1},
		{"text_common_word", "refund", models.SearchFilters{}, 1},
		{"text_two_words", "refund delayed", models.SearchFilters{}, 1},
		{"text_rare_word", "ref12345", models.SearchFilters{}, 1},
		{"text_prefix", "deliv", models.SearchFilters{}, 1},
		{"text_with_filters", "invoice", models.SearchFilters{Channel: models.ChannelSMS, Direction: models.DirectionInbound, HasMedia: true}, 1},
		{"text_common_page_1", "refund", models.SearchFilters{}, 1},
		{"text_common_page_1000", "refund", models.SearchFilters{}, 1000},
		{"filters_only_page_1", "", models.SearchFilters{Channel: models.ChannelWhatsApp}, 1},
		{"filters_only_page_1000", "", models.SearchFilters{Channel: models.ChannelWhatsApp}, 1000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			q, err := models.ParseSearch(c.q, c.f)
			if err != nil {
				b.Fatal(err)
			}
			after := pageCursor(b, s, q, c.page)
			var times []time.Duration
			hits := 0
			for b.Loop() {
				t := time.Now()
				page, err := s.Search(ctx, q, after, 25)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
				hits = len(page.Hits)
			}
			if hits == 0 {
				b.Fatalf("%q page %d found nothing", c.q, c.page)
			}
			b.ReportMetric(percentileMS(times, 50), "p50_ms")
			b.ReportMetric(percentileMS(times, 95), "p95_ms")
		})
	}
}

// pageCursor walks to the cursor that starts page n, the way a user clicking "Older" would.
func pageCursor(b *testing.B, s *models.Store, q models.SearchQuery, n int) *models.Cursor {
	var after *models.Cursor
	for range n - 1 {
		page, err := s.Search(context.Background(), q, after, 25)
		if err != nil {
			b.Fatal(err)
		}
		if page.Next == nil {
			b.Fatalf("%q has fewer than %d pages", q.Raw, n)
		}
		after = page.Next
	}
	return after
}

func percentileMS(ds []time.Duration, p int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return float64(s[max(i, 0)].Microseconds()) / 1000
}
