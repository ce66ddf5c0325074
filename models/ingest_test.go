package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

// testApp registers an app for ingest tests.
func testApp(t *testing.T, s *models.Store, suffix string) models.App {
	t.Helper()
	a, _, err := s.CreateApp(context.Background(), models.NewApp{
		AppID: "app_test" + suffix + "abcdefghijklmnopqrstu", Name: "App " + suffix, Key: "sk_test_app_0123456789abcdef" + suffix})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func inbound(id string, at time.Time, media ...models.IncomingMedia) models.IncomingMessage {
	return models.IncomingMessage{ChirpMessageID: id, Channel: models.ChannelWhatsApp, Direction: models.DirectionInbound,
		Type: "text", From: "15551234567", To: "+1 (555) 987-6543", Text: "hello " + id, SentAt: at, Media: media}
}

func TestSaveMessageIsIdempotentAndCounts(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "a")
		t0 := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		img := models.IncomingMedia{MediaID: "med_1", Kind: models.KindImage, MimeType: "image/jpeg", SizeBytes: 1234, Caption: "a cat"}
		first, err := s.SaveMessage(ctx, app.ID, inbound("msg_1", t0, img))
		if err != nil {
			t.Fatal(err)
		}
		if !first.Created {
			t.Fatal("first save not created")
		}
		for i := 0; i < 2; i++ {
			again, err := s.SaveMessage(ctx, app.ID, inbound("msg_1", t0, img))
			if err != nil || again.Created || again.MessageID != first.MessageID {
				t.Fatalf("redelivery: %+v %v", again, err)
			}
		}
		if _, err := s.SaveMessage(ctx, app.ID, inbound("msg_2", t0.Add(-time.Hour))); err != nil {
			t.Fatal(err)
		}
		var conv models.Conversation
		db, _ := s.SQLDB()
		row := db.QueryRow(`SELECT contact_number, contact_digits, business_number, message_count, media_count, last_snippet FROM conversations`)
		if err := row.Scan(&conv.ContactNumber, &conv.ContactDigits, &conv.BusinessNumber, &conv.MessageCount, &conv.MediaCount, &conv.LastSnippet); err != nil {
			t.Fatal(err)
		}
		want := models.Conversation{ContactNumber: "+15551234567", ContactDigits: "15551234567", BusinessNumber: "+15559876543",
			MessageCount: 2, MediaCount: 1, LastSnippet: "hello msg_1"}
		if conv != want {
			t.Errorf("conversation = %+v\nwant %+v", conv, want)
		}
		var n int
		_ = db.QueryRow(`SELECT count(*) FROM media WHERE media_id = 'med_1'`).Scan(&n)
		if n != 1 {
			t.Errorf("media rows = %d, want 1", n)
		}
	})
}

func TestSaveMessageRejectsBadInputAndStoresNothing(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "b")
		good := inbound("msg_ok", time.Now())
		bad := []func(m *models.IncomingMessage){
			func(m *models.IncomingMessage) { m.ChirpMessageID = "" },
			func(m *models.IncomingMessage) { m.Channel = "fax" },
			func(m *models.IncomingMessage) { m.Direction = "sideways" },
			func(m *models.IncomingMessage) { m.From = "not a number" },
			func(m *models.IncomingMessage) { m.Status = "exploded" },
			func(m *models.IncomingMessage) {
				m.Media = []models.IncomingMedia{{MediaID: "med_x", Kind: models.KindImage}, {MediaID: "med_y", Kind: "hologram"}}
			},
		}
		for i, mutate := range bad {
			m := good
			m.ChirpMessageID = fmt.Sprintf("msg_bad_%d", i)
			mutate(&m)
			if _, err := s.SaveMessage(ctx, app.ID, m); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("case %d: err = %v, want ErrInvalid", i, err)
			}
		}
		db, _ := s.SQLDB()
		for _, table := range []string{"conversations", "messages", "media"} {
			var n int
			_ = db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n)
			if n != 0 {
				t.Errorf("%s has %d rows after rejected input", table, n)
			}
		}
	})
}

func TestConcurrentDeliveries(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "c")
		t0 := time.Now().Add(-time.Hour)
		var wg sync.WaitGroup
		errs := make(chan error, 300)
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func(i int) { // 100 distinct messages over 10 contacts
				defer wg.Done()
				m := inbound(fmt.Sprintf("msg_c%d", i), t0.Add(time.Duration(i)*time.Second))
				m.From = fmt.Sprintf("+1555000%04d", i%10)
				if _, err := s.SaveMessage(ctx, app.ID, m); err != nil {
					errs <- err
				}
			}(i)
		}
		for i := 0; i < 20; i++ { // the same message delivered 20 times at once
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.SaveMessage(ctx, app.ID, inbound("msg_dup", t0)); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		db, _ := s.SQLDB()
		var msgs, convs, counted int
		_ = db.QueryRow(`SELECT count(*) FROM messages`).Scan(&msgs)
		_ = db.QueryRow(`SELECT count(*), sum(message_count) FROM conversations`).Scan(&convs, &counted)
		if msgs != 101 || convs != 11 || counted != 101 {
			t.Errorf("messages %d conversations %d counted %d; want 101, 11, 101", msgs, convs, counted)
		}
	})
}

