package models_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

// lookupSet is the shared test data set of the support lookup tests.
type lookupSet struct {
	app1, app2 models.App
	alice      int64 // +1 555 123 4567 on WhatsApp through app1
	aliceSMS   int64 // the same contact on SMS through app2
	bob        int64 // +44 7700 900123 on SMS through app1
}

// t0 is recent, so that media received then has not yet expired.
var t0 = time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10).Add(9 * time.Hour)

const uuidID = "3f2b8c1e-9a7d-4e2f-8b1c-0d9e8f7a6b5c"

// seedLookup stores the data set: a few contacts over two apps and both channels, with
// texts that exercise the tokenizer and media in every state.
func seedLookup(t *testing.T, s *models.Store) lookupSet {
	t.Helper()
	ctx := context.Background()
	ls := lookupSet{app1: testApp(t, s, "p"), app2: testApp(t, s, "q")}
	type m struct {
		app              *models.App
		id, channel, dir string
		contact, text    string
		at               time.Duration
		media            []models.IncomingMedia
		conv             *int64
	}
	img := models.IncomingMedia{MediaID: "med_photo1", Kind: models.KindImage, MimeType: "image/jpeg", SizeBytes: 2048, Caption: "receipt"}
	legacy := models.IncomingMedia{Kind: models.KindDocument, MimeType: "application/pdf", Filename: "old.pdf"}
	msgs := []m{
		{&ls.app1, "msg_a1", models.ChannelWhatsApp, models.DirectionInbound, "+1 (555) 123-4567", "Where is my refund? Order #12345", 0, nil, &ls.alice},
		{&ls.app1, "msg_a2", models.ChannelWhatsApp, models.DirectionOutbound, "15551234567", "Refunded yesterday, thanks for waiting", time.Hour, nil, &ls.alice},
		{&ls.app1, "msg_a3", models.ChannelWhatsApp, models.DirectionInbound, "+15551234567", "Here is the receipt", 2 * time.Hour, []models.IncomingMedia{img}, &ls.alice},
		{&ls.app2, uuidID, models.ChannelSMS, models.DirectionInbound, "555-123-4567", "hello <script>alert(1)</script> world", 24 * time.Hour, nil, &ls.aliceSMS},
		{&ls.app2, "msg_a5", models.ChannelSMS, models.DirectionOutbound, "5551234567", "Café opens at 9, see https://example.com/hours", 25 * time.Hour, []models.IncomingMedia{legacy}, &ls.aliceSMS},
		{&ls.app1, "msg_b1", models.ChannelSMS, models.DirectionInbound, "+44 7700 900123", "jane@example.com asked about the invoice", 48 * time.Hour, nil, &ls.bob},
		{&ls.app1, "msg_b2", models.ChannelSMS, models.DirectionOutbound, "+447700900123", `Invoice sent: "Q1, final" — call 020 7946 0000`, 49 * time.Hour, nil, &ls.bob},
		{&ls.app1, "msg_b3", models.ChannelSMS, models.DirectionInbound, "+447700900123", "=HYPERLINK(\"http://evil\") 🐦 line one\nline two", 72 * time.Hour, nil, &ls.bob},
	}
	for _, x := range msgs {
		in := models.IncomingMessage{ChirpMessageID: x.id, Channel: x.channel, Direction: x.dir, Type: "text",
			Text: x.text, SentAt: t0.Add(x.at), Media: x.media, From: x.contact, To: "+15559876543"}
		if x.dir == models.DirectionOutbound {
			in.From, in.To = in.To, in.From
		}
		res, err := s.SaveMessage(ctx, x.app.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		*x.conv = res.ConversationID
	}
	return ls
}

func chirpIDs(hits []models.MessageHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ChirpMessageID
	}
	return out
}

func search(t *testing.T, s *models.Store, q string, f models.SearchFilters) models.SearchPage {
	t.Helper()
	sq, err := models.ParseSearch(q, f)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	page, err := s.Search(context.Background(), sq, nil, 100)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return page
}

