package models

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// Sentinel errors returned (wrapped) by the Store. Callers test them with errors.Is;
// they never see a gorm or driver error type.
var (
	ErrNotFound    = errors.New("not found")
	ErrConflict    = errors.New("already exists")
	ErrInvalid     = errors.New("invalid")
	ErrUnavailable = errors.New("database unavailable")
)

// translate maps driver and gorm errors onto the package sentinels, keeping the message.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
		case "23503", "23514", "22001", "22P02", "22003", "22021":
			return fmt.Errorf("%w: %s", ErrInvalid, pgErr.Message)
		case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004":
			return fmt.Errorf("%w: %s", ErrUnavailable, pgErr.Message)
		}
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return fmt.Errorf("%w: %s", ErrConflict, msg)
	case strings.Contains(msg, "CHECK constraint failed"), strings.Contains(msg, "FOREIGN KEY constraint failed"),
		strings.Contains(msg, "NOT NULL constraint failed"):
		return fmt.Errorf("%w: %s", ErrInvalid, msg)
	case isConnError(err):
		return fmt.Errorf("%w: %s", ErrUnavailable, msg)
	}
	return err
}

// isConnError reports errors that mean the database could not be reached at all.
func isConnError(err error) bool {
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.SafeToRetry(err) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "connection reset", "failed to connect",
		"conn closed", "database is locked", "unexpected EOF", "the database system is"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
