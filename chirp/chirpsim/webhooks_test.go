package chirpsim_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

var at = time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)

func url(id, ext string) string {
	return "https://media.chirpsim.test/files/org_1/app_1/" + id + "." + ext +
		"?X-Amz-Date=20240115T103000Z&X-Amz-Expires=3600&X-Amz-Signature=0123456789abcdef"
}

func sampleMessages(shape chirpsim.Shape) []chirpsim.OutMessage {
	id := func(s string) string {
		if shape == chirpsim.ShapeSMSOld {
			return chirpsim.LegacyMessageID(s)
		}
		return "msg_" + s
	}
	base := chirpsim.OutMessage{AppID: "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", AppName: "Support",
		From: "+15551234567", To: "+15559876543", At: at}
	text := base
	text.ID, text.Direction, text.Text = id("text"), "inbound", "Hello there"
	one := base
	one.ID, one.Direction, one.Text, one.Subject = id("one"), "inbound", "look", "Photo"
	one.Media = []chirpsim.OutMedia{{ID: "med_one", URL: url("med_one", "jpg"), Kind: "image",
		MimeType: "image/jpeg", Size: 245678, Caption: "the view", SHA256: "abc123"}}
	voice := base
	voice.ID, voice.Direction = id("voice"), "inbound"
	voice.Media = []chirpsim.OutMedia{{ID: "med_voice", URL: url("med_voice", "wav"), Kind: "audio",
		MimeType: "audio/wav", Size: 64044, VoiceNote: true}}
	several := base
	several.ID, several.Direction, several.Type = id("several"), "inbound", "image"
	several.Media = []chirpsim.OutMedia{
		{ID: "med_s1", URL: url("med_s1", "jpg"), Kind: "image", MimeType: "image/jpeg"},
		{ID: "med_s2", URL: url("med_s2", "png"), Kind: "image", MimeType: "image/png"},
	}
	out := base
	out.ID, out.Direction, out.From, out.To = id("out"), "outbound", base.To, base.From
	out.Media = []chirpsim.OutMedia{{ID: "med_out", URL: url("med_out", "pdf"), Kind: "document",
		MimeType: "application/pdf", Filename: "invoice.pdf"}}
	return []chirpsim.OutMessage{text, one, voice, several, out}
}

func TestBuildMessagePayloadRoundTrip(t *testing.T) {
	for _, shape := range chirpsim.Shapes() {
		for _, m := range sampleMessages(shape) {
			t.Run(shape.String()+"/"+m.ID, func(t *testing.T) {
				body := chirpsim.BuildMessagePayload(shape, m)
				ev, err := chirp.ParseWebhook(body)
				if err != nil {
					t.Fatalf("ParseWebhook: %v\n%s", err, body)
				}
				if ev.Kind != chirp.EventMessage {
					t.Fatalf("kind = %v, want message\n%s", ev.Kind, body)
				}
				got := ev.Message
				wantChannel, wantApp := "whatsapp", m.AppID
				if shape == chirpsim.ShapeSMSNew || shape == chirpsim.ShapeSMSOld {
					wantChannel = "sms"
				}
				if shape == chirpsim.ShapeSMSOld {
					wantApp = ""
				}
				if got.ID != m.ID || got.Channel != wantChannel || got.Direction != m.Direction ||
					got.From != m.From || got.To != m.To || got.Text != m.Text || !got.SentAt.Equal(m.At) || ev.AppID != wantApp {
					t.Errorf("parsed %+v (app %q) from\n%s", *got, ev.AppID, body)
				}
				if wantChannel == "sms" && got.Subject != m.Subject {
					t.Errorf("subject = %q, want %q", got.Subject, m.Subject)
				}
				if len(got.Media) != len(m.Media) {
					t.Fatalf("parsed %d media, want %d\n%s", len(got.Media), len(m.Media), body)
				}
				for i, md := range m.Media {
					wantID := md.ID
					if shape == chirpsim.ShapeSMSOld {
						wantID = "" // old payloads carry no media id
					}
					if got.Media[i].MediaID != wantID || got.Media[i].Kind != md.Kind {
						t.Errorf("media %d = %+v, want id %q kind %q", i, got.Media[i], wantID, md.Kind)
					}
				}
				if shape == chirpsim.ShapeWhatsAppNested && len(m.Media) == 1 {
					want := chirp.MediaRef{MediaID: m.Media[0].ID, Kind: m.Media[0].Kind, MimeType: m.Media[0].MimeType,
						FileSize: m.Media[0].Size, Filename: m.Media[0].Filename, Caption: m.Media[0].Caption,
						SHA256: m.Media[0].SHA256, IsVoiceNote: m.Media[0].VoiceNote}
					if !reflect.DeepEqual(got.Media[0], want) {
						t.Errorf("nested media = %+v, want all metadata %+v", got.Media[0], want)
					}
				}
				b, _ := json.Marshal(ev)
				if strings.Contains(string(b), "X-Amz-") || strings.Contains(string(b), "http") {
					t.Errorf("parsed event keeps a URL: %s", b)
				}
			})
		}
	}
}

