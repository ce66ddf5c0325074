package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/migrations"
)

// pgTextDocument is the expression messages_text_search indexes
// (migrations/postgres/00004_search.sql). It must stay the same expression, or Postgres
// stops using the index (TestPostgresSearchUsesItsIndexes checks).
const pgTextDocument = `to_tsvector('simple', translate(m.text, '@./-:<>&_+', '          '))`

// maxPhoneConversations bounds how many conversations a partial number may match; more
// means the query is too short to be useful, and the page says so.
const maxPhoneConversations = 500

// ParseOptionalCursor decodes a page cursor from a URL; "" is no cursor (the first page).
func ParseOptionalCursor(raw string) (*Cursor, error) {
	if raw == "" {
		return nil, nil
	}
	c, err := ParseCursor(raw)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// ContactMatch is a conversation whose contact number matched a phone lookup.
type ContactMatch struct {
	ConversationID int64
	ContactNumber  string
	Channel        string
	AppName        string
	MessageCount   int
	LastMessageAt  time.Time
}

// SearchPage is one page of lookup results, newest first.
type SearchPage struct {
	Hits []MessageHit
	Next *Cursor // nil on the last page
	// Contacts are the conversations a phone lookup matched (phone queries only).
	Contacts []ContactMatch
	// TooManyContacts is set when a partial number matched more conversations than a
	// lookup follows; the page shows the most recent ones.
	TooManyContacts bool
}

// Search runs a support lookup and returns the page after the cursor (nil: first page).
func (s *Store) Search(ctx context.Context, q SearchQuery, after *Cursor, limit int) (SearchPage, error) {
	sc, page, err := s.searchScope(ctx, q)
	if err != nil {
		return SearchPage{}, err
	}
	hits, next, err := s.messagePage(ctx, sc, after, limit)
	if err != nil {
		return SearchPage{}, fmt.Errorf("models: search %s: %w", q.Kind, err)
	}
	page.Hits, page.Next = hits, next
	return page, nil
}

// searchScope turns a query into the conditions on messages m (joined to conversations c
// and apps a). Phone lookups first find their conversations, so the message query is an
// index walk per conversation whatever the planner thinks of the pattern.
func (s *Store) searchScope(ctx context.Context, q SearchQuery) (messageScope, SearchPage, error) {
	var sc messageScope
	var page SearchPage
	switch q.Kind {
	case QueryPhone:
		contacts, more, err := s.contactsLike(ctx, q.Digits)
		if err != nil {
			return sc, page, err
		}
		page.Contacts, page.TooManyContacts = contacts, more
		ids := make([]int64, len(contacts))
		for i, c := range contacts {
			ids[i] = c.ConversationID
		}
		sc.inConversations(ids)
	case QueryMessageID:
		sc.where("m.chirp_message_id IN ?", q.IDs)
	case QueryMediaID:
		sc.where("m.id IN (SELECT md.message_id FROM media md WHERE md.media_id IN ?)", q.IDs)
	case QueryText:
		if s.dialect == migrations.Postgres {
			sc.pgTSQuery = pgTSQuery(q.Terms)
		} else {
			sc.where("m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)", ftsQuery(q.Terms))
		}
	}
	sc.filter(q.Filters)
	return sc, page, nil
}

// contactsLike finds the conversations whose contact digits contain any of the digit
// strings, most recently active first.
func (s *Store) contactsLike(ctx context.Context, digits []string) ([]ContactMatch, bool, error) {
	var conds []string
	var args []any
	for _, d := range digits {
		conds = append(conds, "c.contact_digits LIKE ?")
		args = append(args, "%"+d+"%")
	}
	args = append(args, maxPhoneConversations+1)
	var out []ContactMatch
	err := s.db.WithContext(ctx).Raw(`SELECT c.id AS conversation_id, c.contact_number, c.channel, a.name AS app_name,
		c.message_count, c.last_message_at
		FROM conversations c JOIN apps a ON a.id = c.app_id
		WHERE `+strings.Join(conds, " OR ")+`
		ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?`, args...).Scan(&out).Error
	if err != nil {
		return nil, false, fmt.Errorf("models: find contacts: %w", translate(err))
	}
	if len(out) > maxPhoneConversations {
		return out[:maxPhoneConversations], true, nil
	}
	return out, false, nil
}

// pgTSQuery builds a tsquery matching every term as a word prefix. Terms are runs of
// letters and digits only, so they need no quoting.
func pgTSQuery(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t + ":*"
	}
	return strings.Join(parts, " & ")
}

// ftsQuery builds an FTS5 query matching every term as a word prefix.
func ftsQuery(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"*`
	}
	return strings.Join(parts, " AND ")
}
