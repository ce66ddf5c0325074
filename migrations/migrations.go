// Package migrations holds Aviary's SQL schema for Postgres and SQLite as goose migrations,
// embedded into the binary and applied with goose's Provider API.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialect names a supported database.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Status is how far a database's schema is from the migrations built into this binary.
type Status struct {
	Current int64 // version applied to the database (0 when empty)
	Latest  int64 // newest version built into the binary
	Pending []int64
}

// Behind reports whether migrations remain to be applied.
func (s Status) Behind() bool { return len(s.Pending) > 0 }

// NewProvider returns a goose provider for db with the migrations of dialect.
func NewProvider(db *sql.DB, dialect Dialect) (*goose.Provider, error) {
	var gd goose.Dialect
	switch dialect {
	case Postgres:
		gd = goose.DialectPostgres
	case SQLite:
		gd = goose.DialectSQLite3
	default:
		return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	sub, err := fs.Sub(files, string(dialect))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(gd, db, sub)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Up applies every pending migration and returns the versions it applied.
func Up(ctx context.Context, db *sql.DB, dialect Dialect) ([]int64, error) {
	p, err := NewProvider(db, dialect)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: up: %w", err)
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// Check reports the schema status of db without changing it.
func Check(ctx context.Context, db *sql.DB, dialect Dialect) (Status, error) {
	p, err := NewProvider(db, dialect)
	if err != nil {
		return Status{}, err
	}
	statuses, err := p.Status(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("migrations: status: %w", err)
	}
	var st Status
	for _, s := range statuses {
		v := s.Source.Version
		if v > st.Latest {
			st.Latest = v
		}
		if s.State == goose.StateApplied {
			if v > st.Current {
				st.Current = v
			}
		} else {
			st.Pending = append(st.Pending, v)
		}
	}
	return st, nil
}
