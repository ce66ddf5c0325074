package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

func TestOrganizationDefaults(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		o, err := s.Organization(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if o.MediaRetentionDays != 90 {
			t.Errorf("retention = %d, want 90", o.MediaRetentionDays)
		}
	})
}

func TestCreateUser(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, models.NewUser{Email: " Ada@Example.com ", Password: "correct horse", Role: models.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ada@example.com" || u.PasswordHash == "correct horse" || u.SessionEpoch != 1 {
			t.Errorf("user stored as %+v", u)
		}
		got, err := s.UserByEmail(ctx, "ADA@example.COM")
		if err != nil || got.ID != u.ID {
			t.Fatalf("lookup by email ignoring case: %v %+v", err, got)
		}
		_, err = s.CreateUser(ctx, models.NewUser{Email: "ada@EXAMPLE.com", Password: "another password", Role: models.RoleViewer})
		if !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate email: err = %v, want ErrConflict", err)
		}
		for _, bad := range []models.NewUser{
			{Email: "not-an-email", Password: "long enough pw", Role: models.RoleViewer},
			{Email: "b@example.com", Password: "short", Role: models.RoleViewer},
			{Email: "c@example.com", Password: "long enough pw", Role: "root"},
		} {
			if _, err := s.CreateUser(ctx, bad); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("CreateUser(%+v) err = %v, want ErrInvalid", bad, err)
			}
		}
		if _, err := s.UserByID(ctx, 999999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("missing user: err = %v, want ErrNotFound", err)
		}
		if n, _ := s.CountUsers(ctx); n != 1 {
			t.Errorf("CountUsers = %d, want 1", n)
		}
	})
}

func TestCreateAppSealsKey(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		key := "sk_live_app_0123456789abcdefXYZa1b2"
		a, secret, err := s.CreateApp(ctx, models.NewApp{AppID: "app_2abcdefghijklmnopqrstuvwxyz", Name: "Support line", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != "live" || a.KeyPreview != "sk_live_app_…a1b2" {
			t.Errorf("mode %q preview %q", a.Mode, a.KeyPreview)
		}
		if strings.Contains(string(a.KeySealed), key) || strings.Contains(a.WebhookSecretHash, secret) {
			t.Error("key or secret stored in clear")
		}
		got, err := s.AppByAppID(ctx, a.AppID)
		if err != nil {
			t.Fatal(err)
		}
		if k, err := s.AppKey(got); err != nil || k != key {
			t.Errorf("AppKey = %q, %v", k, err)
		}
		if !got.WebhookSecretMatches(secret) || got.WebhookSecretMatches(secret+"x") || got.WebhookSecretMatches("") {
			t.Error("webhook secret comparison wrong")
		}
		for _, bad := range []models.NewApp{
			{AppID: "nope", Name: "x", Key: key},
			{AppID: "app_3abcdefghijklmnopqrstuvwxyz", Name: "x", Key: "sk_admin_123456789012"},
			{AppID: "app_3abcdefghijklmnopqrstuvwxyz", Name: "", Key: key},
		} {
			if _, _, err := s.CreateApp(ctx, bad); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("CreateApp(%+v) err = %v, want ErrInvalid", bad.AppID, err)
			}
		}
		if _, _, err := s.CreateApp(ctx, models.NewApp{AppID: a.AppID, Name: "dup", Key: key}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate app: %v", err)
		}
	})
}

func TestNormalizePhone(t *testing.T) {
	for _, in := range []string{"+1 (555) 123-4567", "555.123.4567", "15551234567", "001 555 123 4567", "+15551234567", "(555) 123 4567"} {
		e, d, err := models.NormalizePhone(in)
		if err != nil || e != "+15551234567" || d != "15551234567" {
			t.Errorf("NormalizePhone(%q) = %q %q %v", in, e, d, err)
		}
	}
	if e, _, err := models.NormalizePhone("+44 20 7946 0958"); err != nil || e != "+442079460958" {
		t.Errorf("UK number: %q %v", e, err)
	}
	for _, bad := range []string{"", "abc", "12"} {
		if _, _, err := models.NormalizePhone(bad); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("NormalizePhone(%q) err = %v", bad, err)
		}
	}
	if got := models.FormatPhone("+15551234567"); got != "+1 555-123-4567" {
		t.Errorf("FormatPhone = %q", got)
	}
}
