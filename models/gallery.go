package models

import (
	"context"
	"fmt"
	"time"
)

// Media availability filters of the gallery.
const (
	AvailabilityAvailable = "available" // can be shown: has a media id, not gone, not expired, expiry ahead
	AvailabilityExpiring  = "expiring"  // available, and expires within ExpiringWithin
	AvailabilityExpired   = "expired"   // gone (Chirp answered 404), marked expired, or past its expiry
)

// ExpiringWithin is the horizon of the "expiring soon" filter.
const ExpiringWithin = 7 * 24 * time.Hour

// GalleryFilter narrows the media gallery. Zero fields do not filter.
type GalleryFilter struct {
	AppID          int64
	Channel        string
	Kinds          []string
	ConversationID int64
	// ContactDigits matches conversations whose contact number contains these digits.
	ContactDigits string
	// From and To bound the media's creation time: From inclusive, To exclusive.
	From, To     time.Time
	Availability string
}

// GalleryRow is a media with what the gallery shows about its message and conversation.
type GalleryRow struct {
	Media
	ChirpMessageID string
	Direction      string
	ContactNumber  string
	BusinessNumber string
	AppName        string
}

// GalleryPage is one page of media, newest first; Next is set when more follow.
type GalleryPage struct {
	Items []GalleryRow
	Next  *Cursor
}

// Gallery lists media newest first (keyset on (created_at, id)), after the cursor when
// one is given.
func (s *Store) Gallery(ctx context.Context, f GalleryFilter, cur *Cursor, limit int) (GalleryPage, error) {
	limit = clampLimit(limit, 40, 200)
	q := s.db.WithContext(ctx).Table("media").
		Select("media.*, messages.chirp_message_id, messages.direction, conversations.contact_number, conversations.business_number, apps.name AS app_name").
		Joins("JOIN messages ON messages.id = media.message_id").
		Joins("JOIN conversations ON conversations.id = media.conversation_id").
		Joins("JOIN apps ON apps.id = media.app_id")
	if f.AppID != 0 {
		q = q.Where("media.app_id = ?", f.AppID)
	}
	if f.Channel != "" {
		q = q.Where("media.channel = ?", f.Channel)
	}
	if len(f.Kinds) > 0 {
		q = q.Where("media.kind IN ?", f.Kinds)
	}
	if f.ConversationID != 0 {
		q = q.Where("media.conversation_id = ?", f.ConversationID)
	}
	if f.ContactDigits != "" {
		q = q.Where("conversations.contact_digits LIKE ?", "%"+Digits(f.ContactDigits)+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("media.created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("media.created_at < ?", f.To.UTC())
	}
	now := s.clock()
	switch f.Availability {
	case AvailabilityAvailable:
		q = q.Where("media.media_id IS NOT NULL AND media.gone_at IS NULL AND media.expired_at IS NULL AND media.expires_at > ?", now)
	case AvailabilityExpiring:
		q = q.Where("media.media_id IS NOT NULL AND media.gone_at IS NULL AND media.expired_at IS NULL AND media.expires_at > ? AND media.expires_at <= ?",
			now, now.Add(ExpiringWithin))
	case AvailabilityExpired:
		q = q.Where("(media.gone_at IS NOT NULL OR media.expired_at IS NOT NULL OR media.expires_at <= ?)", now)
	}
	if cur != nil {
		q = before(q, "media.created_at", "media.id", *cur)
	}
	var rows []GalleryRow
	if err := q.Order("media.created_at DESC, media.id DESC").Limit(limit + 1).Scan(&rows).Error; err != nil {
		return GalleryPage{}, fmt.Errorf("models: list media: %w", translate(err))
	}
	page := GalleryPage{Items: rows}
	if len(rows) > limit {
		page.Items = rows[:limit]
		last := page.Items[limit-1]
		page.Next = &Cursor{At: last.CreatedAt, ID: last.ID}
	}
	return page, nil
}
