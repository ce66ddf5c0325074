package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/migrations"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Message directions and statuses.
const (
	DirectionInbound  = "inbound"
	DirectionOutbound = "outbound"

	StatusReceived  = "received"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// snippetLen is how much of the last message a conversation keeps for the list.
const snippetLen = 140

// IncomingMessage is a message as Chirp delivered it, already decoded. It holds no URL.
type IncomingMessage struct {
	ChirpMessageID string
	Channel        string // sms | whatsapp
	Direction      string // inbound | outbound
	Type           string
	From, To       string
	Text, Subject  string
	Status         string // empty: received for inbound, sent for outbound
	SentAt         time.Time
	Media          []IncomingMedia
}

// IncomingMedia is one attachment of an IncomingMessage. An empty MediaID is a legacy
// attachment that can never be fetched.
type IncomingMedia struct {
	MediaID     string
	Kind        string
	MimeType    string
	SizeBytes   int64
	Filename    string
	Caption     string
	SHA256      string
	IsVoiceNote bool
}

// SaveResult says what SaveMessage did.
type SaveResult struct {
	MessageID      int64
	ConversationID int64
	Created        bool // false: the message was already stored (a redelivery)
}

// SaveMessage stores a message, its media and its conversation in one transaction. It is
// idempotent on (app, Chirp message id): a redelivery changes nothing.
func (s *Store) SaveMessage(ctx context.Context, appID int64, in IncomingMessage) (SaveResult, error) {
	msg, conv, err := s.prepareMessage(appID, in)
	if err != nil {
		return SaveResult{}, fmt.Errorf("models: save message: %w", err)
	}
	var res SaveResult
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if len(msg.Media) > 0 {
			var org Organization
			q := tx.Select("media_retention_days")
			if s.dialect == migrations.Postgres {
				// Shared lock: UpdateRetention waits for this message, so its recompute
				// cannot miss media predicted from the old retention.
				q = q.Clauses(clause.Locking{Strength: "SHARE"})
			}
			if err := q.Take(&org, 1).Error; err != nil {
				return err
			}
			for i := range msg.Media {
				exp := ExpiryFor(msg.Media[i].CreatedAt, org.MediaRetentionDays)
				msg.Media[i].ExpiresAt = &exp
			}
		}
		id, err := conversationID(tx, conv)
		if err != nil {
			return err
		}
		conv.ID = id
		msg.ConversationID = conv.ID
		media := msg.Media
		msg.Media = nil
		created := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit(clause.Associations).Create(&msg)
		if created.Error != nil {
			return created.Error
		}
		res.ConversationID = conv.ID
		if created.RowsAffected == 0 {
			var existing Message
			if err := tx.Where("app_id = ? AND chirp_message_id = ?", appID, msg.ChirpMessageID).Select("id").Take(&existing).Error; err != nil {
				return err
			}
			res.MessageID = existing.ID
			return nil
		}
		res.MessageID, res.Created = msg.ID, true
		for i := range media {
			media[i].MessageID, media[i].ConversationID = msg.ID, conv.ID
		}
		if len(media) > 0 {
			if err := tx.Create(&media).Error; err != nil {
				return err
			}
		}
		return touchConversation(tx, conv.ID, msg, len(media))
	})
	if err != nil {
		return SaveResult{}, fmt.Errorf("models: save message %s: %w", in.ChirpMessageID, translate(err))
	}
	return res, nil
}

// conversationID finds the conversation of a message, creating it when it is new. Most
// messages belong to a known conversation, so it looks first and inserts only on a miss
// (the insert tolerates a concurrent one).
func conversationID(tx *gorm.DB, conv Conversation) (int64, error) {
	var stored Conversation
	find := func() error {
		return tx.Where("app_id = ? AND channel = ? AND business_number = ? AND contact_number = ?",
			conv.AppID, conv.Channel, conv.BusinessNumber, conv.ContactNumber).Select("id").Take(&stored).Error
	}
	err := find()
	if err == nil {
		return stored.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, err
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&conv).Error; err != nil {
		return 0, err
	}
	if conv.ID != 0 {
		return conv.ID, nil
	}
	return stored.ID, find()
}

// touchConversation counts a new message and, when it is the newest, makes it the snippet.
func touchConversation(tx *gorm.DB, convID int64, msg Message, mediaCount int) error {
	snippet := snippetOf(msg)
	return tx.Exec(`UPDATE conversations SET
		message_count = message_count + 1,
		media_count = media_count + ?,
		last_snippet = CASE WHEN last_message_at <= ? THEN ? ELSE last_snippet END,
		last_message_at = CASE WHEN last_message_at < ? THEN ? ELSE last_message_at END
		WHERE id = ?`, mediaCount, msg.SentAt, snippet, msg.SentAt, msg.SentAt, convID).Error
}

// snippetOf is the one-line preview of a message for the conversation list.
func snippetOf(m Message) string {
	text := strings.Join(strings.Fields(m.Text), " ")
	if text == "" && len(m.Media) > 0 {
		text = "[" + m.Media[0].Kind + "]"
	}
	if text == "" {
		text = "[" + m.Type + "]"
	}
	return truncateRunes(text, snippetLen)
}

