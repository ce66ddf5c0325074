package chirpsim

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Shape selects which of Chirp's documented webhook payload shapes
// BuildMessagePayload writes (see chirp-api.md).
type Shape int

// The payload shapes Chirp has documented.
const (
	ShapeWhatsAppFlat   Shape = iota // (a) mediaUrl/mediaId beside the message fields
	ShapeWhatsAppNested              // (b) media in a field named after the type, or media: [...]
	ShapeSMSNew                      // (c) type sms|mms, singular mediaUrl/mediaId (arrays when several)
	ShapeSMSOld                      // (d) MESSAGE_CREATED, mediaUrls only, upper-case enums, no app
)

// String returns the shape's name, for test and benchmark labels.
func (s Shape) String() string {
	switch s {
	case ShapeWhatsAppFlat:
		return "whatsapp-flat"
	case ShapeWhatsAppNested:
		return "whatsapp-nested"
	case ShapeSMSNew:
		return "sms-new"
	case ShapeSMSOld:
		return "sms-old"
	}
	return fmt.Sprintf("Shape(%d)", int(s))
}

// Shapes returns every shape, in declaration order.
func Shapes() []Shape {
	return []Shape{ShapeWhatsAppFlat, ShapeWhatsAppNested, ShapeSMSNew, ShapeSMSOld}
}

// OutMessage is a message the simulator announces in a webhook.
//
// The shape decides the channel (WhatsApp shapes say "whatsapp", SMS shapes
// "sms"); Channel is kept for callers that route messages to shapes. For
// ShapeSMSOld, ID should be a UUID (see LegacyMessageID) and AppID is not
// written. Timestamps are omitted when At is zero.
type OutMessage struct {
	ID, AppID, AppName, Channel, Direction, From, To, Type, Text, Subject string
	At                                                                    time.Time
	Media                                                                 []OutMedia
}

// OutMedia is one attachment of an OutMessage. URL is the presigned URL the
// payload carries (see Sim.PresignedURL); ID is empty for legacy attachments.
type OutMedia struct {
	ID, URL, Kind, MimeType, Filename, Caption, SHA256 string
	Size                                               int64
	VoiceNote                                          bool
}

// hookTimeLayout is how Chirp writes timestamps: UTC with milliseconds.
const hookTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func hookStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(hookTimeLayout)
}

// payloadApp is data.app.
type payloadApp struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

type payloadEnvelope struct {
	Event     string `json:"event"`
	Timestamp string `json:"timestamp,omitempty"`
	Data      any    `json:"data"`
}

type payloadData struct {
	Message any         `json:"message"`
	Error   any         `json:"error,omitempty"`
	App     *payloadApp `json:"app,omitempty"`
}

// flatMessage is data.message in shapes (a) and (c).
type flatMessage struct {
	ID         string  `json:"id"`
	Direction  string  `json:"direction"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Type       string  `json:"type"`
	Text       *string `json:"text"`
	Subject    string  `json:"subject,omitempty"`
	MediaURL   any     `json:"mediaUrl"`
	MediaID    any     `json:"mediaId"`
	ReceivedAt string  `json:"receivedAt,omitempty"`
	SentAt     string  `json:"sentAt,omitempty"`
}

// nestedMedia is one media object in shape (b).
type nestedMedia struct {
	ID          string `json:"id"`
	URL         string `json:"url"`
	MimeType    string `json:"mimeType,omitempty"`
	FileSize    int64  `json:"fileSize,omitempty"`
	Filename    string `json:"filename,omitempty"`
	Caption     string `json:"caption,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	IsVoiceNote *bool  `json:"isVoiceNote,omitempty"`
}

