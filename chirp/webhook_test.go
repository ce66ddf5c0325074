package chirp_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseWebhookMessages(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		appID string
		want  chirp.Message
	}{
		{"whatsapp flat", waFlat, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_wa_2bXA1cF5gT9oRbT3vAy6NuKc2Wg", Channel: "whatsapp", Direction: "inbound",
			From: "+15551234567", To: "+15559876543", Type: "image", Status: "received",
			SentAt: ts("2024-01-15T10:30:00Z"),
			Media:  []chirp.MediaRef{{MediaID: "med_2bXA1cF5gT9oRbT3vAy6NuKc2Wg", Kind: "image", MimeType: "image/jpeg"}},
		}},
		{"whatsapp nested audio", waNestedAudio, "app_test_2cQ7oKl9wU3dSq7xGr0JcMe5IzA", chirp.Message{
			ID: "msg_wa_test_2cQ7pLm0xV4eTr8yHs1KdNf6JaB", Channel: "whatsapp", Direction: "inbound",
			From: "+447700900123", To: "+447700900999", Type: "audio", Status: "received",
			SentAt: ts("2024-03-02T08:15:29Z"), // occurredAt wins over the envelope's timestamp
			Media: []chirp.MediaRef{{MediaID: "med_test_2cQ7pMn1yW5fUs9zIt2LeOg7KbC", Kind: "audio",
				MimeType: "audio/ogg", FileSize: 18234, IsVoiceNote: true,
				SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
		}},
		{"whatsapp nested media document", waNestedDocument, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_wa_2cQ8aBc1dE2fG3hI4jK5lM6nO7p", Channel: "whatsapp", Direction: "inbound",
			From: "+15551230001", To: "+15559876543", Type: "document", Status: "received",
			SentAt: ts("2024-03-02T08:59:58.123Z"),
			Media: []chirp.MediaRef{{MediaID: "med_2cQ8aBc1dE2fG3hI4jK5lM6nO7q", Kind: "document",
				MimeType: "application/pdf", FileSize: 48213, Filename: "invoice-1042.pdf",
				Caption: "Here is the invoice you asked for"}},
		}},
		{"whatsapp nested array", waNestedArray, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_wa_2cQ9xYz", Channel: "whatsapp", Direction: "inbound",
			From: "+15551230001", To: "+15559876543", Type: "image", Status: "received",
			SentAt: ts("2024-03-02T09:05:00Z"), // only the envelope has a time
			Media: []chirp.MediaRef{
				{MediaID: "med_2cQ9one", Kind: "image", MimeType: "image/jpeg", FileSize: 245678, Caption: "front"},
				{MediaID: "med_2cQ9two", Kind: "image", MimeType: "image/jpeg", FileSize: 198765, Caption: "back"},
			},
		}},
		{"whatsapp text body object", waText, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_wa_2cQ9txt", Channel: "whatsapp", Direction: "inbound",
			From: "+15551230001", To: "+15559876543", Type: "text", Text: "Is the shop open on Sunday?",
			Status: "received", SentAt: ts("2024-03-02T09:06:00Z"),
		}},
		{"whatsapp sticker sent", waStickerSent, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_wa_2cQ9stk", Channel: "whatsapp", Direction: "outbound",
			From: "+15559876543", To: "+15551230001", Type: "sticker", Status: "sent",
			SentAt: ts("2024-03-02T09:06:59Z"),
			Media:  []chirp.MediaRef{{MediaID: "med_2cQ9stk", Kind: "sticker", MimeType: "image/webp", FileSize: 30112}},
		}},
		{"sms new mms", smsNewMMS, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_sms_2bZq3Rt6uY9iOp2aSd5fGh8jKl1", Channel: "sms", Direction: "inbound",
			From: "+15551112222", To: "+15553334444", Type: "mms", Text: "Photo of the damage",
			Status: "received", SentAt: ts("2024-02-10T16:45:11Z"),
			Media: []chirp.MediaRef{{MediaID: "med_2bZq3Rt6uY9iOp2aSd5fGh8jKl2", Kind: "image", MimeType: "image/jpeg"}},
		}},
		{"sms new text", smsNewText, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_sms_2bZq4", Channel: "sms", Direction: "inbound",
			From: "+15551112222", To: "+15553334444", Type: "sms", Text: "Thanks!",
			Status: "received", SentAt: ts("2024-02-10T16:46:00Z"),
		}},
		{"sms new arrays", smsNewArrays, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_sms_2bZq5", Channel: "sms", Direction: "inbound",
			From: "+15551112222", To: "+15553334444", Type: "mms", Text: "two photos and a clip",
			Status: "received", SentAt: ts("2024-02-10T16:47:00Z"),
			Media: []chirp.MediaRef{
				{MediaID: "med_a1", Kind: "image", MimeType: "image/jpeg"},
				{MediaID: "med_a2", Kind: "image", MimeType: "image/png"},
				{MediaID: "med_a3", Kind: "video", MimeType: "video/mp4"},
			},
		}},
		{"sms new plural fields", smsNewPlural, "app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf", chirp.Message{
			ID: "msg_sms_2bZq6", Channel: "sms", Direction: "inbound",
			From: "+15551112222", To: "+15553334444", Type: "mms",
			Status: "received", SentAt: ts("2024-02-10T16:48:00Z"),
			Media: []chirp.MediaRef{{MediaID: "med_b1", Kind: "image", MimeType: "image/gif"}},
		}},
		{"sms old style", smsOld, "", chirp.Message{
			ID: "3f2b8c1e-9d4a-4e6b-8f7c-2a1d0e9b8c7a", Channel: "sms", Direction: "inbound",
			From: "+15556667777", To: "+15553334444", Type: "mms", Text: "See attached", Subject: "Receipt",
			Status: "received", SentAt: ts("2023-06-01T12:00:00Z"),
			Media: []chirp.MediaRef{
				{Kind: "document", MimeType: "application/pdf"}, // from the .pdf extension
				{Kind: "image"}, // no extension: the documented default
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := chirp.ParseWebhook([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if ev.Kind != chirp.EventMessage || ev.Message == nil || ev.Status != nil {
				t.Fatalf("kind = %v, message = %v, status = %v; want a message event", ev.Kind, ev.Message, ev.Status)
			}
			if ev.AppID != tt.appID {
				t.Errorf("AppID = %q, want %q", ev.AppID, tt.appID)
			}
			if !reflect.DeepEqual(*ev.Message, tt.want) {
				t.Errorf("message =\n%+v\nwant\n%+v", *ev.Message, tt.want)
			}
			assertNoURL(t, ev)
		})
	}
}

func TestParseWebhookStatus(t *testing.T) {
	tests := []struct {
		name, body, event string
		want              chirp.StatusUpdate
	}{
		{"new delivered", statusDelivered, "messages.sms.delivered", chirp.StatusUpdate{
			MessageID: "msg_sms_2bZq7", Channel: "sms", Status: "delivered", At: ts("2024-02-10T16:49:58.5Z")}},
		{"new read", statusRead, "messages.whatsapp.read", chirp.StatusUpdate{
			MessageID: "msg_wa_2bZq8", Channel: "whatsapp", Status: "read", At: ts("2024-02-10T16:54:59Z")}},
		{"new sent without message body", statusSent, "messages.whatsapp.sent", chirp.StatusUpdate{
			MessageID: "msg_wa_2bZq9", Channel: "whatsapp", Status: "sent", At: ts("2024-02-10T16:51:00Z")}},
		{"new failed with error", statusFailed, "messages.whatsapp.failed", chirp.StatusUpdate{
			MessageID: "msg_wa_2bZqA", Channel: "whatsapp", Status: "failed", At: ts("2024-02-10T16:51:59Z"),
			ErrorMessage: "recipient_unreachable: The recipient is not on WhatsApp"}},
		{"old sent", oldSent, "MESSAGE_SENT", chirp.StatusUpdate{
			MessageID: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", Channel: "sms", Status: "sent", At: ts("2023-06-01T12:01:00Z")}},
		{"old delivered", oldDelivered, "MESSAGE_DELIVERED", chirp.StatusUpdate{
			MessageID: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", Channel: "sms", Status: "delivered", At: ts("2023-06-01T12:02:00Z")}},
		{"failed with numeric code", `{"event":"messages.sms.failed","data":{"messageId":"msg_sms_x","error":{"code":30003,"message":"Unreachable handset"}}}`,
			"messages.sms.failed", chirp.StatusUpdate{MessageID: "msg_sms_x", Channel: "sms", Status: "failed", ErrorMessage: "30003: Unreachable handset"}},
		{"failed with bare error string", `{"event":"messages.sms.failed","data":{"id":"msg_sms_y","error":"Carrier rejected"}}`,
			"messages.sms.failed", chirp.StatusUpdate{MessageID: "msg_sms_y", Channel: "sms", Status: "failed", ErrorMessage: "Carrier rejected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := chirp.ParseWebhook([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if ev.Kind != chirp.EventStatus || ev.Status == nil || ev.Message != nil {
				t.Fatalf("kind = %v; want a status event", ev.Kind)
			}
			if ev.Name != tt.event {
				t.Errorf("Name = %q, want %q", ev.Name, tt.event)
			}
			if *ev.Status != tt.want {
				t.Errorf("status = %+v, want %+v", *ev.Status, tt.want)
			}
		})
	}
}

func TestParseWebhookIgnored(t *testing.T) {
	for _, body := range []string{
		ignoredTemplate,
		ignoredNumber,
		`{"event":"messages.rcs.received","data":{"message":{"id":"msg_x"}}}`,
		`{"event":"messages.sms.queued","data":{}}`,
		`{"event":"MESSAGE_DELETED"}`,
		`{"event":"app.updated","data":"whatever shape"}`,
	} {
		ev, err := chirp.ParseWebhook([]byte(body))
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if ev.Kind != chirp.EventIgnored || ev.Message != nil || ev.Status != nil || ev.Name == "" {
			t.Errorf("%s: got %+v, want an ignored event with its name", body, ev)
		}
	}
}

func TestParseWebhookNormalizes(t *testing.T) {
	ev, err := chirp.ParseWebhook([]byte(`{"event":"MESSAGE_CREATED","data":{"id":"0b6c7c2e-2a7e-4c1b-9d7e-1f0a2b3c4d5e",
		"from":"+15550001111","to":"+15550002222","text":"hi\u0000there","type":"SMS","direction":"OUTBOUND",
		"status":"SENT","createdAt":"2023-06-01T12:00:00+02:00"}}`))
	if err != nil {
		t.Fatal(err)
	}
	m := ev.Message
	if m.Direction != "outbound" || m.Type != "sms" || m.Status != "sent" || m.Text != "hithere" {
		t.Errorf("got direction %q type %q status %q text %q", m.Direction, m.Type, m.Status, m.Text)
	}
	if want := ts("2023-06-01T10:00:00Z"); !m.SentAt.Equal(want) || m.SentAt.Location() != time.UTC {
		t.Errorf("SentAt = %v, want %v in UTC", m.SentAt, want)
	}
	if len(m.Media) != 0 {
		t.Errorf("media = %v, want none", m.Media)
	}

	// Without a type, the type is inferred; without a direction, the event name decides.
	ev, err = chirp.ParseWebhook([]byte(`{"event":"messages.sms.received","data":{"message":{"id":"msg_sms_1","mediaId":"med_1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if m := ev.Message; m.Type != "mms" || m.Direction != "inbound" || len(m.Media) != 1 || m.Media[0].Kind != "image" {
		t.Errorf("got %+v, want an inbound mms with one image", m)
	}
}

func TestParseWebhookMalformed(t *testing.T) {
	long := strings.Repeat("a", 129)
	tests := []struct{ name, body, reason string }{
		{"empty", ``, "not JSON"},
		{"not json", `event=messages.sms.received`, "not JSON"},
		{"truncated", `{"event":"messages.sms.received","data":{`, "not JSON"},
		{"array", `[{"event":"messages.sms.received"}]`, "want a JSON object, got array"},
		{"trailing data", `{"event":"x"} {"event":"y"}`, "data after the JSON object"},
		{"missing event", `{"data":{"message":{"id":"msg_1"}}}`, "event: missing event name"},
		{"event not a string", `{"event":42}`, "event: want string, got number"},
		{"missing data", `{"event":"messages.sms.received"}`, "data: missing"},
		{"data not an object", `{"event":"messages.sms.received","data":[1]}`, "data: want object, got array"},
		{"message without id", `{"event":"messages.sms.received","data":{"message":{"from":"+1555"}}}`, "without message id"},
		{"status without id", `{"event":"messages.sms.delivered","data":{"message":{"status":"delivered"}}}`, "without message id"},
		{"numeric id", `{"event":"messages.sms.received","data":{"message":{"id":12345}}}`, "data.message.id: want string, got number"},
		{"id too long", `{"event":"messages.sms.received","data":{"message":{"id":"` + long + `"}}}`, "data.message.id: longer than 128 bytes"},
		{"id with spaces", `{"event":"messages.sms.received","data":{"message":{"id":"msg 1"}}}`, "data.message.id: not an id"},
		{"from is an object", `{"event":"messages.sms.received","data":{"message":{"id":"msg_1","from":{"n":1}}}}`, "data.message.from: want string, got object"},
		{"text too long", `{"event":"messages.sms.received","data":{"message":{"id":"msg_1","text":"` + strings.Repeat("x", 64<<10+1) + `"}}}`, "data.message.text: longer than 65536 bytes"},
		{"bad direction", `{"event":"messages.sms.received","data":{"message":{"id":"msg_1","direction":"sideways"}}}`, "data.message.direction"},
		{"bad timestamp", `{"event":"messages.sms.received","data":{"message":{"id":"msg_1","receivedAt":"yesterday"}}}`, "data.message.receivedAt: not an RFC 3339 timestamp"},
		{"numeric timestamp", `{"event":"messages.sms.received","timestamp":1705314600,"data":{"message":{"id":"msg_1"}}}`, "timestamp: want string, got number"},
		{"media id is a url", `{"event":"messages.sms.received","data":{"message":{"id":"msg_1","mediaId":"` + presigned + `"}}}`, "data.message.mediaId: "},
		{"media ids not strings", `{"event":"messages.sms.received","data":{"message":{"id":"msg_1","mediaIds":[1,2]}}}`, "data.message.mediaIds[0]: want string, got number"},
		{"negative size", `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_1","type":"image","image":{"id":"med_1","fileSize":-1}}}}`, "data.message.image.fileSize: size out of range"},
		{"absurd size", `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_1","type":"image","image":{"id":"med_1","fileSize":1e300}}}}`, "data.message.image.fileSize: size out of range"},
		{"fractional size", `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_1","type":"image","image":{"id":"med_1","fileSize":1.5}}}}`, "not a whole number"},
		{"voice note not bool", `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_1","type":"audio","audio":{"id":"med_1","isVoiceNote":"yes"}}}}`, "isVoiceNote: want boolean, got string"},
		{"media not objects", `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_1","media":["med_1"]}}}`, "data.message.media[0]: want object, got string"},
		{"bad mime", `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_1","media":{"id":"med_1","mimeType":"jpeg please"}}}}`, "mimeType: not a MIME type"},
		{"too many attachments", `{"event":"messages.sms.received","data":{"message":{"id":"msg_1","mediaIds":[` + strings.Repeat(`"med_x",`, 32) + `"med_y"]}}}`, "more than 32"},
		{"app id not a token", `{"event":"messages.sms.received","data":{"app":{"id":"app/../x"},"message":{"id":"msg_1"}}}`, "data.app.id: not an id"},
		{"error not an object", `{"event":"messages.sms.failed","data":{"id":"msg_1","error":7}}`, "data.error: want object, got number"},
		{"oversized body", `{"event":"x","pad":"` + strings.Repeat(" ", chirp.MaxWebhookSize) + `"}`, "body larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := chirp.ParseWebhook([]byte(tt.body))
			if !errors.Is(err, chirp.ErrMalformed) {
				t.Fatalf("err = %v (event %+v), want ErrMalformed", err, ev)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("err = %q, want it to say %q", err, tt.reason)
			}
			if strings.Contains(err.Error(), "http") || strings.Contains(err.Error(), "X-Amz") {
				t.Errorf("err = %q quotes a URL", err)
			}
			if !reflect.DeepEqual(ev, chirp.Event{}) {
				t.Errorf("event = %+v, want the zero Event", ev)
			}
		})
	}
}

// assertNoURL checks that no presigned URL, nor any URL, survives parsing.
func assertNoURL(t *testing.T, ev chirp.Event) {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"X-Amz-", "http", "media.buildwithchirp.com"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("parsed event contains %q: %s", bad, b)
		}
	}
}

func TestEventKindString(t *testing.T) {
	for k, want := range map[chirp.EventKind]string{
		chirp.EventMessage: "message", chirp.EventStatus: "status", chirp.EventIgnored: "ignored", 0: "EventKind(0)",
	} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
}