// prepareMessage validates an incoming message and builds its rows.
func (s *Store) prepareMessage(appID int64, in IncomingMessage) (Message, Conversation, error) {
	if in.ChirpMessageID == "" || len(in.ChirpMessageID) > 128 {
		return Message{}, Conversation{}, fmt.Errorf("message id is missing or too long: %w", ErrInvalid)
	}
	if in.Channel != ChannelSMS && in.Channel != ChannelWhatsApp {
		return Message{}, Conversation{}, fmt.Errorf("channel %q: %w", in.Channel, ErrInvalid)
	}
	contact, business := in.From, in.To
	switch in.Direction {
	case DirectionInbound:
	case DirectionOutbound:
		contact, business = in.To, in.From
	default:
		return Message{}, Conversation{}, fmt.Errorf("direction %q: %w", in.Direction, ErrInvalid)
	}
	contactE164, contactDigits, err := normalizeParty(contact, in.Channel)
	if err != nil {
		return Message{}, Conversation{}, fmt.Errorf("contact number: %w", err)
	}
	businessE164, _, err := normalizeParty(business, in.Channel)
	if err != nil {
		return Message{}, Conversation{}, fmt.Errorf("business number: %w", err)
	}
	status := in.Status
	if status == "" {
		status = StatusReceived
		if in.Direction == DirectionOutbound {
			status = StatusSent
		}
	}
	if statusRank(status) == 0 {
		return Message{}, Conversation{}, fmt.Errorf("status %q: %w", status, ErrInvalid)
	}
	now := s.clock()
	sent := in.SentAt.UTC().Truncate(time.Microsecond)
	if sent.IsZero() {
		sent = now
	}
	msgType := strings.ToLower(in.Type)
	if msgType == "" {
		msgType = "text"
	}
	msg := Message{AppID: appID, ChirpMessageID: in.ChirpMessageID, Direction: in.Direction, Type: msgType,
		Text: cleanText(in.Text, maxTextRunes), Subject: cleanText(in.Subject, 1000),
		Status: status, SentAt: sent, ReceivedAt: now}
	for i, m := range in.Media {
		row, err := mediaRow(appID, in.Channel, i, sent, m)
		if err != nil {
			return Message{}, Conversation{}, err
		}
		msg.Media = append(msg.Media, row)
	}
	conv := Conversation{AppID: appID, Channel: in.Channel, BusinessNumber: businessE164, ContactNumber: contactE164,
		ContactDigits: contactDigits, LastMessageAt: sent, LastSnippet: snippetOf(msg), CreatedAt: now}
	return msg, conv, nil
}

// normalizeParty normalizes a phone number; WhatsApp ids are international numbers
// that often come without the leading +.
func normalizeParty(raw, channel string) (string, string, error) {
	r := strings.TrimSpace(raw)
	if channel == ChannelWhatsApp && r != "" && !strings.HasPrefix(r, "+") && !strings.HasPrefix(r, "00") {
		r = "+" + Digits(r)
	}
	return NormalizePhone(r)
}

func mediaRow(appID int64, channel string, pos int, created time.Time, m IncomingMedia) (Media, error) {
	switch m.Kind {
	case KindImage, KindVideo, KindAudio, KindDocument, KindSticker:
	default:
		return Media{}, fmt.Errorf("media kind %q: %w", m.Kind, ErrInvalid)
	}
	if len(m.MediaID) > 128 || m.SizeBytes < 0 {
		return Media{}, fmt.Errorf("media %d is malformed: %w", pos, ErrInvalid)
	}
	row := Media{AppID: appID, Channel: channel, Position: pos, Kind: m.Kind, MimeType: m.MimeType,
		SizeBytes: m.SizeBytes, Filename: cleanText(m.Filename, 500), Caption: cleanText(m.Caption, maxTextRunes),
		SHA256: m.SHA256, IsVoiceNote: m.IsVoiceNote, CreatedAt: created}
	if m.MediaID != "" {
		id := m.MediaID
		row.MediaID = &id
	}
	return row, nil
}

// statusRank orders outbound statuses so that they never move backwards; failed is final.
func statusRank(status string) int {
	switch status {
	case StatusReceived, StatusSent:
		return 1
	case StatusDelivered:
		return 2
	case StatusRead:
		return 3
	case StatusFailed:
		return 4
	}
	return 0
}

// StatusChange is a status event for a stored message.
type StatusChange struct {
	ChirpMessageID string
	Status         string
	At             time.Time
	ErrorMessage   string
}

// ApplyStatus records a status event. The status only moves forward (sent → delivered →
// read; failed is final); the event's timestamp is kept even when the status does not
// move. A message Aviary has not stored is ErrNotFound.
func (s *Store) ApplyStatus(ctx context.Context, appID int64, ch StatusChange) error {
	rank := statusRank(ch.Status)
	if rank == 0 || ch.Status == StatusReceived {
		return fmt.Errorf("models: apply status %q: %w", ch.Status, ErrInvalid)
	}
	at := ch.At.UTC().Truncate(time.Microsecond)
	if at.IsZero() {
		at = s.clock()
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Message
		q := tx.Where("app_id = ? AND chirp_message_id = ?", appID, ch.ChirpMessageID)
		if s.dialect == migrations.Postgres {
			// SQLite transactions already hold the write lock (they begin IMMEDIATE).
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&m).Error; err != nil {
			return err
		}
		updates := map[string]any{}
		switch ch.Status {
		case StatusDelivered:
			if m.DeliveredAt == nil {
				updates["delivered_at"] = at
			}
		case StatusRead:
			if m.ReadAt == nil {
				updates["read_at"] = at
			}
		case StatusFailed:
			if m.FailedAt == nil {
				updates["failed_at"] = at
			}
			if ch.ErrorMessage != "" {
				updates["error_message"] = cleanText(ch.ErrorMessage, 500)
			}
		}
		if rank > statusRank(m.Status) {
			updates["status"] = ch.Status
		}
		if len(updates) == 0 {
			return nil
		}
		return tx.Model(&Message{}).Where("id = ?", m.ID).Updates(updates).Error
	})
	if err != nil {
		return fmt.Errorf("models: apply status to %s: %w", ch.ChirpMessageID, translate(err))
	}
	return nil
}
