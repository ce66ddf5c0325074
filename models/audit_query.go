package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditFilter narrows the audit log. Zero fields do not filter.
type AuditFilter struct {
	// Action is an exact action ("user.role"), or a prefix when it ends with "." ("user.").
	Action string
	// ActorEmail matches actor emails containing it, ignoring case.
	ActorEmail string
	// From and To bound the event time: From <= at < To.
	From, To time.Time
}

// AuditCursor is the position after the last event of a page (keyset pagination on
// time, then id, both descending).
type AuditCursor struct {
	At time.Time
	ID int64
}

// String encodes the cursor for a URL.
func (c AuditCursor) String() string {
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

// ParseAuditCursor decodes what AuditCursor.String produced.
func ParseAuditCursor(raw string) (AuditCursor, error) {
	at, id, ok := strings.Cut(raw, "-")
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return AuditCursor{}, fmt.Errorf("models: audit cursor %q: %w", raw, ErrInvalid)
	}
	return AuditCursor{At: time.UnixMicro(us).UTC(), ID: n}, nil
}

// MaxAuditPage is the largest page AuditPage returns.
const MaxAuditPage = 500

// AuditPage returns up to limit events matching f, newest first, after the cursor (nil:
// from the newest), and the cursor of the next page (nil when there is none).
func (s *Store) AuditPage(ctx context.Context, f AuditFilter, after *AuditCursor, limit int) ([]AuditEvent, *AuditCursor, error) {
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	q := s.db.WithContext(ctx).Model(&AuditEvent{})
	if a := strings.TrimSpace(f.Action); strings.HasSuffix(a, ".") {
		q = q.Where("action LIKE ? ESCAPE '\\'", likeEscape(a)+"%")
	} else if a != "" {
		q = q.Where("action = ?", a)
	}
	if e := strings.ToLower(strings.TrimSpace(f.ActorEmail)); e != "" {
		q = q.Where("lower(actor_email) LIKE ? ESCAPE '\\'", "%"+likeEscape(e)+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if after != nil {
		at := after.At.UTC()
		q = q.Where("(at < ? OR (at = ? AND id < ?))", at, at, after.ID)
	}
	var events []AuditEvent
	if err := q.Order("at DESC, id DESC").Limit(limit + 1).Find(&events).Error; err != nil {
		return nil, nil, fmt.Errorf("models: audit page: %w", translate(err))
	}
	if len(events) <= limit {
		return events, nil, nil
	}
	events = events[:limit]
	last := events[limit-1]
	return events, &AuditCursor{At: last.At, ID: last.ID}, nil
}

// AuditActions lists the distinct actions in the log, for the filter.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	var actions []string
	if err := s.db.WithContext(ctx).Model(&AuditEvent{}).Distinct("action").Order("action").Pluck("action", &actions).Error; err != nil {
		return nil, fmt.Errorf("models: audit actions: %w", translate(err))
	}
	return actions, nil
}

// likeEscape escapes LIKE wildcards so user input matches literally.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