func TestParseSearchUnderstandsTheBox(t *testing.T) {
	cases := []struct {
		in     string
		kind   models.QueryKind
		digits []string
		terms  []string
	}{
		{"", models.QueryAll, nil, nil},
		{"+1 (555) 123-4567", models.QueryPhone, []string{"15551234567"}, nil},
		{"555.123.4567", models.QueryPhone, []string{"5551234567"}, nil},
		{"15551234567", models.QueryPhone, []string{"15551234567"}, nil},
		{"001 555 123 4567", models.QueryPhone, []string{"15551234567"}, nil},
		{"4567", models.QueryPhone, []string{"4567"}, nil},
		{"07700 900123", models.QueryPhone, []string{"7700900123"}, nil},
		{"123", models.QueryText, nil, []string{"123"}},
		{"msg_2Yx", models.QueryMessageID, nil, nil},
		{uuidID, models.QueryMessageID, nil, nil},
		{"med_abc", models.QueryMediaID, nil, nil},
		{"  Refund, ORDER refund!  ", models.QueryText, nil, []string{"refund", "order"}},
		{"jane@example.com", models.QueryText, nil, []string{"jane", "example", "com"}},
	}
	for _, c := range cases {
		q, err := models.ParseSearch(c.in, models.SearchFilters{})
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if q.Kind != c.kind || !slices.Equal(q.Digits, c.digits) || !slices.Equal(q.Terms, c.terms) {
			t.Errorf("%q = %s %v %v, want %s %v %v", c.in, q.Kind, q.Digits, q.Terms, c.kind, c.digits, c.terms)
		}
	}
	for _, bad := range []string{"!!!", strings.Repeat("a", 201)} {
		if _, err := models.ParseSearch(bad, models.SearchFilters{}); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := models.ParseSearch("x", models.SearchFilters{Channel: "fax"}); err == nil {
		t.Error("unknown channel accepted")
	}
	if _, err := models.ParseSearch("x", models.SearchFilters{From: t0, To: t0.AddDate(0, 0, -1)}); err == nil {
		t.Error("reversed date range accepted")
	}
}

func TestSearchFindsAContactInEveryPhoneFormat(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ls := seedLookup(t, s)
		want := []string{"msg_a5", uuidID, "msg_a3", "msg_a2", "msg_a1"}
		for _, q := range []string{"+1 (555) 123-4567", "555.123.4567", "15551234567", "001 555 123 4567", "4567", "+15551234567", "1234 567"} {
			page := search(t, s, q, models.SearchFilters{})
			if got := chirpIDs(page.Hits); !slices.Equal(got, want) {
				t.Errorf("%q found %v, want %v", q, got, want)
			}
			var convs []int64
			for _, c := range page.Contacts {
				convs = append(convs, c.ConversationID)
			}
			slices.Sort(convs)
			if wantConvs := []int64{ls.alice, ls.aliceSMS}; !slices.Equal(convs, wantConvs) {
				t.Errorf("%q matched conversations %v, want %v", q, convs, wantConvs)
			}
		}
		if got := chirpIDs(search(t, s, "+44 7700 900123", models.SearchFilters{}).Hits); !slices.Equal(got, []string{"msg_b3", "msg_b2", "msg_b1"}) {
			t.Errorf("UK number found %v", got)
		}
		if got := search(t, s, "+1 555 000 0000", models.SearchFilters{}); len(got.Hits) != 0 || len(got.Contacts) != 0 {
			t.Errorf("unknown number found %v", chirpIDs(got.Hits))
		}
	})
}

