// Package models owns Aviary's database: the gorm models, the Store through which every
// read and write goes, error translation, retention maths and search.
package models

import (
	"context"
	"crypto/cipher"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/glebarez/sqlite"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the only way into the database.
type Store struct {
	db         *gorm.DB
	dialect    migrations.Dialect
	sealer     cipher.AEAD
	now        func() time.Time
	bcryptCost int
}

// Options configure a Store.
type Options struct {
	// SecretKey seals app keys at rest (AVIARY_SECRET_KEY, ≥ 32 bytes). Required for app
	// keys; a Store without it cannot add apps or open their keys.
	SecretKey []byte
	// Now is the clock (tests move it); default time.Now.
	Now func() time.Time
	// BcryptCost for password hashes; default bcrypt.DefaultCost.
	BcryptCost int
	// MaxOpenConns bounds the Postgres pool; default 16.
	MaxOpenConns int
}

// ParseDatabaseURL checks an AVIARY_DATABASE_URL value and returns its dialect and the
// DSN its driver takes.
func ParseDatabaseURL(raw string) (migrations.Dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "", "", fmt.Errorf("not a valid postgres URL (want postgres://user@host:port/db)")
		}
		return migrations.Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite://"):
		path := strings.TrimPrefix(raw, "sqlite://")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return "", "", fmt.Errorf("sqlite URL needs a file path (sqlite://aviary.db)")
		}
		q := url.Values{}
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_txlock", "immediate")
		return migrations.SQLite, "file:" + path + "?" + q.Encode(), nil
	default:
		return "", "", fmt.Errorf("must start with postgres:// or sqlite:// (got %q)", redactURL(raw))
	}
}

// redactURL hides a password in a database URL so it can be shown in an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if len(raw) > 40 {
			return raw[:40] + "…"
		}
		return raw
	}
	return u.Redacted()
}

// Open connects to the database named by an AVIARY_DATABASE_URL value. It does not
// migrate; see Migrate and SchemaStatus.
func Open(ctx context.Context, databaseURL string, opts Options) (*Store, error) {
	dialect, dsn, err := ParseDatabaseURL(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("models: AVIARY_DATABASE_URL %s", err)
	}
	cfg := &gorm.Config{
		Logger:                                   logger.Discard,
		NowFunc:                                  func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		DisableForeignKeyConstraintWhenMigrating: true,
		TranslateError:                           false,
	}
	var dial gorm.Dialector
	if dialect == migrations.Postgres {
		dial = postgres.Open(dsn)
	} else {
		dial = sqlite.Open(dsn)
	}
	db, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("models: open database: %w", translate(err))
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("models: open database: %w", err)
	}
	if dialect == migrations.Postgres {
		n := opts.MaxOpenConns
		if n <= 0 {
			n = 16
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		// One writer at a time is all SQLite allows; readers share the WAL.
		sqlDB.SetMaxOpenConns(4)
	}
	s, err := New(db, dialect, opts)
	if err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// New wraps an open gorm handle.
func New(db *gorm.DB, dialect migrations.Dialect, opts Options) (*Store, error) {
	s := &Store{db: db, dialect: dialect, now: opts.Now, bcryptCost: opts.BcryptCost}
	if s.now == nil {
		s.now = time.Now
	}
	if s.bcryptCost == 0 {
		s.bcryptCost = bcrypt.DefaultCost
	}
	if len(opts.SecretKey) > 0 {
		aead, err := newSealer(opts.SecretKey)
		if err != nil {
			return nil, err
		}
		s.sealer = aead
	}
	return s, nil
}

// Dialect reports which database the store runs on.
func (s *Store) Dialect() migrations.Dialect { return s.dialect }

// SQLDB exposes the connection pool for migrations and operational checks.
func (s *Store) SQLDB() (*sql.DB, error) { return s.db.DB() }

// Close releases the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("models: ping: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("models: ping: %w: %v", ErrUnavailable, err)
	}
	return nil
}

// Migrate applies pending migrations and returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	return migrations.Up(ctx, sqlDB, s.dialect)
}

// SchemaStatus reports whether the database schema is up to date.
func (s *Store) SchemaStatus(ctx context.Context) (migrations.Status, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return migrations.Status{}, err
	}
	return migrations.Check(ctx, sqlDB, s.dialect)
}

// clock returns the store's current time in UTC at database precision.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
