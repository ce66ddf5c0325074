package models

import (
	"context"
	"fmt"
)

// ConversationFilter narrows the conversation list. Zero fields do not filter.
type ConversationFilter struct {
	AppID    int64
	Channel  string // ChannelSMS or ChannelWhatsApp
	HasMedia bool
}

// ConversationRow is a conversation as the list shows it, with its app's name.
type ConversationRow struct {
	Conversation
	AppName string
}

// ConversationPage is one page of the conversation list, newest activity first. Next is
// set when more conversations follow.
type ConversationPage struct {
	Items []ConversationRow
	Next  *Cursor
}

// Conversations lists conversations by last activity, newest first, continuing after
// the cursor when one is given (keyset on (last_message_at, id)).
func (s *Store) Conversations(ctx context.Context, f ConversationFilter, cur *Cursor, limit int) (ConversationPage, error) {
	limit = clampLimit(limit, 30, 200)
	q := s.db.WithContext(ctx).Table("conversations").
		Select("conversations.*, apps.name AS app_name").
		Joins("JOIN apps ON apps.id = conversations.app_id")
	if f.AppID != 0 {
		q = q.Where("conversations.app_id = ?", f.AppID)
	}
	if f.Channel != "" {
		q = q.Where("conversations.channel = ?", f.Channel)
	}
	if f.HasMedia {
		q = q.Where("conversations.media_count > 0")
	}
	if cur != nil {
		q = before(q, "conversations.last_message_at", "conversations.id", *cur)
	}
	var rows []ConversationRow
	err := q.Order("conversations.last_message_at DESC, conversations.id DESC").Limit(limit + 1).Scan(&rows).Error
	if err != nil {
		return ConversationPage{}, fmt.Errorf("models: list conversations: %w", translate(err))
	}
	page := ConversationPage{Items: rows}
	if len(rows) > limit {
		page.Items = rows[:limit]
		last := page.Items[limit-1]
		page.Next = &Cursor{At: last.LastMessageAt, ID: last.ID}
	}
	return page, nil
}

// ConversationByID finds one conversation with its app's name.
func (s *Store) ConversationByID(ctx context.Context, id int64) (ConversationRow, error) {
	var rows []ConversationRow
	err := s.db.WithContext(ctx).Table("conversations").
		Select("conversations.*, apps.name AS app_name").
		Joins("JOIN apps ON apps.id = conversations.app_id").
		Where("conversations.id = ?", id).Limit(1).Scan(&rows).Error
	if err != nil {
		return ConversationRow{}, fmt.Errorf("models: find conversation %d: %w", id, translate(err))
	}
	if len(rows) == 0 {
		return ConversationRow{}, fmt.Errorf("models: find conversation %d: %w", id, ErrNotFound)
	}
	return rows[0], nil
}