// oldMessage is data in shape (d).
type oldMessage struct {
	ID        string   `json:"id"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Text      string   `json:"text"`
	Subject   *string  `json:"subject"`
	MediaURLs []string `json:"mediaUrls"`
	Type      string   `json:"type"`
	Direction string   `json:"direction"`
	Status    string   `json:"status"`
	CreatedAt string   `json:"createdAt,omitempty"`
}

// BuildMessagePayload returns the webhook body announcing m in the given
// shape, as chirp-api.md shows it. Inbound messages are "…received" events
// (MESSAGE_CREATED in the old shape), outbound ones "…sent". It panics on a
// shape not listed in Shapes, a programming error.
func BuildMessagePayload(shape Shape, m OutMessage) []byte {
	inbound := m.Direction != "outbound"
	var env payloadEnvelope
	switch shape {
	case ShapeWhatsAppFlat:
		env = flatPayload("whatsapp", inbound, m, &payloadApp{ID: m.AppID})
	case ShapeSMSNew:
		env = flatPayload("sms", inbound, m, &payloadApp{ID: m.AppID, Name: m.AppName})
	case ShapeWhatsAppNested:
		env = nestedPayload(inbound, m)
	case ShapeSMSOld:
		env = oldPayload(inbound, m)
	default:
		panic(fmt.Sprintf("chirpsim: BuildMessagePayload: unknown shape %d", int(shape)))
	}
	return hookJSON(env)
}

func hookEventName(channel string, inbound bool) string {
	if inbound {
		return "messages." + channel + ".received"
	}
	return "messages." + channel + ".sent"
}

func flatPayload(channel string, inbound bool, m OutMessage, app *payloadApp) payloadEnvelope {
	msg := flatMessage{
		ID: m.ID, Direction: hookDirection(inbound), From: m.From, To: m.To,
		Type: hookType(channel, m), Text: hookNullable(m.Text),
	}
	if channel == "sms" {
		msg.Subject = m.Subject
	}
	var urls, ids []string
	for _, md := range m.Media {
		urls = append(urls, md.URL)
		ids = append(ids, md.ID)
	}
	msg.MediaURL, msg.MediaID = hookOneOrMany(urls), hookOneOrMany(ids)
	if inbound {
		msg.ReceivedAt = hookStamp(m.At)
	} else {
		msg.SentAt = hookStamp(m.At)
	}
	return payloadEnvelope{
		Event: hookEventName(channel, inbound), Timestamp: hookStamp(m.At),
		Data: payloadData{Message: msg, App: app},
	}
}

func nestedPayload(inbound bool, m OutMessage) payloadEnvelope {
	typ := hookType("whatsapp", m)
	msg := map[string]any{
		"id": m.ID, "direction": hookDirection(inbound), "from": m.From, "to": m.To,
		"type": typ, "text": hookNullable(m.Text),
		"source": "whatsapp", "isHistoricalImport": false,
	}
	if !m.At.IsZero() {
		msg["occurredAt"] = hookStamp(m.At)
	}
	if inbound && !m.At.IsZero() {
		// An inbound message opens WhatsApp's 24-hour customer-service window.
		msg["conversationWindow"] = map[string]any{"isOpen": true, "expiresAt": hookStamp(m.At.Add(24 * time.Hour))}
	}
	media := make([]nestedMedia, 0, len(m.Media))
	for _, md := range m.Media {
		nm := nestedMedia{
			ID: md.ID, URL: md.URL, MimeType: md.MimeType, FileSize: md.Size,
			Filename: md.Filename, Caption: md.Caption, SHA256: md.SHA256,
		}
		if md.Kind == "audio" || md.VoiceNote {
			nm.IsVoiceNote = &md.VoiceNote
		}
		media = append(media, nm)
	}
	switch {
	case len(media) == 1 && hookIsMediaKind(typ):
		msg[typ] = media[0]
	case len(media) > 0:
		msg["media"] = media
	}
	return payloadEnvelope{
		Event: hookEventName("whatsapp", inbound), Timestamp: hookStamp(m.At),
		Data: payloadData{Message: msg, App: &payloadApp{ID: m.AppID, Name: m.AppName}},
	}
}

func oldPayload(inbound bool, m OutMessage) payloadEnvelope {
	msg := oldMessage{
		ID: m.ID, From: m.From, To: m.To, Text: m.Text, Subject: hookNullable(m.Subject),
		MediaURLs: []string{}, Type: strings.ToUpper(hookType("sms", m)),
		Direction: strings.ToUpper(hookDirection(inbound)), Status: "RECEIVED", CreatedAt: hookStamp(m.At),
	}
	if !inbound {
		msg.Status = "SENT"
	}
	for _, md := range m.Media {
		msg.MediaURLs = append(msg.MediaURLs, md.URL)
	}
	return payloadEnvelope{Event: "MESSAGE_CREATED", Data: msg}
}

// BuildStatusPayload returns the body of a status event: new style
// "messages.<channel>.<status>" or old style "MESSAGE_<STATUS>". A failed
// status (or any status given an errMsg) carries an error object shaped like
// the API's errors.
func BuildStatusPayload(newStyle bool, channel, msgID, status string, at time.Time, errMsg string) []byte {
	var apiErr any
	if status == "failed" || errMsg != "" {
		if errMsg == "" {
			errMsg = "Message could not be delivered"
		}
		apiErr = map[string]string{"type": "provider_error", "code": "delivery_failed", "message": errMsg}
	}
	if !newStyle {
		data := map[string]any{"id": msgID, "status": strings.ToUpper(status)}
		if !at.IsZero() {
			data["updatedAt"] = hookStamp(at)
		}
		if apiErr != nil {
			data["error"] = apiErr
		}
		return hookJSON(payloadEnvelope{Event: "MESSAGE_" + strings.ToUpper(status), Data: data})
	}
	msg := map[string]any{"id": msgID, "status": status}
	if !at.IsZero() {
		msg[status+"At"] = hookStamp(at)
	}
	return hookJSON(payloadEnvelope{
		Event: "messages." + channel + "." + status, Timestamp: hookStamp(at),
		Data: payloadData{Message: msg, Error: apiErr},
	})
}

func hookDirection(inbound bool) string {
	if inbound {
		return "inbound"
	}
	return "outbound"
}

// hookType is m.Type lower-cased, or what the channel and media imply. SMS
// payloads know only the types sms and mms.
func hookType(channel string, m OutMessage) string {
	t := strings.ToLower(m.Type)
	if t != "" && (channel != "sms" || t == "sms" || t == "mms") {
		return t
	}
	switch {
	case channel == "sms" && len(m.Media) > 0:
		return "mms"
	case channel == "sms":
		return "sms"
	case len(m.Media) > 0 && m.Media[0].Kind != "":
		return m.Media[0].Kind
	}
	return "text"
}

func hookIsMediaKind(s string) bool {
	switch s {
	case "image", "video", "audio", "document", "sticker":
		return true
	}
	return false
}

// hookNullable makes "" a JSON null, as Chirp writes absent text.
func hookNullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// hookOneOrMany writes no values as null, one as a string, several as an array.
func hookOneOrMany(vs []string) any {
	switch len(vs) {
	case 0:
		return nil
	case 1:
		return vs[0]
	}
	return vs
}

func hookJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("chirpsim: encode payload: " + err.Error()) // only plain values are encoded
	}
	return b
}

// LegacyMessageID returns a UUID derived from name (SHA-1, version 5 layout),
// the kind of message id old-style payloads carry. The same name always gives
// the same id.
func LegacyMessageID(name string) string {
	h := sha1.Sum([]byte("chirpsim/legacy-message/" + name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