func TestSearchFindsMessagesAndMediaByID(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		seedLookup(t, s)
		cases := map[string][]string{
			"msg_a2":                {"msg_a2"},
			uuidID:                  {uuidID},
			strings.ToUpper(uuidID): {uuidID},
			"med_photo1":            {"msg_a3"},
			"msg_nope":              nil,
			"med_nope":              nil,
			"  msg_b1  ":            {"msg_b1"},
		}
		for q, want := range cases {
			if got := chirpIDs(search(t, s, q, models.SearchFilters{}).Hits); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Errorf("%q found %v, want %v", q, got, want)
			}
		}
		hit := search(t, s, "med_photo1", models.SearchFilters{}).Hits[0]
		if len(hit.Media) != 1 || hit.Media[0].MediaID != "med_photo1" || hit.Media[0].State != models.MediaAvailable || hit.Media[0].ExpiresAt == nil {
			t.Errorf("media refs = %+v", hit.Media)
		}
	})
}

func TestSearchMatchesWordsAsPrefixes(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		seedLookup(t, s)
		cases := map[string][]string{
			"refund":            {"msg_a2", "msg_a1"},
			"REFUND order":      {"msg_a1"},
			"refunded":          {"msg_a2"},
			"invoice":           {"msg_b2", "msg_b1"},
			"example":           {"msg_b1", "msg_a5"},
			"jane@example.com":  {"msg_b1"},
			"script":            {uuidID},
			"café":              {"msg_a5"},
			"cafe":              nil,
			"q1 final":          {"msg_b2"},
			"hyperlink evil":    {"msg_b3"},
			"line two":          {"msg_b3"},
			"order 12345":       {"msg_a1"},
			"nothing-like-this": nil,
		}
		for q, want := range cases {
			if got := chirpIDs(search(t, s, q, models.SearchFilters{}).Hits); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Errorf("%q found %v, want %v", q, got, want)
			}
		}
	})
}

func TestSearchFilters(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ls := seedLookup(t, s)
		day := func(d int) time.Time { return t0.AddDate(0, 0, d) }
		cases := []struct {
			name string
			q    string
			f    models.SearchFilters
			want []string
		}{
			{"app", "", models.SearchFilters{AppID: ls.app2.AppID}, []string{"msg_a5", uuidID}},
			{"channel", "4567", models.SearchFilters{Channel: models.ChannelWhatsApp}, []string{"msg_a3", "msg_a2", "msg_a1"}},
			{"direction", "", models.SearchFilters{Direction: models.DirectionOutbound}, []string{"msg_b2", "msg_a5", "msg_a2"}},
			{"has media", "", models.SearchFilters{HasMedia: true}, []string{"msg_a5", "msg_a3"}},
			{"from", "", models.SearchFilters{From: day(2)}, []string{"msg_b3", "msg_b2", "msg_b1"}},
			{"to", "", models.SearchFilters{To: day(0)}, []string{"msg_a3", "msg_a2", "msg_a1"}},
			{"one day", "", models.SearchFilters{From: day(1), To: day(1)}, []string{"msg_a5", uuidID}},
			{"text and app", "example", models.SearchFilters{AppID: ls.app1.AppID}, []string{"msg_b1"}},
			{"all together", "", models.SearchFilters{AppID: ls.app1.AppID, Channel: models.ChannelSMS, Direction: models.DirectionInbound, From: day(2), To: day(3)}, []string{"msg_b3", "msg_b1"}},
		}
		for _, c := range cases {
			if got := chirpIDs(search(t, s, c.q, c.f).Hits); !slices.Equal(got, c.want) {
				t.Errorf("%s: found %v, want %v", c.name, got, c.want)
			}
		}
	})
}

