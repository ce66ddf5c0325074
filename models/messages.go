package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Media states as a lookup, an export or a transcript reports them.
const (
	MediaAvailable      = "available"       // Chirp should still serve it
	MediaExpired        = "expired"         // past its expiry date
	MediaGone           = "gone"            // Chirp answered 404: deleted by retention
	MediaNotRetrievable = "not retrievable" // a legacy payload carried no mediaId
)

// MessageHit is one message with its conversation and media references, as support
// lookups, contact timelines, exports and transcripts list them. It holds no URL.
type MessageHit struct {
	ID             int64
	ChirpMessageID string
	ConversationID int64
	AppID          string // Chirp app id
	AppName        string
	Channel        string
	BusinessNumber string
	ContactNumber  string
	Direction      string
	Type           string
	Status         string
	Text           string
	Subject        string
	SentAt         time.Time
	Media          []MediaRef `gorm:"-"`
}

// MediaRef is a media reference: Chirp's id and what Aviary knows of the file's state.
type MediaRef struct {
	MessageID int64
	MediaID   string // empty for legacy attachments
	Kind      string
	MimeType  string
	Filename  string
	SizeBytes int64
	ExpiresAt *time.Time
	State     string
}

// messageScope is a set of conditions on messages m joined to conversations c and apps a.
type messageScope struct {
	conds []string
	args  []any
	asc   bool // oldest first (exports and transcripts of a conversation)
	empty bool // matches nothing (a phone lookup that found no contact)
	// pgTSQuery is a Postgres text search (see pgTextPage).
	pgTSQuery string
}

func (sc *messageScope) where(cond string, args ...any) {
	sc.conds = append(sc.conds, cond)
	sc.args = append(sc.args, args...)
}

func (sc *messageScope) inConversations(ids []int64) {
	if len(ids) == 0 {
		sc.empty = true
		return
	}
	sc.where("m.conversation_id IN ?", ids)
}

