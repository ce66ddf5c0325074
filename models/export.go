package models

import (
	"context"
	"fmt"
)

// exportBatch is how many messages an export reads per query: exports of any size hold
// one batch in memory.
const exportBatch = 500

// MessageBatches reads a set of messages batch by batch, keyset-paginated.
type MessageBatches struct {
	s     *Store
	scope messageScope
	after *Cursor
	done  bool
	err   error
}

// Next returns the next batch; an empty batch means the end.
func (b *MessageBatches) Next(ctx context.Context) ([]MessageHit, error) {
	if b.err != nil || b.done {
		return nil, b.err
	}
	hits, next, err := b.s.messagePage(ctx, b.scope, b.after, exportBatch)
	if err != nil {
		b.err = fmt.Errorf("models: export: %w", err)
		return nil, b.err
	}
	b.after, b.done = next, next == nil
	return hits, nil
}

// ExportConversation reads every message of a conversation, oldest first.
func (s *Store) ExportConversation(id int64) *MessageBatches {
	sc := messageScope{asc: true}
	sc.where("m.conversation_id = ?", id)
	return &MessageBatches{s: s, scope: sc}
}

// ExportContact reads every message with the contact (exact digits), oldest first.
func (s *Store) ExportContact(ctx context.Context, digits string) (*MessageBatches, error) {
	sc, _, err := s.contactScope(ctx, digits)
	if err != nil {
		return nil, err
	}
	sc.asc = true
	return &MessageBatches{s: s, scope: sc}, nil
}

// ExportSearch reads every result of a lookup, in result order (newest first).
func (s *Store) ExportSearch(ctx context.Context, q SearchQuery) (*MessageBatches, error) {
	sc, _, err := s.searchScope(ctx, q)
	if err != nil {
		return nil, err
	}
	return &MessageBatches{s: s, scope: sc}, nil
}

// TranscriptPage returns up to limit messages of a conversation after the cursor, oldest
// first, for the printable transcript.
func (s *Store) TranscriptPage(ctx context.Context, id int64, after *Cursor, limit int) ([]MessageHit, *Cursor, error) {
	sc := messageScope{asc: true}
	sc.where("m.conversation_id = ?", id)
	hits, next, err := s.messagePage(ctx, sc, after, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("models: transcript of conversation %d: %w", id, err)
	}
	return hits, next, nil
}
