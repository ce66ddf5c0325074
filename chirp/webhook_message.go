package chirp

import (
	"encoding/json"
	"strings"
	"time"
)

// messageTimeKeys lists timestamp fields in order of preference: when the
// message happened beats when Chirp stored or forwarded it.
func messageTimeKeys() []string {
	return []string{"occurredAt", "createdAt", "receivedAt", "sentAt", "timestamp"}
}

func parseMessage(r route, root, data, msg object) (*Message, error) {
	id, err := messageID(data, msg)
	if err != nil {
		return nil, err
	}
	m := &Message{ID: id, Channel: r.channel}
	if m.Direction, err = direction(msg, r.direction); err != nil {
		return nil, err
	}
	if m.From, err = msg.str("from", maxShortLen); err != nil {
		return nil, err
	}
	if m.To, err = msg.str("to", maxShortLen); err != nil {
		return nil, err
	}
	if m.Type, err = messageType(msg); err != nil {
		return nil, err
	}
	if m.Text, err = messageText(msg); err != nil {
		return nil, err
	}
	if m.Subject, err = msg.str("subject", maxTextLen); err != nil {
		return nil, err
	}
	if m.Status, err = status(msg, r.status); err != nil {
		return nil, err
	}
	if m.SentAt, err = eventTime(messageTimeKeys(), root, data, msg); err != nil {
		return nil, err
	}
	if m.Media, err = parseMedia(msg, m.Type); err != nil {
		return nil, err
	}
	if m.Type == "" {
		m.Type = inferType(m)
	}
	return m, nil
}

func parseStatus(r route, root, data, msg object) (*StatusUpdate, error) {
	id, err := messageID(data, msg)
	if err != nil {
		return nil, err
	}
	s := &StatusUpdate{MessageID: id, Channel: r.channel, Status: r.status}
	keys := []string{r.status + "At", "occurredAt", "updatedAt", "timestamp", "createdAt"}
	if s.At, err = eventTime(keys, root, data, msg); err != nil {
		return nil, err
	}
	if s.ErrorMessage, err = errorMessage(root, data, msg); err != nil {
		return nil, err
	}
	return s, nil
}

// messageID finds the message id: the message object's id, else a messageId
// beside it (some status payloads carry only that).
func messageID(data, msg object) (string, error) {
	for _, o := range []object{msg, data} {
		for _, key := range []string{"id", "messageId"} {
			id, err := o.token(key)
			if err != nil || id != "" {
				return id, err
			}
		}
	}
	return "", msg.malformed("id", "message event without message id")
}

func direction(msg object, fallback string) (string, error) {
	d, err := msg.str("direction", maxShortLen)
	if err != nil {
		return "", err
	}
	switch strings.ToLower(strings.TrimSpace(d)) {
	case "":
		return fallback, nil
	case "inbound", "incoming", "in":
		return "inbound", nil
	case "outbound", "outgoing", "out":
		return "outbound", nil
	}
	return "", msg.malformed("direction", "want inbound or outbound")
}

func messageType(msg object) (string, error) {
	t, err := msg.str("type", maxShortLen)
	if err != nil {
		return "", err
	}
	t = strings.ToLower(strings.TrimSpace(t))
	if t != "" && !isToken(t) {
		return "", msg.malformed("type", "not a message type")
	}
	return t, nil
}

// messageText accepts text as a string or, as WhatsApp's own API writes it,
// an object {"body": "..."}.
func messageText(msg object) (string, error) {
	if _, isObj := msg.m["text"].(map[string]any); isObj {
		t, _, err := msg.obj("text")
		if err != nil {
			return "", err
		}
		return t.str("body", maxTextLen)
	}
	return msg.str("text", maxTextLen)
}

// status normalizes the payload's status ("RECEIVED" → "received"); a value
// outside Aviary's set falls back to what the event name says.
func status(msg object, fallback string) (string, error) {
	s, err := msg.str("status", maxShortLen)
	if err != nil {
		return "", err
	}
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "received", "sent", "delivered", "read", "failed":
		return s, nil
	}
	return fallback, nil
}

// eventTime returns the first timestamp among keys, looked up in the message
// object, then data, then the envelope.
func eventTime(keys []string, root, data, msg object) (time.Time, error) {
	for _, o := range []object{msg, data, root} {
		t, err := o.timeAt(keys...)
		if err != nil || !t.IsZero() {
			return t, err
		}
	}
	return time.Time{}, nil
}

// errorMessage reads an error object like the API's ({"type","code","message"})
// or a bare string, from the message, data or envelope.
func errorMessage(root, data, msg object) (string, error) {
	for _, o := range []object{msg, data, root} {
		switch o.m["error"].(type) {
		case nil:
			continue
		case string:
			return o.str("error", maxTextLen)
		}
		e, _, err := o.obj("error")
		if err != nil {
			return "", err
		}
		return describeError(e)
	}
	return "", nil
}

// describeError renders an error object as "code: message", using the type
// when there is no code.
func describeError(e object) (string, error) {
	msg, err := e.str("message", maxTextLen)
	if err != nil {
		return "", err
	}
	code, err := errorCode(e)
	if err != nil {
		return "", err
	}
	switch {
	case code == "":
		return msg, nil
	case msg == "":
		return code, nil
	}
	return code + ": " + msg, nil
}

func errorCode(e object) (string, error) {
	if n, isNum := e.m["code"].(json.Number); isNum { // carriers' numeric codes, e.g. 30003
		if len(n) > maxShortLen {
			return "", e.malformed("code", "number too long")
		}
		return n.String(), nil
	}
	code, err := e.str("code", maxShortLen)
	if err != nil || code != "" {
		return code, err
	}
	return e.str("type", maxShortLen)
}

// inferType names the type of a message whose payload gave none.
func inferType(m *Message) string {
	switch {
	case m.Channel == "sms" && len(m.Media) > 0:
		return "mms"
	case m.Channel == "sms":
		return "sms"
	case len(m.Media) > 0:
		return m.Media[0].Kind
	}
	return "text"
}
