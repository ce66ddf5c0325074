package models

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrLastAdmin is returned (wrapped) when a change would leave no active admin.
var ErrLastAdmin = fmt.Errorf("the last active admin cannot be demoted or disabled; make another user an admin first: %w", ErrConflict)

// Users lists every user, admins first, then by email.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var users []User
	q := s.db.WithContext(ctx).Order("CASE role WHEN 'admin' THEN 0 WHEN 'support' THEN 1 ELSE 2 END, email")
	if err := q.Find(&users).Error; err != nil {
		return nil, fmt.Errorf("models: list users: %w", translate(err))
	}
	return users, nil
}

// SetRole changes a user's role. Demoting the last active admin is an ErrLastAdmin.
func (s *Store) SetRole(ctx context.Context, id int64, role string) (User, error) {
	if !ValidRole(role) {
		return User{}, fmt.Errorf("models: set role: role %q must be admin, support or viewer: %w", role, ErrInvalid)
	}
	return s.changeUser(ctx, id, "set role", true, func(u *User) (map[string]any, bool) {
		return map[string]any{"role": role}, u.Role == RoleAdmin && role != RoleAdmin && !u.Disabled
	})
}

// SetDisabled disables or enables a user. Disabling also ends every session of the user
// (the session epoch moves on); disabling the last active admin is an ErrLastAdmin.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) (User, error) {
	return s.changeUser(ctx, id, "set disabled", true, func(u *User) (map[string]any, bool) {
		if !disabled {
			return map[string]any{"disabled": false}, false
		}
		return map[string]any{"disabled": true, "session_epoch": u.SessionEpoch + 1}, u.Role == RoleAdmin && !u.Disabled
	})
}

// ResetPassword sets a new password and ends every session of the user.
func (s *Store) ResetPassword(ctx context.Context, id int64, password string) (User, error) {
	if err := CheckPassword(password); err != nil {
		return User{}, fmt.Errorf("models: reset password: %w", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
	if err != nil {
		return User{}, fmt.Errorf("models: hash password: %w", err)
	}
	return s.changeUser(ctx, id, "reset password", false, func(u *User) (map[string]any, bool) {
		return map[string]any{"password_hash": string(hash), "session_epoch": u.SessionEpoch + 1}, false
	})
}

// SignOutEverywhere ends every session of the user by moving the session epoch on.
func (s *Store) SignOutEverywhere(ctx context.Context, id int64) (User, error) {
	return s.changeUser(ctx, id, "sign out everywhere", false, func(u *User) (map[string]any, bool) {
		return map[string]any{"session_epoch": u.SessionEpoch + 1}, false
	})
}

// changeUser applies the update that change computes from the current row, in one
// transaction. With guard, the active admins are locked (in id order, before the target
// row, so concurrent changes cannot deadlock) and counted when change says the update
// removes an active admin: two admins demoting each other at once cannot both succeed.
// On SQLite the write transaction is exclusive, which gives the same guarantee.
func (s *Store) changeUser(ctx context.Context, id int64, what string, guard bool, change func(u *User) (map[string]any, bool)) (User, error) {
	var out User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var admins []int64
		if guard {
			if err := tx.Model(&User{}).Clauses(clause.Locking{Strength: "UPDATE"}).
				Where("role = ? AND NOT disabled", RoleAdmin).Order("id").Pluck("id", &admins).Error; err != nil {
				return translate(err)
			}
		}
		var u User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&u, id).Error; err != nil {
			return translate(err)
		}
		updates, removesAdmin := change(&u)
		if removesAdmin && len(admins) <= 1 {
			return ErrLastAdmin
		}
		updates["updated_at"] = s.clock()
		if err := tx.Model(&u).Updates(updates).Error; err != nil {
			return translate(err)
		}
		return translate(tx.First(&out, id).Error)
	})
	if err != nil {
		if errors.Is(err, ErrLastAdmin) {
			return User{}, err
		}
		return User{}, fmt.Errorf("models: %s of user %d: %w", what, id, err)
	}
	return out, nil
}
