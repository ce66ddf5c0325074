package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

const (
	hookAppID  = "app_2Hx9vLq0bWc4TnYz7KpRsDfGhJ1"
	hookKey    = "sk_test_app_4f9a8b7c6d5e4f3a2b1c0d9e"
	hookSecret = "whsec_test_secret_value_0123456789"
)

func postWebhook(e *testEnv, appID, secret string, body []byte) *http.Response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/chirp/"+appID, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Webhook-Secret", secret)
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

func sampleMessage(id string, shape chirpsim.Shape, at time.Time) chirpsim.OutMessage {
	m := chirpsim.OutMessage{ID: id, AppID: hookAppID, AppName: "Support", Direction: "inbound",
		From: "+15551230001", To: "+15559870000", Type: "image", Text: "look at this", At: at,
		Media: []chirpsim.OutMedia{{ID: "med_" + id[4:], URL: "https://media.buildwithchirp.com/org_x/app_y/med_z.jpg?X-Amz-Date=20240115T103000Z&X-Amz-Expires=3600&X-Amz-Signature=deadbeefcafe",
			Kind: "image", MimeType: "image/jpeg", Size: 2048, Caption: "a receipt", Filename: "receipt.jpg"}}}
	if shape == chirpsim.ShapeSMSNew || shape == chirpsim.ShapeSMSOld {
		m.Type = "mms"
	}
	if shape == chirpsim.ShapeSMSOld {
		m.ID = chirpsim.LegacyMessageID(id)
	}
	return m
}

func TestWebhookEveryShapeEndToEnd(t *testing.T) {
	for _, dialect := range []string{"postgres", "sqlite"} {
		t.Run(dialect, func(t *testing.T) {
			var e *testEnv
			if dialect == "sqlite" {
				e = newTestEnv(t, onSQLite)
			} else {
				e = newTestEnv(t)
			}
			e.chirpApp(hookAppID, hookKey, hookSecret)
			at := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
			for i, shape := range chirpsim.Shapes() {
				m := sampleMessage(fmt.Sprintf("msg_shape%d", i), shape, at.Add(time.Duration(i)*time.Minute))
				body := chirpsim.BuildMessagePayload(shape, m)
				for attempt := 0; attempt < 3; attempt++ { // Chirp may deliver the same event again
					resp := postWebhook(e, hookAppID, hookSecret, body)
					if resp.StatusCode != 200 {
						t.Fatalf("%s attempt %d: status %d: %s", shape, attempt, resp.StatusCode, readBody(t, resp))
					}
				}
				if n := e.count(`SELECT count(*) FROM messages WHERE chirp_message_id = ?`, m.ID); n != 1 {
					t.Errorf("%s: %d messages stored for %s, want exactly 1", shape, n, m.ID)
				}
				wantMediaID := 1
				if shape == chirpsim.ShapeSMSOld {
					wantMediaID = 0 // legacy: kept as a reference that can never be fetched
				}
				if n := e.count(`SELECT count(*) FROM media m JOIN messages g ON g.id = m.message_id WHERE g.chirp_message_id = ? AND m.media_id IS NOT NULL`, m.ID); n != wantMediaID {
					t.Errorf("%s: %d media with ids, want %d", shape, n, wantMediaID)
				}
				if n := e.count(`SELECT count(*) FROM media m JOIN messages g ON g.id = m.message_id WHERE g.chirp_message_id = ?`, m.ID); n != 1 {
					t.Errorf("%s: %d media rows, want 1", shape, n)
				}
			}
			// A status event moves an outbound message forward.
			out := sampleMessage("msg_outbound1", chirpsim.ShapeWhatsAppFlat, at)
			out.Direction, out.From, out.To = "outbound", out.To, out.From
			if resp := postWebhook(e, hookAppID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, out)); resp.StatusCode != 200 {
				t.Fatalf("outbound: %d", resp.StatusCode)
			}
			for _, st := range []string{"delivered", "read"} {
				if resp := postWebhook(e, hookAppID, hookSecret, chirpsim.BuildStatusPayload(true, "whatsapp", out.ID, st, at.Add(time.Minute), "")); resp.StatusCode != 200 {
					t.Fatalf("status %s: %d %s", st, resp.StatusCode, readBody(t, resp))
				}
			}
			if n := e.count(`SELECT count(*) FROM messages WHERE chirp_message_id = ? AND status = 'read' AND direction = 'outbound'`, out.ID); n != 1 {
				t.Error("status events did not move the message to read")
			}
			// An event Aviary does not use is acknowledged and ignored.
			if resp := postWebhook(e, hookAppID, hookSecret, []byte(`{"event":"contacts.updated","data":{}}`)); resp.StatusCode != 200 {
				t.Errorf("ignored event: %d", resp.StatusCode)
			}
			if m := readBody(t, e.client().get("/metrics")); !strings.Contains(m, `aviary_webhooks_total{outcome="ignored"} 1`) ||
				!strings.Contains(m, `aviary_webhooks_total{outcome="duplicate"} 8`) {
				t.Errorf("webhook outcomes not counted:\n%s", grepLines(m, "aviary_webhooks_total"))
			}
			assertNoStoredURLs(t, e)
		})
	}
}

