package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

func TestUpdateRotateDeleteApp(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		id := "app_4abcdefghijklmnop"
		a, secret, err := s.CreateApp(ctx, models.NewApp{AppID: id, Name: "Sales", Key: "sk_live_app_0123456789abcdefa1b2"})
		if err != nil {
			t.Fatal(err)
		}
		// Rename only: the key stays.
		u, err := s.UpdateApp(ctx, id, models.AppChange{Name: "  Sales EU "})
		if err != nil || u.Name != "Sales EU" || u.KeyPreview != a.KeyPreview {
			t.Fatalf("rename: %v %+v", err, u)
		}
		// Replace the key: new preview, mode from the prefix, opens to the new key.
		newKey := "sk_test_app_9876543210zyxwvuc3d4"
		u, err = s.UpdateApp(ctx, id, models.AppChange{Name: "Sales EU", Key: newKey})
		if err != nil || u.Mode != "test" || u.KeyPreview != "sk_test_app_…c3d4" {
			t.Fatalf("replace key: %v %+v", err, u)
		}
		if k, _ := s.AppKey(u); k != newKey {
			t.Errorf("AppKey after replace = %q", k)
		}
		for _, bad := range []models.AppChange{{Name: ""}, {Name: "x", Key: "sk_admin_0123456789"}, {Name: "x", Key: "nope"}} {
			if _, err := s.UpdateApp(ctx, id, bad); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("UpdateApp(%+v) err = %v", bad.Name, err)
			}
		}
		if _, err := s.UpdateApp(ctx, "app_missingmissing", models.AppChange{Name: "x"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("update unknown app: %v", err)
		}
		// Rotate: the old secret stops matching, the new one matches.
		r, fresh, err := s.RotateWebhookSecret(ctx, id)
		if err != nil || fresh == secret || r.WebhookSecretMatches(secret) || !r.WebhookSecretMatches(fresh) {
			t.Fatalf("rotate: %v", err)
		}
		if err := s.DeleteApp(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AppByAppID(ctx, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted app still found: %v", err)
		}
		if err := s.DeleteApp(ctx, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("delete twice: %v", err)
		}
	})
}
