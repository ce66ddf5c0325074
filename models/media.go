package models

import (
	"context"
	"fmt"
	"time"
)

// MarkMediaGone records that Chirp answered 404 for a media: it was deleted by retention
// and is never asked for again.
func (s *Store) MarkMediaGone(ctx context.Context, appID int64, mediaID string) error {
	now := s.clock()
	err := s.db.WithContext(ctx).Model(&Media{}).
		Where("app_id = ? AND media_id = ? AND gone_at IS NULL", appID, mediaID).
		Updates(map[string]any{"gone_at": now, "last_checked_at": now, "last_error": "Chirp answered 404 Not Found"}).Error
	if err != nil {
		return fmt.Errorf("models: mark media %s gone: %w", mediaID, translate(err))
	}
	return nil
}

// RecordMediaAnswer records a successful Media API answer: Chirp's own expiry replaces
// the predicted one, and an "expired" mark set by the sweeper is cleared (Chirp still
// serves the file).
func (s *Store) RecordMediaAnswer(ctx context.Context, appID int64, mediaID string, chirpExpires time.Time) error {
	now := s.clock()
	updates := map[string]any{"last_checked_at": now, "last_error": "", "expired_at": nil}
	if !chirpExpires.IsZero() {
		updates["expires_at"] = chirpExpires.UTC().Truncate(time.Microsecond)
		updates["expiry_from_chirp"] = true
	}
	err := s.db.WithContext(ctx).Model(&Media{}).Where("app_id = ? AND media_id = ?", appID, mediaID).Updates(updates).Error
	if err != nil {
		return fmt.Errorf("models: record answer for media %s: %w", mediaID, translate(err))
	}
	return nil
}

// RecordMediaError records a failed Media API call that did not mean "gone" (timeouts,
// 5xx, 429, 401). It never marks the media gone.
func (s *Store) RecordMediaError(ctx context.Context, appID int64, mediaID, message string) error {
	err := s.db.WithContext(ctx).Model(&Media{}).Where("app_id = ? AND media_id = ?", appID, mediaID).
		Updates(map[string]any{"last_checked_at": s.clock(), "last_error": truncateRunes(message, 300)}).Error
	if err != nil {
		return fmt.Errorf("models: record error for media %s: %w", mediaID, translate(err))
	}
	return nil
}

// MediaWithApp is a media row with the app that received it.
type MediaWithApp struct {
	Media
	App App
}

// MediaByMediaID finds a media by Chirp's media id.
func (s *Store) MediaByMediaID(ctx context.Context, mediaID string) (MediaWithApp, error) {
	var m Media
	if err := s.db.WithContext(ctx).Where("media_id = ?", mediaID).Order("id").Take(&m).Error; err != nil {
		return MediaWithApp{}, fmt.Errorf("models: find media %q: %w", mediaID, translate(err))
	}
	var a App
	if err := s.db.WithContext(ctx).Take(&a, m.AppID).Error; err != nil {
		return MediaWithApp{}, fmt.Errorf("models: app of media %q: %w", mediaID, translate(err))
	}
	return MediaWithApp{Media: m, App: a}, nil
}

// MediaByID finds a media by its row id.
func (s *Store) MediaByID(ctx context.Context, id int64) (Media, error) {
	var m Media
	if err := s.db.WithContext(ctx).Take(&m, id).Error; err != nil {
		return Media{}, fmt.Errorf("models: find media #%d: %w", id, translate(err))
	}
	return m, nil
}

// AppsByID returns every app keyed by row id (there are few).
func (s *Store) AppsByID(ctx context.Context) (map[int64]App, error) {
	apps, err := s.Apps(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]App, len(apps))
	for _, a := range apps {
		out[a.ID] = a
	}
	return out, nil
}