// assertNoStoredURLs scans every text column of every table for presigned or media URLs.
func assertNoStoredURLs(t *testing.T, e *testEnv) {
	t.Helper()
	for _, q := range []string{
		`SELECT count(*) FROM messages WHERE text LIKE '%X-Amz-%' OR subject LIKE '%X-Amz-%' OR error_message LIKE '%http%'`,
		`SELECT count(*) FROM media WHERE coalesce(media_id,'') LIKE '%http%' OR filename LIKE '%X-Amz-%' OR caption LIKE '%X-Amz-%' OR mime_type LIKE '%http%' OR last_error LIKE '%http%'`,
		`SELECT count(*) FROM conversations WHERE last_snippet LIKE '%X-Amz-%'`,
		`SELECT count(*) FROM audit_events WHERE details LIKE '%X-Amz-%' OR target LIKE '%X-Amz-%'`,
	} {
		if n := e.count(q); n != 0 {
			t.Errorf("%d rows hold a URL: %s", n, q)
		}
	}
}

func TestWebhookRejectsBadDeliveriesAndStoresNothing(t *testing.T) {
	e := newTestEnv(t)
	e.chirpApp(hookAppID, hookKey, hookSecret)
	good := chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, sampleMessage("msg_bad0", chirpsim.ShapeWhatsAppFlat, time.Now()))
	otherApp := sampleMessage("msg_bad1", chirpsim.ShapeWhatsAppFlat, time.Now())
	otherApp.AppID = "app_3Zz9vLq0bWc4TnYz7KpRsDfGhJ9"
	huge := []byte(`{"event":"messages.sms.received","data":{"message":{"id":"msg_huge","text":"` + strings.Repeat("a", 1<<20) + `"}}}`)
	cases := []struct {
		name   string
		appID  string
		secret string
		body   []byte
		want   int
	}{
		{"unknown app", "app_9Zz9vLq0bWc4TnYz7KpRsDfGhJ0", hookSecret, good, 404},
		{"not an app id", "..%2f..%2fetc", hookSecret, good, 404},
		{"missing secret", hookAppID, "", good, 401},
		{"wrong secret", hookAppID, hookSecret + "x", good, 401},
		{"over 1 MiB", hookAppID, hookSecret, huge, 413},
		{"not JSON", hookAppID, hookSecret, []byte(`{"event":`), 400},
		{"empty body", hookAppID, hookSecret, nil, 400},
		{"wrong types", hookAppID, hookSecret, []byte(`{"event":"messages.sms.received","data":{"message":{"id":42}}}`), 400},
		{"app mismatch", hookAppID, hookSecret, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, otherApp), 400},
	}
	for _, tc := range cases {
		resp := postWebhook(e, tc.appID, tc.secret, tc.body)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, resp.StatusCode, tc.want, readBody(t, resp))
		}
	}
	for _, table := range []string{"messages", "media", "conversations"} {
		if n := e.count(`SELECT count(*) FROM ` + table); n != 0 {
			t.Errorf("%s has %d rows after rejected deliveries", table, n)
		}
	}
}

func TestWebhookConcurrentDeliveriesOverHTTP(t *testing.T) {
	e := newTestEnv(t)
	e.chirpApp(hookAppID, hookKey, hookSecret)
	base := e.listen()
	snd := &chirpsim.Sender{Header: map[string]string{"X-Webhook-Secret": hookSecret}, BaseBackoff: 20 * time.Millisecond, Timeout: 10 * time.Second}
	at := time.Now().Add(-time.Hour)
	var wg sync.WaitGroup
	failed := make(chan string, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			m := sampleMessage(fmt.Sprintf("msg_conc%03d", i), chirpsim.ShapeWhatsAppNested, at.Add(time.Duration(i)*time.Second))
			m.From = fmt.Sprintf("+1555010%04d", i%25)
			res := snd.Deliver(context.Background(), base+"/webhooks/chirp/"+hookAppID, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, m))
			if !res.Delivered {
				failed <- fmt.Sprintf("%s: %v", m.ID, res.Err)
			}
		}(i)
	}
	wg.Wait()
	close(failed)
	for f := range failed {
		t.Error("not delivered:", f)
	}
	if n := e.count(`SELECT count(*) FROM messages`); n != 200 {
		t.Errorf("stored %d messages, want 200", n)
	}
	if n := e.count(`SELECT sum(message_count) FROM conversations`); n != 200 {
		t.Errorf("conversations count %d messages, want 200", n)
	}
}
