package chirp_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aviaryhq/aviary/chirp"
)

func FuzzParseWebhook(f *testing.F) {
	for _, seed := range []string{
		waFlat, waNestedAudio, waNestedDocument, waNestedArray, waText, waStickerSent,
		smsNewMMS, smsNewText, smsNewArrays, smsNewPlural, smsOld,
		statusDelivered, statusRead, statusSent, statusFailed, oldSent, oldDelivered,
		ignoredTemplate, ignoredNumber,
		`{"event":"messages.sms.failed","data":{"messageId":"msg_sms_x","error":{"code":30003,"message":"x"}}}`,
		`{"event":"messages.whatsapp.received","data":{"message":{"id":"m","type":"video","video":[{"id":"med_v","fileSize":"12"}],"media":{"url":"https://x/y.mp4"}}}}`,
		`{"event":"MESSAGE_CREATED","data":{"id":"u","mediaUrls":"https://x/a.png?X-Amz-Signature=1"}}`,
		`{}`, `null`, `"x"`, `{"event":""}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := chirp.ParseWebhook(body)
		if err != nil {
			if !errors.Is(err, chirp.ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			if strings.Contains(err.Error(), "X-Amz") || strings.Contains(err.Error(), "://") {
				t.Fatalf("error quotes a URL: %v", err)
			}
			return
		}
		checkEvent(t, ev)
		again, err := chirp.ParseWebhook(body)
		if err != nil {
			t.Fatalf("second parse failed: %v", err)
		}
		a, _ := json.Marshal(ev)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatalf("parsing is not deterministic:\n%s\n%s", a, b)
		}
	})
}

// checkEvent asserts the invariants every successfully parsed event keeps.
func checkEvent(t *testing.T, ev chirp.Event) {
	t.Helper()
	if ev.Name == "" {
		t.Fatal("event without a name")
	}
	switch ev.Kind {
	case chirp.EventIgnored:
		if ev.Message != nil || ev.Status != nil {
			t.Fatalf("ignored event with a payload: %+v", ev)
		}
	case chirp.EventStatus:
		s := ev.Status
		if s == nil || ev.Message != nil {
			t.Fatalf("status event without a status: %+v", ev)
		}
		checkID(t, "message id", s.MessageID, true)
		checkOneOf(t, "channel", s.Channel, "sms", "whatsapp")
		checkOneOf(t, "status", s.Status, "sent", "delivered", "read", "failed")
	case chirp.EventMessage:
		m := ev.Message
		if m == nil || ev.Status != nil {
			t.Fatalf("message event without a message: %+v", ev)
		}
		checkID(t, "message id", m.ID, true)
		checkOneOf(t, "channel", m.Channel, "sms", "whatsapp")
		checkOneOf(t, "direction", m.Direction, "inbound", "outbound")
		checkOneOf(t, "status", m.Status, "received", "sent", "delivered", "read", "failed")
		if m.Type == "" || m.Type != strings.ToLower(m.Type) {
			t.Fatalf("type %q is empty or not lower-case", m.Type)
		}
		if len(m.Text) > 64<<10 || len(m.Media) > 32 {
			t.Fatalf("limits exceeded: text %d bytes, %d media", len(m.Text), len(m.Media))
		}
		for _, r := range m.Media {
			checkID(t, "media id", r.MediaID, false)
			checkOneOf(t, "media kind", r.Kind, "image", "video", "audio", "document", "sticker")
			if r.FileSize < 0 || strings.Contains(r.MimeType, ";") {
				t.Fatalf("bad media metadata: %+v", r)
			}
		}
	default:
		t.Fatalf("unknown kind %v", ev.Kind)
	}
	checkID(t, "app id", ev.AppID, false)
}

func checkID(t *testing.T, what, id string, required bool) {
	t.Helper()
	if id == "" && !required {
		return
	}
	if id == "" || len(id) > 128 || !utf8.ValidString(id) || strings.ContainsAny(id, ":/?&= \x00") {
		t.Fatalf("%s %q is not a sane id", what, id)
	}
}

func checkOneOf(t *testing.T, what, got string, allowed ...string) {
	t.Helper()
	for _, a := range allowed {
		if got == a {
			return
		}
	}
	t.Fatalf("%s = %q, want one of %v", what, got, allowed)
}
