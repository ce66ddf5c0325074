package models

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// NewUser is what it takes to create a user.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Role     string
}

// ValidRole reports whether role is one of the three roles.
func ValidRole(role string) bool {
	return role == RoleAdmin || role == RoleSupport || role == RoleViewer
}

// NormalizeEmail trims and lower-cases an email address and checks its form.
func NormalizeEmail(raw string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(raw))
	if e == "" {
		return "", fmt.Errorf("email is required: %w", ErrInvalid)
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || len(e) > 254 {
		return "", fmt.Errorf("%q is not an email address: %w", raw, ErrInvalid)
	}
	return e, nil
}

// CheckPassword says why a password is not acceptable, or nil.
func CheckPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return fmt.Errorf("password must be at least %d characters: %w", MinPasswordLength, ErrInvalid)
	}
	if len(pw) > 72 {
		return fmt.Errorf("password must be at most 72 bytes: %w", ErrInvalid)
	}
	return nil
}

// CreateUser validates and stores a new user with a bcrypt password hash.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	email, err := NormalizeEmail(nu.Email)
	if err != nil {
		return User{}, fmt.Errorf("models: create user: %w", err)
	}
	if !ValidRole(nu.Role) {
		return User{}, fmt.Errorf("models: create user: role %q must be admin, support or viewer: %w", nu.Role, ErrInvalid)
	}
	if err := CheckPassword(nu.Password); err != nil {
		return User{}, fmt.Errorf("models: create user: %w", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(nu.Password), s.bcryptCost)
	if err != nil {
		return User{}, fmt.Errorf("models: hash password: %w", err)
	}
	now := s.clock()
	u := User{Email: email, Name: strings.TrimSpace(nu.Name), PasswordHash: string(hash), Role: nu.Role,
		SessionEpoch: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&u).Error; err != nil {
		return User{}, fmt.Errorf("models: create user %s: %w", email, translate(err))
	}
	return u, nil
}

// UserByID finds a user.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).First(&u, id).Error; err != nil {
		return User{}, fmt.Errorf("models: find user %d: %w", id, translate(err))
	}
	return u, nil
}

// UserByEmail finds a user by email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	e, err := NormalizeEmail(email)
	if err != nil { // not an address, so no user has it
		return User{}, fmt.Errorf("models: find user by email: %w", ErrNotFound)
	}
	if err := s.db.WithContext(ctx).Where("lower(email) = ?", e).First(&u).Error; err != nil {
		return User{}, fmt.Errorf("models: find user by email: %w", translate(err))
	}
	return u, nil
}

// CountUsers counts all users.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&User{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("models: count users: %w", translate(err))
	}
	return n, nil
}

// TouchLogin records a successful sign-in time.
func (s *Store) TouchLogin(ctx context.Context, id int64) error {
	now := s.clock()
	if err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", id).Update("last_login_at", now).Error; err != nil {
		return fmt.Errorf("models: touch login %d: %w", id, translate(err))
	}
	return nil
}
