package chirp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// MaxWebhookSize is the largest webhook body ParseWebhook accepts. Chirp's
// payloads are a few kilobytes; receivers should cap the request body at this
// size before reading it.
const MaxWebhookSize = 1 << 20

// ErrMalformed is returned, wrapped with a reason, by ParseWebhook for a body
// that is not a webhook Aviary can understand. The reason names the offending
// field but never quotes its value.
var ErrMalformed = errors.New("chirp: malformed webhook")

// EventKind tells what a webhook event means to Aviary. The zero value is not
// a valid kind.
type EventKind int

// The kinds of event ParseWebhook returns.
const (
	EventMessage EventKind = iota + 1 // a message was received or sent: Event.Message is set
	EventStatus                       // a message's status changed: Event.Status is set
	EventIgnored                      // a well-formed event Aviary has no use for: acknowledge it
)

// String returns "message", "status" or "ignored".
func (k EventKind) String() string {
	switch k {
	case EventMessage:
		return "message"
	case EventStatus:
		return "status"
	case EventIgnored:
		return "ignored"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one decoded Chirp webhook delivery.
type Event struct {
	Name    string        // as sent, e.g. "messages.whatsapp.received", "MESSAGE_CREATED"
	Kind    EventKind     // what to do with it
	AppID   string        // data.app.id; "" when the shape carries none (old style)
	Message *Message      // set when Kind == EventMessage
	Status  *StatusUpdate // set when Kind == EventStatus
}

// Message is a message carried by a webhook, normalized across payload shapes.
type Message struct {
	ID        string     // Chirp message id (msg_… or a UUID for old payloads)
	Channel   string     // "sms" | "whatsapp"
	Direction string     // "inbound" | "outbound"
	From, To  string     // as in the payload (E.164 usually)
	Type      string     // lower-case: sms, mms, text, image, video, audio, document, sticker, location, ...
	Text      string     // message body; "" when null
	Subject   string     // MMS subject, if any
	Status    string     // received | sent | delivered | read | failed
	SentAt    time.Time  // best timestamp the payload offers (UTC); zero when it has none
	Media     []MediaRef // attachments, without their presigned URLs
}

// MediaRef describes one attachment. It deliberately has no URL: webhook URLs
// are presigned and expire, so Aviary keeps the media id and asks the Media
// API for a fresh URL when it needs one.
type MediaRef struct {
	MediaID     string // "" for legacy attachments (never retrievable)
	Kind        string // image | video | audio | document | sticker
	MimeType    string // from the payload, else guessed from the URL's extension
	FileSize    int64  // bytes; 0 when unknown
	Filename    string
	Caption     string
	SHA256      string
	IsVoiceNote bool
}

// StatusUpdate is a change of a sent message's status.
type StatusUpdate struct {
	MessageID    string    // the message the status is about
	Channel      string    // "sms" | "whatsapp"
	Status       string    // sent | delivered | read | failed
	At           time.Time // when the status changed (UTC); zero when the payload has no time
	ErrorMessage string    // for failed messages: Chirp's error code and message
}

// ParseWebhook decodes a Chirp webhook body in any of the shapes Chirp has
// documented (see chirp-api.md): WhatsApp flat and nested, SMS/MMS new and old
// style, and new and old status events. A well-formed event of any other name
// yields Kind EventIgnored and no error. Anything else is ErrMalformed, wrapped
// with the reason.
//
// Decisions about what the documentation leaves open:
//   - "…sent" events (and MESSAGE_SENT) that carry a message (from, to, type or
//     text) are outbound messages; without one they are status updates.
//   - Media ids need not start with med_: any id of at most 128 letters,
//     digits, '_' and '-' is kept; anything else (a URL, say) is malformed.
//   - An attachment with a URL but no id anywhere in the message becomes a
//     MediaRef with an empty MediaID. Its kind comes from the message type, the
//     MIME type or the URL's extension, and is "image" when none tells (MMS
//     attachments are overwhelmingly photos).
//   - Several attachments may arrive as arrays: mediaUrl/mediaId holding
//     arrays, mediaUrls/mediaIds, or media: [...].
//   - Unparseable timestamps, unknown directions and over-long values are
//     malformed; NUL characters are dropped from text.
func ParseWebhook(body []byte) (Event, error) {
	if len(body) > MaxWebhookSize {
		return Event{}, fmt.Errorf("%w: body larger than %d bytes", ErrMalformed, MaxWebhookSize)
	}
	root, err := decodeObject(body)
	if err != nil {
		return Event{}, err
	}
	name, err := root.str("event", maxIDLen)
	if err != nil {
		return Event{}, err
	}
	if strings.TrimSpace(name) == "" {
		return Event{}, root.malformed("event", "missing event name")
	}
	ev := Event{Name: name, Kind: EventIgnored}
	r, known := routeEvent(name)
	if !known {
		return ev, nil
	}
	data, ok, err := root.obj("data")
	if err != nil {
		return Event{}, err
	}
	if !ok {
		return Event{}, root.malformed("data", "missing")
	}
	if ev.AppID, err = appID(data); err != nil {
		return Event{}, err
	}
	msg, ok, err := data.obj("message")
	if err != nil {
		return Event{}, err
	}
	if !ok {
		msg = data // old style: the message's fields sit in data itself
	}
	if r.kind == EventStatus && r.status == "sent" && carriesMessage(msg) {
		r.kind = EventMessage
	}
	if r.kind == EventMessage {
		ev.Message, err = parseMessage(r, root, data, msg)
	} else {
		ev.Status, err = parseStatus(r, root, data, msg)
	}
	if err != nil {
		return Event{}, err
	}
	ev.Kind = r.kind
	return ev, nil
}

// decodeObject decodes body, which must be exactly one JSON object.
func decodeObject(body []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return object{}, fmt.Errorf("%w: not JSON", ErrMalformed)
	}
	if _, err := dec.Token(); err != io.EOF {
		return object{}, fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return object{}, fmt.Errorf("%w: want a JSON object, got %s", ErrMalformed, jsonType(v))
	}
	return object{m: m}, nil
}

// route is what an event name tells about the payload.
type route struct {
	kind      EventKind
	channel   string
	status    string // the status the event announces
	direction string // default direction of a message event
}

// routeEvent interprets an event name; known is false for events Aviary ignores.
func routeEvent(name string) (r route, known bool) {
	lower := strings.ToLower(name)
	if rest, ok := strings.CutPrefix(lower, "messages."); ok {
		channel, action, ok := strings.Cut(rest, ".")
		if !ok || (channel != "sms" && channel != "whatsapp") {
			return route{}, false
		}
		return routeAction(channel, action)
	}
	if action, ok := strings.CutPrefix(lower, "message_"); ok {
		if action == "created" {
			return route{kind: EventMessage, channel: "sms", status: "received", direction: "inbound"}, true
		}
		return routeAction("sms", action)
	}
	return route{}, false
}

func routeAction(channel, action string) (route, bool) {
	switch action {
	case "received":
		return route{kind: EventMessage, channel: channel, status: "received", direction: "inbound"}, true
	case "sent", "delivered", "read", "failed":
		// "sent" may still turn out to carry a whole outbound message.
		return route{kind: EventStatus, channel: channel, status: action, direction: "outbound"}, true
	}
	return route{}, false
}

// carriesMessage reports whether a "sent" payload describes a whole message
// rather than only a status change.
func carriesMessage(msg object) bool {
	return msg.has("from") || msg.has("to") || msg.has("type") || msg.has("text")
}

func appID(data object) (string, error) {
	app, ok, err := data.obj("app")
	if err != nil || !ok {
		return "", err
	}
	return app.token("id")
}
