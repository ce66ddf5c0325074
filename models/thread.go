package models

import (
	"context"
	"fmt"
	"slices"
)

// ThreadPage is a run of consecutive messages of one conversation, oldest first, each
// with its media. Older is set when earlier messages exist (continue with ThreadBefore),
// Newer when later ones exist (continue with ThreadAfter). Highlight is the row id of the
// message a ThreadAround page was opened at.
type ThreadPage struct {
	Messages  []Message
	Older     *Cursor
	Newer     *Cursor
	Highlight int64
}

// ThreadLatest returns the newest page of a conversation.
func (s *Store) ThreadLatest(ctx context.Context, convID int64, limit int) (ThreadPage, error) {
	return s.ThreadBefore(ctx, convID, nil, limit)
}

// ThreadBefore returns up to limit messages that come before the cursor (the newest ones
// when cur is nil), in keyset order on (sent_at, id).
func (s *Store) ThreadBefore(ctx context.Context, convID int64, cur *Cursor, limit int) (ThreadPage, error) {
	limit = clampLimit(limit, 50, 500)
	older, more, err := s.threadSlice(ctx, convID, cur, false, limit)
	if err != nil {
		return ThreadPage{}, err
	}
	slices.Reverse(older)
	page := ThreadPage{Messages: older}
	if more {
		page.Older = cursorOf(older[0])
	}
	return page, s.attachMedia(ctx, page.Messages)
}

// ThreadAfter returns up to limit messages that come after the cursor, oldest first.
func (s *Store) ThreadAfter(ctx context.Context, convID int64, cur Cursor, limit int) (ThreadPage, error) {
	limit = clampLimit(limit, 50, 500)
	newer, more, err := s.threadSlice(ctx, convID, &cur, true, limit)
	if err != nil {
		return ThreadPage{}, err
	}
	page := ThreadPage{Messages: newer}
	if more {
		page.Newer = cursorOf(newer[len(newer)-1])
	}
	return page, s.attachMedia(ctx, page.Messages)
}

// ThreadAround returns a page centred on the message with the Chirp message id: about
// half the page before it (the message included) and the rest after it. An id that is
// not in this conversation is ErrNotFound.
func (s *Store) ThreadAround(ctx context.Context, convID int64, chirpMessageID string, limit int) (ThreadPage, error) {
	limit = clampLimit(limit, 50, 500)
	var target Message
	err := s.db.WithContext(ctx).Where("conversation_id = ? AND chirp_message_id = ?", convID, chirpMessageID).
		Order("id").Take(&target).Error
	if err != nil {
		return ThreadPage{}, fmt.Errorf("models: find message %q in conversation %d: %w", chirpMessageID, convID, translate(err))
	}
	at := cursorOf(target)
	// The target itself is the first row "before" a cursor just past it.
	past := Cursor{At: at.At, ID: at.ID + 1}
	olderN := limit / 2
	older, moreOlder, err := s.threadSlice(ctx, convID, &past, false, olderN)
	if err != nil {
		return ThreadPage{}, err
	}
	newer, moreNewer, err := s.threadSlice(ctx, convID, at, true, limit-len(older))
	if err != nil {
		return ThreadPage{}, err
	}
	slices.Reverse(older)
	page := ThreadPage{Messages: append(older, newer...), Highlight: target.ID}
	if moreOlder {
		page.Older = cursorOf(older[0])
	}
	if moreNewer {
		page.Newer = cursorOf(newer[len(newer)-1])
	}
	return page, s.attachMedia(ctx, page.Messages)
}

// threadSlice reads up to limit messages on one side of cur (descending before it, or
// ascending after it) and says whether more exist beyond them.
func (s *Store) threadSlice(ctx context.Context, convID int64, cur *Cursor, ascending bool, limit int) ([]Message, bool, error) {
	if limit <= 0 {
		return nil, false, nil
	}
	q := s.db.WithContext(ctx).Where("conversation_id = ?", convID)
	order := "sent_at DESC, id DESC"
	switch {
	case ascending:
		q, order = after(q, "sent_at", "id", *cur), "sent_at ASC, id ASC"
	case cur != nil:
		q = before(q, "sent_at", "id", *cur)
	}
	var rows []Message
	if err := q.Order(order).Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, false, fmt.Errorf("models: read conversation %d: %w", convID, translate(err))
	}
	if len(rows) > limit {
		return rows[:limit], true, nil
	}
	return rows, false, nil
}

// attachMedia loads the media of msgs in one query.
func (s *Store) attachMedia(ctx context.Context, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	var media []Media
	if err := s.db.WithContext(ctx).Where("message_id IN ?", ids).Order("message_id, position").Find(&media).Error; err != nil {
		return fmt.Errorf("models: media of messages: %w", translate(err))
	}
	byMsg := make(map[int64][]Media, len(msgs))
	for _, m := range media {
		byMsg[m.MessageID] = append(byMsg[m.MessageID], m)
	}
	for i := range msgs {
		msgs[i].Media = byMsg[msgs[i].ID]
	}
	return nil
}

// ConversationMedia returns the newest media of a conversation of the given kinds (all
// kinds when none are given), up to limit, with their messages' Chirp ids.
func (s *Store) ConversationMedia(ctx context.Context, convID int64, kinds []string, limit int) ([]GalleryRow, error) {
	f := GalleryFilter{ConversationID: convID, Kinds: kinds}
	page, err := s.Gallery(ctx, f, nil, limit)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

func cursorOf(m Message) *Cursor { return &Cursor{At: m.SentAt, ID: m.ID} }