// decode turns a payload into generic JSON for checking its exact shape.
func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("payload is not JSON: %v", err)
	}
	return v
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestBuildMessagePayloadShapes(t *testing.T) {
	msgs := sampleMessages(chirpsim.ShapeWhatsAppFlat)
	one, several, text := msgs[1], msgs[3], msgs[0]

	t.Run("whatsapp flat", func(t *testing.T) {
		p := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, one))
		msg := dig(p, "data", "message")
		if dig(p, "event") != "messages.whatsapp.received" || dig(p, "timestamp") != "2024-01-15T10:30:00.000Z" {
			t.Errorf("envelope = %v", p)
		}
		if dig(msg, "mediaUrl") != one.Media[0].URL || dig(msg, "mediaId") != "med_one" ||
			dig(msg, "receivedAt") != "2024-01-15T10:30:00.000Z" || dig(msg, "type") != "image" {
			t.Errorf("message = %v", msg)
		}
		if ks := keys(dig(p, "data", "app")); !reflect.DeepEqual(ks, []string{"id"}) {
			t.Errorf("app keys = %v, want only id", ks)
		}
		tp := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, text))
		if m := dig(tp, "data", "message").(map[string]any); m["mediaUrl"] != nil || m["mediaId"] != nil || m["type"] != "text" {
			t.Errorf("text message = %v, want null media and type text", m)
		}
	})
	t.Run("whatsapp nested", func(t *testing.T) {
		voice := sampleMessages(chirpsim.ShapeWhatsAppNested)[2]
		p := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, voice))
		msg := dig(p, "data", "message")
		audio := dig(msg, "audio")
		if dig(msg, "type") != "audio" || dig(audio, "id") != "med_voice" || dig(audio, "isVoiceNote") != true ||
			dig(audio, "mimeType") != "audio/wav" || dig(audio, "fileSize") != 64044.0 || dig(audio, "url") == nil {
			t.Errorf("nested audio message = %v", msg)
		}
		if dig(msg, "occurredAt") == nil || dig(msg, "source") == nil || dig(msg, "isHistoricalImport") != false ||
			dig(msg, "conversationWindow") == nil {
			t.Errorf("nested message lacks the extra fields: %v", msg)
		}
		ps := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppNested, several))
		if media, ok := dig(ps, "data", "message", "media").([]any); !ok || len(media) != 2 {
			t.Errorf("several attachments = %v, want media: [2 objects]", dig(ps, "data", "message"))
		}
	})
	t.Run("sms new", func(t *testing.T) {
		p := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeSMSNew, one))
		msg := dig(p, "data", "message")
		if dig(p, "event") != "messages.sms.received" || dig(msg, "type") != "mms" || dig(msg, "mediaId") != "med_one" ||
			dig(msg, "subject") != "Photo" || dig(p, "data", "app", "name") != "Support" {
			t.Errorf("mms = %v", p)
		}
		ps := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeSMSNew, several))
		if ids, ok := dig(ps, "data", "message", "mediaId").([]any); !ok || len(ids) != 2 {
			t.Errorf("several attachments = %v, want mediaId as an array", dig(ps, "data", "message"))
		}
		pt := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeSMSNew, text))
		if m := dig(pt, "data", "message").(map[string]any); m["type"] != "sms" || m["mediaUrl"] != nil || m["mediaId"] != nil {
			t.Errorf("sms = %v, want type sms with null media", m)
		}
		out := sampleMessages(chirpsim.ShapeSMSNew)[4]
		if p := decode(t, chirpsim.BuildMessagePayload(chirpsim.ShapeSMSNew, out)); dig(p, "event") != "messages.sms.sent" {
			t.Errorf("outbound event = %v, want messages.sms.sent", dig(p, "event"))
		}
	})
	t.Run("sms old", func(t *testing.T) {
		old := sampleMessages(chirpsim.ShapeSMSOld)[3]
		body := chirpsim.BuildMessagePayload(chirpsim.ShapeSMSOld, old)
		p := decode(t, body)
		data := dig(p, "data")
		if dig(p, "event") != "MESSAGE_CREATED" || dig(p, "timestamp") != nil || dig(data, "app") != nil {
			t.Errorf("envelope = %v", p)
		}
		if dig(data, "type") != "MMS" {
			t.Errorf("type = %v, want MMS", dig(data, "type"))
		}
		if dig(data, "direction") != "INBOUND" || dig(data, "status") != "RECEIVED" || dig(data, "createdAt") != "2024-01-15T10:30:00.000Z" {
			t.Errorf("old message = %v", data)
		}
		if urls, ok := dig(data, "mediaUrls").([]any); !ok || len(urls) != 2 {
			t.Errorf("mediaUrls = %v, want 2", dig(data, "mediaUrls"))
		}
		if strings.Contains(string(body), `"mediaId`) {
			t.Errorf("old payload carries a media id field: %s", body)
		}
		uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
		if id, _ := dig(data, "id").(string); !uuid.MatchString(id) {
			t.Errorf("id = %q, want a UUID", id)
		}
	})
}