func (sc *messageScope) filter(f SearchFilters) {
	if f.AppID != "" {
		sc.where("a.app_id = ?", f.AppID)
	}
	if f.Channel != "" {
		sc.where("c.channel = ?", f.Channel)
	}
	if f.Direction != "" {
		sc.where("m.direction = ?", f.Direction)
	}
	if f.HasMedia {
		sc.where("EXISTS (SELECT 1 FROM media md WHERE md.message_id = m.id)")
	}
	if !f.From.IsZero() {
		sc.where("m.sent_at >= ?", dayStart(f.From))
	}
	if !f.To.IsZero() {
		sc.where("m.sent_at < ?", dayStart(f.To).AddDate(0, 0, 1))
	}
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// messagePage returns up to limit messages of the scope after the cursor, and the cursor
// of the next page when there is one. Pages are keyset-based on (sent_at, id): page 1,000
// costs what page 1 does.
func (s *Store) messagePage(ctx context.Context, sc messageScope, after *Cursor, limit int) ([]MessageHit, *Cursor, error) {
	if limit <= 0 || limit > 1000 {
		limit = 25
	}
	if sc.empty {
		return nil, nil, nil
	}
	var hits []MessageHit
	var err error
	if sc.pgTSQuery != "" {
		hits, err = s.pgTextPage(ctx, sc, after, limit+1)
	} else {
		hits, err = s.scan(ctx, "", sc.query(after, limit+1))
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	var next *Cursor
	if len(hits) > limit {
		hits = hits[:limit]
		last := hits[limit-1]
		next = &Cursor{At: last.SentAt.UTC(), ID: last.ID}
	}
	if err := s.attachMediaRefs(ctx, hits); err != nil {
		return nil, nil, err
	}
	return hits, next, nil
}

// pgTextPage finds a page of a Postgres text search in one of two ways, because no single
// plan is fast for both common and rare words. First it checks the text of the next
// window of messages in page order (the other conditions applied): a word that is common
// fills the page from there. Otherwise the GIN index lists every match, which is then few
// enough to sort. Left to itself the planner walks the time index for rare prefixes too,
// recomputing the tsvector of every message.
func (s *Store) pgTextPage(ctx context.Context, sc messageScope, after *Cursor, n int) ([]MessageHit, error) {
	window := max(500, 4*n)
	inner := sc.query(after, window)
	dir := sc.direction()
	hits, err := s.scan(ctx, "", sqlQuery{
		text: `SELECT * FROM (` + inner.text + `) m WHERE ` + pgTextDocument + ` @@ to_tsquery('simple', ?)
			ORDER BY m.sent_at ` + dir + `, m.id ` + dir + ` LIMIT ?`,
		args: append(inner.args, sc.pgTSQuery, n)})
	if err != nil || len(hits) == n {
		return hits, err
	}
	// Without other conditions the page is the top n of the matches: only those n rows
	// are joined. The matches are materialized first so that no ORDER BY tempts the
	// planner back onto the time index.
	if len(sc.conds) == 0 {
		top := sqlQuery{text: `SELECT id FROM text_hits m ORDER BY m.sent_at ` + dir + `, m.id ` + dir + ` LIMIT ?`, args: []any{n}}
		if after != nil {
			cmp := map[bool]string{true: ">", false: "<"}[sc.asc]
			top = sqlQuery{text: `SELECT id FROM text_hits m WHERE (m.sent_at, m.id) ` + cmp + ` (?, ?) ORDER BY m.sent_at ` + dir + `, m.id ` + dir + ` LIMIT ?`,
				args: []any{after.At.UTC(), after.ID, n}}
		}
		sc.where("m.id IN ("+top.text+")", top.args...)
	} else {
		sc.where("m.id IN (SELECT id FROM text_hits)")
	}
	return s.scan(ctx, `WITH text_hits AS MATERIALIZED (SELECT m.id, m.sent_at FROM messages m WHERE `+pgTextDocument+` @@ to_tsquery('simple', ?)) `,
		sc.query(after, n), sc.pgTSQuery)
}

type sqlQuery struct {
	text string
	args []any
}

func (sc messageScope) direction() string {
	if sc.asc {
		return "ASC"
	}
	return "DESC"
}

// query is the page query of the scope: its conditions, the cursor, order and limit.
func (sc messageScope) query(after *Cursor, limit int) sqlQuery {
	conds, args := append([]string{"1 = 1"}, sc.conds...), append([]any{}, sc.args...)
	dir, cmp := sc.direction(), "<"
	if sc.asc {
		cmp = ">"
	}
	if after != nil {
		conds = append(conds, "(m.sent_at, m.id) "+cmp+" (?, ?)")
		args = append(args, after.At.UTC(), after.ID)
	}
	return sqlQuery{text: `SELECT m.id, m.chirp_message_id, m.conversation_id, a.app_id, a.name AS app_name,
		c.channel, c.business_number, c.contact_number, m.direction, m.type, m.status, m.text, m.subject, m.sent_at
		FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN apps a ON a.id = m.app_id
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY m.sent_at ` + dir + `, m.id ` + dir + ` LIMIT ?`, args: append(args, limit)}
}

// scan runs a page query, with a WITH clause in front whose arguments come first.
func (s *Store) scan(ctx context.Context, with string, q sqlQuery, withArgs ...any) ([]MessageHit, error) {
	var hits []MessageHit
	err := s.db.WithContext(ctx).Raw(with+q.text, append(withArgs, q.args...)...).Scan(&hits).Error
	return hits, err
}

// attachMediaRefs loads the media references of a page of messages in one query.
func (s *Store) attachMediaRefs(ctx context.Context, hits []MessageHit) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]int64, len(hits))
	byID := make(map[int64]int, len(hits))
	for i, h := range hits {
		ids[i], byID[h.ID] = h.ID, i
	}
	var rows []Media
	if err := s.db.WithContext(ctx).Where("message_id IN ?", ids).Order("message_id, position").Find(&rows).Error; err != nil {
		return translate(err)
	}
	now := s.clock()
	for _, m := range rows {
		ref := MediaRef{MessageID: m.MessageID, Kind: m.Kind, MimeType: m.MimeType, Filename: m.Filename,
			SizeBytes: m.SizeBytes, ExpiresAt: m.ExpiresAt, State: mediaState(m, now)}
		if m.MediaID != nil {
			ref.MediaID = *m.MediaID
		}
		i := byID[m.MessageID]
		hits[i].Media = append(hits[i].Media, ref)
	}
	return nil
}

// mediaState says whether a media can still be fetched from Chirp, and if not, why.
func mediaState(m Media, now time.Time) string {
	switch {
	case m.MediaID == nil:
		return MediaNotRetrievable
	case m.GoneAt != nil:
		return MediaGone
	case m.ExpiredAt != nil, m.ExpiresAt != nil && !now.Before(*m.ExpiresAt):
		return MediaExpired
	}
	return MediaAvailable
}

// ConversationHeader is what exports and transcripts say about a conversation.
type ConversationHeader struct {
	ID             int64
	AppID          string
	AppName        string
	Channel        string
	BusinessNumber string
	ContactNumber  string
	MessageCount   int
	LastMessageAt  time.Time
}

// ConversationHeader finds a conversation's header; an unknown id is ErrNotFound.
func (s *Store) ConversationHeader(ctx context.Context, id int64) (ConversationHeader, error) {
	var h []ConversationHeader
	err := s.db.WithContext(ctx).Raw(`SELECT c.id, a.app_id, a.name AS app_name, c.channel, c.business_number,
		c.contact_number, c.message_count, c.last_message_at
		FROM conversations c JOIN apps a ON a.id = c.app_id WHERE c.id = ?`, id).Scan(&h).Error
	if err != nil {
		return ConversationHeader{}, fmt.Errorf("models: find conversation %d: %w", id, translate(err))
	}
	if len(h) == 0 {
		return ConversationHeader{}, fmt.Errorf("models: find conversation %d: %w", id, ErrNotFound)
	}
	return h[0], nil
}