// TestKeysetPaginationVisitsEveryMessageOnce pages through results that share timestamps.
func TestKeysetPaginationVisitsEveryMessageOnce(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "k")
		const n = 53
		for i := range n {
			at := t0.Add(time.Duration(i/20) * time.Minute) // groups of 20 share a timestamp
			in := inbound(fmt.Sprintf("msg_k%02d", i), at)
			in.Text = "same words every time"
			if _, err := s.SaveMessage(ctx, app.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"same", "", "4567"} {
			sq, _ := models.ParseSearch(q, models.SearchFilters{})
			seen := map[string]int{}
			var order []models.MessageHit
			var after *models.Cursor
			for pages := 0; ; pages++ {
				if pages > n {
					t.Fatal("pagination does not end")
				}
				page, err := s.Search(ctx, sq, after, 7)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range page.Hits {
					seen[h.ChirpMessageID]++
				}
				order = append(order, page.Hits...)
				if page.Next == nil {
					break
				}
				// The cursor goes through a URL.
				if after, err = models.ParseOptionalCursor(page.Next.String()); err != nil {
					t.Fatal(err)
				}
			}
			if len(seen) != n || len(order) != n {
				t.Errorf("%q: %d distinct of %d listed, want %d", q, len(seen), len(order), n)
			}
			for i := 1; i < len(order); i++ {
				a, b := order[i-1], order[i]
				if a.SentAt.Before(b.SentAt) || (a.SentAt.Equal(b.SentAt) && a.ID < b.ID) {
					t.Errorf("%q: out of order at %d", q, i)
				}
			}
		}
	})
}

func TestParseCursorRejectsJunk(t *testing.T) {
	for _, s := range []string{"x", "1.", ".1", "12.0", "a.b", "1-2"} {
		if _, err := models.ParseCursor(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	c := models.Cursor{At: t0.Add(123 * time.Microsecond), ID: 42}
	if back, err := models.ParseCursor(c.String()); err != nil || !back.At.Equal(c.At) || back.ID != 42 {
		t.Errorf("round trip %v → %v %v", c, back, err)
	}
}

func TestContactTimelineSpansAppsAndChannels(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ls := seedLookup(t, s)
		ctx := context.Background()
		var got []string
		var after *models.Cursor
		for {
			tl, err := s.ContactTimeline(ctx, "(555) 123-4567", after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if tl.E164 != "+15551234567" || len(tl.Conversations) != 2 {
				t.Fatalf("timeline header %q %+v", tl.E164, tl.Conversations)
			}
			got = append(got, chirpIDs(tl.Hits)...)
			if after = tl.Next; after == nil {
				break
			}
		}
		if want := []string{"msg_a5", uuidID, "msg_a3", "msg_a2", "msg_a1"}; !slices.Equal(got, want) {
			t.Errorf("timeline %v, want %v", got, want)
		}
		tl, err := s.ContactTimeline(ctx, "4567", nil, 10) // a partial number is no contact
		if err != nil || len(tl.Hits) != 0 {
			t.Errorf("partial number timeline: %v %v", chirpIDs(tl.Hits), err)
		}
		if _, err := s.ContactTimeline(ctx, "not a number", nil, 10); err == nil {
			t.Error("junk number accepted")
		}
		_ = ls
	})
}

func TestExportsReadEverythingInBatches(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "e")
		const n = 1234
		db, _ := s.SQLDB()
		var convID int64
		for i := range n {
			res, err := s.SaveMessage(ctx, app.ID, inbound(fmt.Sprintf("msg_e%04d", i), t0.Add(time.Duration(i%600)*time.Second)))
			if err != nil {
				t.Fatal(err)
			}
			convID = res.ConversationID
		}
		_ = db
		readAll := func(b *models.MessageBatches) []models.MessageHit {
			var all []models.MessageHit
			for {
				batch, err := b.Next(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(batch) == 0 {
					return all
				}
				if len(batch) > 500 {
					t.Fatalf("batch of %d", len(batch))
				}
				all = append(all, batch...)
			}
		}
		conv := readAll(s.ExportConversation(convID))
		contact, err := s.ExportContact(ctx, "15551234567")
		if err != nil {
			t.Fatal(err)
		}
		q, _ := models.ParseSearch("hello", models.SearchFilters{})
		found, err := s.ExportSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for name, hits := range map[string][]models.MessageHit{"conversation": conv, "contact": readAll(contact), "search": readAll(found)} {
			seen := map[int64]bool{}
			for _, h := range hits {
				seen[h.ID] = true
			}
			if len(hits) != n || len(seen) != n {
				t.Errorf("%s export: %d rows, %d distinct, want %d", name, len(hits), len(seen), n)
			}
		}
		for i := 1; i < len(conv); i++ {
			if conv[i].SentAt.Before(conv[i-1].SentAt) {
				t.Fatalf("conversation export not oldest first at %d", i)
			}
		}
	})
}

