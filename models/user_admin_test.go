package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
	"golang.org/x/crypto/bcrypt"
)

func mustUser(t *testing.T, s *models.Store, email, role string) models.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), models.NewUser{Email: email, Password: "long enough pw", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLastActiveAdminIsProtected(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		ada := mustUser(t, s, "ada@example.com", models.RoleAdmin)
		bob := mustUser(t, s, "bob@example.com", models.RoleViewer)

		if _, err := s.SetRole(ctx, ada.ID, models.RoleSupport); !errors.Is(err, models.ErrLastAdmin) {
			t.Errorf("demote last admin: err = %v, want ErrLastAdmin", err)
		}
		if _, err := s.SetDisabled(ctx, ada.ID, true); !errors.Is(err, models.ErrLastAdmin) {
			t.Errorf("disable last admin: err = %v, want ErrLastAdmin", err)
		}
		if got, _ := s.UserByID(ctx, ada.ID); got.Role != models.RoleAdmin || got.Disabled || got.SessionEpoch != ada.SessionEpoch {
			t.Errorf("refused change still changed the row: %+v", got)
		}

		// With a second admin, the first may go; then the second is the last one.
		if _, err := s.SetRole(ctx, bob.ID, models.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetDisabled(ctx, ada.ID, true); err != nil {
			t.Fatalf("disable one of two admins: %v", err)
		}
		if _, err := s.SetRole(ctx, bob.ID, models.RoleViewer); !errors.Is(err, models.ErrLastAdmin) {
			t.Errorf("a disabled admin must not count as active: err = %v", err)
		}
		// A disabled admin may be demoted: it removes no active admin.
		if u, err := s.SetRole(ctx, ada.ID, models.RoleViewer); err != nil || u.Role != models.RoleViewer {
			t.Errorf("demote disabled admin: %v %+v", err, u)
		}
		if _, err := s.SetRole(ctx, bob.ID, "root"); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("bad role: %v", err)
		}
		if _, err := s.SetRole(ctx, 999999, models.RoleViewer); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
	})
}

func TestConcurrentDemotionsLeaveAnAdmin(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.Postgres, migrations.SQLite} {
		t.Run(string(d), func(t *testing.T) {
			s := modelstest.Open(t, d)
			for round := range 5 {
				a := mustUser(t, s, "a"+string(rune('0'+round))+"@example.com", models.RoleAdmin)
				b := mustUser(t, s, "b"+string(rune('0'+round))+"@example.com", models.RoleAdmin)
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, id := range []int64{a.ID, b.ID} {
					wg.Go(func() { _, errs[i] = s.SetRole(context.Background(), id, models.RoleViewer) })
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil && !errors.Is(err, models.ErrLastAdmin) {
						t.Fatalf("round %d: unexpected error %v", round, err)
					}
				}
				users, _ := s.Users(context.Background())
				admins := 0
				for _, u := range users {
					if u.Role == models.RoleAdmin && !u.Disabled {
						admins++
					}
				}
				if admins == 0 {
					t.Fatalf("round %d: both admins were demoted at once", round)
				}
				// Leave exactly zero admins from this round behind for the next one.
				for _, u := range users {
					if u.Role == models.RoleAdmin {
						_, _ = s.SetDisabled(context.Background(), u.ID, true)
					}
				}
			}
		})
	}
}

func TestResetPasswordAndSignOutEverywhereMoveTheEpoch(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := mustUser(t, s, "cy@example.com", models.RoleSupport)
		if _, err := s.ResetPassword(ctx, u.ID, "short"); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("short password: %v", err)
		}
		r, err := s.ResetPassword(ctx, u.ID, "a brand new password")
		if err != nil {
			t.Fatal(err)
		}
		if bcrypt.CompareHashAndPassword([]byte(r.PasswordHash), []byte("a brand new password")) != nil || r.SessionEpoch != u.SessionEpoch+1 {
			t.Errorf("after reset: epoch %d, hash matches new password: %v", r.SessionEpoch, bcrypt.CompareHashAndPassword([]byte(r.PasswordHash), []byte("a brand new password")))
		}
		o, err := s.SignOutEverywhere(ctx, u.ID)
		if err != nil || o.SessionEpoch != r.SessionEpoch+1 {
			t.Errorf("sign out everywhere: %v epoch %d", err, o.SessionEpoch)
		}
		d, err := s.SetDisabled(ctx, u.ID, true)
		if err != nil || !d.Disabled || d.SessionEpoch != o.SessionEpoch+1 {
			t.Errorf("disable: %v %+v", err, d)
		}
		e, err := s.SetDisabled(ctx, u.ID, false)
		if err != nil || e.Disabled || e.SessionEpoch != d.SessionEpoch {
			t.Errorf("enable: %v %+v", err, e)
		}
	})
}
