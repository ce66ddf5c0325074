package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
)

var appIDPattern = regexp.MustCompile(`^app_(test_)?[A-Za-z0-9]{10,64}$`)

// NewApp is what it takes to register a Chirp application.
type NewApp struct {
	AppID string
	Name  string
	Key   string
	// WebhookSecret is the value Chirp sends in X-Webhook-Secret; generated when empty.
	WebhookSecret string
}

// CheckAppID validates a Chirp application id.
func CheckAppID(id string) error {
	if !appIDPattern.MatchString(id) {
		return fmt.Errorf("app id %q must look like app_… (letters and digits): %w", id, ErrInvalid)
	}
	return nil
}

// KeyMode validates an app key's prefix and returns its mode ("test" or "live").
func KeyMode(key string) (string, error) {
	switch {
	case strings.HasPrefix(key, "sk_test_app_") && len(key) > len("sk_test_app_")+8:
		return "test", nil
	case strings.HasPrefix(key, "sk_live_app_") && len(key) > len("sk_live_app_")+8:
		return "live", nil
	case strings.HasPrefix(key, "sk_admin_"):
		return "", fmt.Errorf("that is an admin key; Aviary needs the app's own key (sk_live_app_… or sk_test_app_…): %w", ErrInvalid)
	}
	return "", fmt.Errorf("app key must start with sk_live_app_ or sk_test_app_: %w", ErrInvalid)
}

// MaskKey shows only the prefix and the last four characters of a key.
func MaskKey(key string) string {
	prefix := "sk_"
	for _, p := range []string{"sk_live_app_", "sk_test_app_"} {
		if strings.HasPrefix(key, p) {
			prefix = p
		}
	}
	if len(key) < len(prefix)+4 {
		return prefix + "…"
	}
	return prefix + "…" + key[len(key)-4:]
}

// GenerateSecret returns a random URL-safe webhook secret.
func GenerateSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// CreateApp validates and stores an app, sealing its key. It returns the app and the
// webhook secret in clear (shown once; only its hash is kept).
func (s *Store) CreateApp(ctx context.Context, na NewApp) (App, string, error) {
	if err := CheckAppID(na.AppID); err != nil {
		return App{}, "", fmt.Errorf("models: create app: %w", err)
	}
	name := strings.TrimSpace(na.Name)
	if name == "" || len(name) > 200 {
		return App{}, "", fmt.Errorf("models: create app: name is required (at most 200 characters): %w", ErrInvalid)
	}
	key := strings.TrimSpace(na.Key)
	mode, err := KeyMode(key)
	if err != nil {
		return App{}, "", fmt.Errorf("models: create app: %w", err)
	}
	secret := na.WebhookSecret
	if secret == "" {
		secret = GenerateSecret()
	} else if len(secret) < 16 {
		return App{}, "", fmt.Errorf("models: create app: webhook secret must be at least 16 characters: %w", ErrInvalid)
	}
	sealed, err := s.seal([]byte(key), []byte(na.AppID))
	if err != nil {
		return App{}, "", err
	}
	now := s.clock()
	a := App{AppID: na.AppID, Name: name, KeySealed: sealed, KeyPreview: MaskKey(key), Mode: mode,
		WebhookSecretHash: hashSecret(secret), CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&a).Error; err != nil {
		return App{}, "", fmt.Errorf("models: create app %s: %w", na.AppID, translate(err))
	}
	return a, secret, nil
}

// AppByAppID finds an app by its Chirp id.
func (s *Store) AppByAppID(ctx context.Context, appID string) (App, error) {
	var a App
	if err := s.db.WithContext(ctx).Where("app_id = ?", appID).First(&a).Error; err != nil {
		return App{}, fmt.Errorf("models: find app %q: %w", appID, translate(err))
	}
	return a, nil
}

// Apps lists every app by name.
func (s *Store) Apps(ctx context.Context) ([]App, error) {
	var apps []App
	if err := s.db.WithContext(ctx).Order("name, id").Find(&apps).Error; err != nil {
		return nil, fmt.Errorf("models: list apps: %w", translate(err))
	}
	return apps, nil
}

// AppKey opens an app's sealed key, for calls to Chirp only.
func (s *Store) AppKey(a App) (string, error) {
	b, err := s.open(a.KeySealed, []byte(a.AppID))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// WebhookSecretMatches checks a presented webhook secret against the app's, in constant time.
func (a App) WebhookSecretMatches(presented string) bool {
	return presented != "" && secretMatches(presented, a.WebhookSecretHash)
}