// TestDialectsReturnTheSameResults runs the same lookups on Postgres and SQLite.
func TestDialectsReturnTheSameResults(t *testing.T) {
	stores := map[migrations.Dialect]*models.Store{
		migrations.Postgres: modelstest.Open(t, migrations.Postgres),
		migrations.SQLite:   modelstest.Open(t, migrations.SQLite),
	}
	for _, s := range stores {
		seedLookup(t, s)
	}
	queries := []string{"", "4567", "7700", "+44 7700 900123", "refund", "refund order", "example", "jane@example.com",
		"invoice", "script", "café", "hello world", "line", "q1", "msg_a2", uuidID, "med_photo1", "the", "i", "9", "0000", "020"}
	for _, q := range queries {
		var got [2][]string
		for i, d := range []migrations.Dialect{migrations.Postgres, migrations.SQLite} {
			got[i] = chirpIDs(search(t, stores[d], q, models.SearchFilters{}).Hits)
		}
		if !slices.Equal(got[0], got[1]) {
			t.Errorf("%q: postgres %v, sqlite %v", q, got[0], got[1])
		}
	}
}

// TestPostgresSearchUsesItsIndexes guards the index expressions against drifting away
// from the queries (Postgres silently falls back to a scan when they differ).
func TestPostgresSearchUsesItsIndexes(t *testing.T) {
	s := modelstest.Open(t, migrations.Postgres)
	db, _ := s.SQLDB()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	for q, index := range map[string]string{
		models.PGTextDocumentForTest + ` @@ to_tsquery('simple', 'refund:*')`: "messages_text_search",
		`c.contact_digits LIKE '%4567%'`:                                      "conversations_contact_digits_trgm",
	} {
		from := "messages m"
		if strings.HasPrefix(q, "c.") {
			from = "conversations c"
		}
		rows, err := conn.QueryContext(ctx, "EXPLAIN SELECT 1 FROM "+from+" WHERE "+q)
		if err != nil {
			t.Fatal(err)
		}
		var plan strings.Builder
		for rows.Next() {
			var line string
			_ = rows.Scan(&line)
			plan.WriteString(line + "\n")
		}
		rows.Close()
		if !strings.Contains(plan.String(), index) {
			t.Errorf("plan for %s does not use %s:\n%s", q, index, plan.String())
		}
	}
}

func TestHighlightMarksWholeWordsAndCutsAroundTheFirst(t *testing.T) {
	frags := models.Highlight("Where is my REFUND? refunded <b>", []string{"refund"}, 0)
	want := []models.Fragment{{Text: "Where is my "}, {Text: "REFUND", Match: true}, {Text: "? "}, {Text: "refunded", Match: true}, {Text: " <b>"}}
	if !slices.Equal(frags, want) {
		t.Errorf("fragments %+v", frags)
	}
	long := strings.Repeat("lorem ipsum ", 40) + "needle " + strings.Repeat("dolor sit ", 40)
	frags = models.Highlight(long, []string{"needle"}, 80)
	var text strings.Builder
	marked := 0
	for _, f := range frags {
		text.WriteString(f.Text)
		if f.Match {
			marked++
		}
	}
	if marked != 1 || !strings.HasPrefix(text.String(), "…") || !strings.HasSuffix(text.String(), "…") || len([]rune(text.String())) > 82 {
		t.Errorf("snippet %q (%d marked)", text.String(), marked)
	}
	d := models.HighlightDigits("+1 555-123-4567", []string{"1234"})
	if wantD := []models.Fragment{{Text: "+1 555-"}, {Text: "123-4", Match: true}, {Text: "567"}}; !slices.Equal(d, wantD) {
		t.Errorf("digits %+v", d)
	}
}