func TestStatusNeverMovesBackwards(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "d")
		t0 := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		out := inbound("msg_out", t0)
		out.Direction = models.DirectionOutbound
		out.From, out.To = out.To, out.From
		if _, err := s.SaveMessage(ctx, app.ID, out); err != nil {
			t.Fatal(err)
		}
		steps := []struct{ status, want string }{
			{models.StatusRead, models.StatusRead},
			{models.StatusDelivered, models.StatusRead}, // late delivered: timestamp kept, status stays
			{models.StatusSent, models.StatusRead},
			{models.StatusFailed, models.StatusFailed},
			{models.StatusRead, models.StatusFailed},
		}
		db, _ := s.SQLDB()
		for i, st := range steps {
			err := s.ApplyStatus(ctx, app.ID, models.StatusChange{ChirpMessageID: "msg_out", Status: st.status, At: t0.Add(time.Duration(i+1) * time.Minute), ErrorMessage: "carrier rejected"})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			_ = db.QueryRow(`SELECT status FROM messages WHERE chirp_message_id = 'msg_out'`).Scan(&got)
			if got != st.want {
				t.Errorf("after %s: status %s, want %s", st.status, got, st.want)
			}
		}
		var delivered, read *time.Time
		var errMsg string
		_ = db.QueryRow(`SELECT delivered_at, read_at, error_message FROM messages WHERE chirp_message_id = 'msg_out'`).Scan(&delivered, &read, &errMsg)
		if delivered == nil || read == nil || errMsg != "carrier rejected" {
			t.Errorf("timestamps delivered %v read %v error %q", delivered, read, errMsg)
		}
		if err := s.ApplyStatus(ctx, app.ID, models.StatusChange{ChirpMessageID: "msg_unknown", Status: models.StatusRead}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown message: %v", err)
		}
	})
}

func TestMediaExpiryIsPredictedFromRetention(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "e")
		t0 := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		img := models.IncomingMedia{MediaID: "med_e", Kind: models.KindImage}
		if _, err := s.SaveMessage(ctx, app.ID, inbound("msg_e", t0, img)); err != nil {
			t.Fatal(err)
		}
		db, _ := s.SQLDB()
		var exp time.Time
		var fromChirp bool
		if err := db.QueryRow(`SELECT expires_at, expiry_from_chirp FROM media`).Scan(&exp, &fromChirp); err != nil {
			t.Fatal(err)
		}
		if want := t0.AddDate(0, 0, 90); !exp.Equal(want) || fromChirp {
			t.Errorf("expires_at %v (from chirp %v), want %v predicted", exp, fromChirp, want)
		}
	})
}

func TestMediaStateRecording(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "f")
		t0 := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		m := inbound("msg_f", t0, models.IncomingMedia{MediaID: "med_f1", Kind: models.KindImage}, models.IncomingMedia{MediaID: "med_f2", Kind: models.KindVideo})
		if _, err := s.SaveMessage(ctx, app.ID, m); err != nil {
			t.Fatal(err)
		}
		chirpExp := t0.AddDate(0, 0, 30)
		if err := s.RecordMediaAnswer(ctx, app.ID, "med_f1", chirpExp); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordMediaError(ctx, app.ID, "med_f2", "chirp: temporarily unavailable (503)"); err != nil {
			t.Fatal(err)
		}
		db, _ := s.SQLDB()
		var exp time.Time
		var fromChirp bool
		_ = db.QueryRow(`SELECT expires_at, expiry_from_chirp FROM media WHERE media_id = 'med_f1'`).Scan(&exp, &fromChirp)
		if !exp.Equal(chirpExp) || !fromChirp {
			t.Errorf("med_f1 expiry %v from chirp %v", exp, fromChirp)
		}
		var gone *time.Time
		var lastErr string
		_ = db.QueryRow(`SELECT gone_at, last_error FROM media WHERE media_id = 'med_f2'`).Scan(&gone, &lastErr)
		if gone != nil || lastErr == "" {
			t.Errorf("a transient error marked gone (%v) or was not kept (%q)", gone, lastErr)
		}
		if err := s.MarkMediaGone(ctx, app.ID, "med_f2"); err != nil {
			t.Fatal(err)
		}
		_ = db.QueryRow(`SELECT gone_at FROM media WHERE media_id = 'med_f2'`).Scan(&gone)
		if gone == nil {
			t.Error("404 not recorded as gone")
		}
	})
}

func TestSaveMessageCleansTextTheDatabaseWouldRefuse(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := testApp(t, s, "g")
		m := inbound("msg_nul", time.Now(), models.IncomingMedia{MediaID: "med_nul", Kind: models.KindImage, Caption: "cap\x00tion", Filename: "a\xffb.jpg"})
		m.Text = "hel\x00lo \xff"
		if _, err := s.SaveMessage(ctx, app.ID, m); err != nil {
			t.Fatalf("text with NUL and invalid UTF-8 refused: %v", err)
		}
		db, _ := s.SQLDB()
		var text, caption, filename string
		_ = db.QueryRow(`SELECT text FROM messages`).Scan(&text)
		_ = db.QueryRow(`SELECT caption, filename FROM media`).Scan(&caption, &filename)
		if text != "hello \uFFFD" || caption != "caption" || filename != "a\uFFFDb.jpg" {
			t.Errorf("stored %q, %q, %q", text, caption, filename)
		}
	})
}