func TestLegacyMessageID(t *testing.T) {
	if a, b := chirpsim.LegacyMessageID("x"), chirpsim.LegacyMessageID("x"); a != b {
		t.Errorf("not deterministic: %s != %s", a, b)
	}
	if chirpsim.LegacyMessageID("x") == chirpsim.LegacyMessageID("y") {
		t.Error("different names give the same id")
	}
}

func TestBuildStatusPayloadRoundTrip(t *testing.T) {
	for _, newStyle := range []bool{true, false} {
		for _, status := range []string{"sent", "delivered", "read", "failed"} {
			channel := "whatsapp"
			id := "msg_wa_status1"
			if !newStyle {
				channel, id = "sms", chirpsim.LegacyMessageID("status1")
			}
			errMsg := ""
			if status == "failed" {
				errMsg = "Recipient unreachable"
			}
			body := chirpsim.BuildStatusPayload(newStyle, channel, id, status, at, errMsg)
			ev, err := chirp.ParseWebhook(body)
			if err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if ev.Kind != chirp.EventStatus {
				t.Fatalf("%s: kind %v, want status", body, ev.Kind)
			}
			s := ev.Status
			if s.MessageID != id || s.Channel != channel || s.Status != status || !s.At.Equal(at) {
				t.Errorf("%s: parsed %+v", body, *s)
			}
			if (errMsg == "") != (s.ErrorMessage == "") || !strings.Contains(s.ErrorMessage, errMsg) {
				t.Errorf("%s: error message %q, want it to contain %q", body, s.ErrorMessage, errMsg)
			}
		}
	}
	p := decode(t, chirpsim.BuildStatusPayload(true, "sms", "msg_1", "failed", at, "boom"))
	if dig(p, "event") != "messages.sms.failed" || dig(p, "data", "error", "message") != "boom" ||
		dig(p, "data", "error", "type") != "provider_error" {
		t.Errorf("failed payload = %v", p)
	}
	p = decode(t, chirpsim.BuildStatusPayload(false, "sms", "u-1", "delivered", at, ""))
	if dig(p, "event") != "MESSAGE_DELIVERED" || dig(p, "data", "status") != "DELIVERED" || dig(p, "data", "error") != nil {
		t.Errorf("old delivered payload = %v", p)
	}
}

func TestShapeString(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range chirpsim.Shapes() {
		name := s.String()
		if seen[name] || strings.HasPrefix(name, "Shape(") {
			t.Errorf("shape %d has name %q", int(s), name)
		}
		seen[name] = true
	}
	if got := chirpsim.Shape(99).String(); got != "Shape(99)" {
		t.Errorf("unknown shape = %q", got)
	}
}

func TestBuildMessagePayloadRejectsUnknownShape(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("BuildMessagePayload accepted an unknown shape")
		}
	}()
	chirpsim.BuildMessagePayload(chirpsim.Shape(99), chirpsim.OutMessage{ID: "msg_1"})
}
