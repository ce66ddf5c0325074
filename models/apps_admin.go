package models

import (
	"context"
	"fmt"
	"strings"
)

// AppChange is an edit of an app: a new name, and a new key when Key is not empty.
type AppChange struct {
	Name string
	Key  string
}

// UpdateApp renames an app and, when a key is given, replaces its sealed key (and mode).
func (s *Store) UpdateApp(ctx context.Context, appID string, ch AppChange) (App, error) {
	name := strings.TrimSpace(ch.Name)
	if name == "" || len(name) > 200 {
		return App{}, fmt.Errorf("models: update app: name is required (at most 200 characters): %w", ErrInvalid)
	}
	updates := map[string]any{"name": name, "updated_at": s.clock()}
	if key := strings.TrimSpace(ch.Key); key != "" {
		mode, err := KeyMode(key)
		if err != nil {
			return App{}, fmt.Errorf("models: update app: %w", err)
		}
		sealed, err := s.seal([]byte(key), []byte(appID))
		if err != nil {
			return App{}, err
		}
		updates["key_sealed"], updates["key_preview"], updates["mode"] = sealed, MaskKey(key), mode
	}
	return s.updateApp(ctx, appID, "update", updates)
}

// RotateWebhookSecret gives an app a new webhook secret and returns it in clear (shown
// once; only its hash is kept). The old secret stops working at once.
func (s *Store) RotateWebhookSecret(ctx context.Context, appID string) (App, string, error) {
	secret := GenerateSecret()
	a, err := s.updateApp(ctx, appID, "rotate secret of", map[string]any{"webhook_secret_hash": hashSecret(secret), "updated_at": s.clock()})
	if err != nil {
		return App{}, "", err
	}
	return a, secret, nil
}

// DeleteApp removes an app and, through the schema's cascades, its conversations,
// messages and media records.
func (s *Store) DeleteApp(ctx context.Context, appID string) error {
	res := s.db.WithContext(ctx).Where("app_id = ?", appID).Delete(&App{})
	if res.Error != nil {
		return fmt.Errorf("models: delete app %q: %w", appID, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("models: delete app %q: %w", appID, ErrNotFound)
	}
	return nil
}

func (s *Store) updateApp(ctx context.Context, appID, what string, updates map[string]any) (App, error) {
	res := s.db.WithContext(ctx).Model(&App{}).Where("app_id = ?", appID).Updates(updates)
	if res.Error != nil {
		return App{}, fmt.Errorf("models: %s app %q: %w", what, appID, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return App{}, fmt.Errorf("models: %s app %q: %w", what, appID, ErrNotFound)
	}
	return s.AppByAppID(ctx, appID)
}
