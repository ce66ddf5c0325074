package models

import (
	"context"
	"fmt"
)

// ContactTimeline is one page of every message exchanged with a contact, across apps
// and channels, newest first.
type ContactTimeline struct {
	E164          string
	Digits        string
	Conversations []ContactMatch
	Hits          []MessageHit
	Next          *Cursor
}

// ContactTimeline returns the page after the cursor of the contact's messages. The number
// may be written in any format NormalizePhone accepts; an unparseable one is ErrInvalid.
func (s *Store) ContactTimeline(ctx context.Context, number string, after *Cursor, limit int) (ContactTimeline, error) {
	e164, digits, err := NormalizePhone(number)
	if err != nil {
		return ContactTimeline{}, err
	}
	tl := ContactTimeline{E164: e164, Digits: digits}
	sc, convs, err := s.contactScope(ctx, digits)
	if err != nil {
		return ContactTimeline{}, err
	}
	tl.Conversations = convs
	tl.Hits, tl.Next, err = s.messagePage(ctx, sc, after, limit)
	if err != nil {
		return ContactTimeline{}, fmt.Errorf("models: contact timeline: %w", err)
	}
	return tl, nil
}

// contactScope selects every message of the conversations with exactly these contact digits.
func (s *Store) contactScope(ctx context.Context, digits string) (messageScope, []ContactMatch, error) {
	var convs []ContactMatch
	err := s.db.WithContext(ctx).Raw(`SELECT c.id AS conversation_id, c.contact_number, c.channel, a.name AS app_name,
		c.message_count, c.last_message_at
		FROM conversations c JOIN apps a ON a.id = c.app_id
		WHERE c.contact_digits = ? ORDER BY c.last_message_at DESC, c.id DESC`, digits).Scan(&convs).Error
	if err != nil {
		return messageScope{}, nil, fmt.Errorf("models: contact conversations: %w", translate(err))
	}
	ids := make([]int64, len(convs))
	for i, c := range convs {
		ids[i] = c.ConversationID
	}
	var sc messageScope
	sc.inConversations(ids)
	return sc, convs, nil
}
