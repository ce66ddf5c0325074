// Package modelstest gives tests real databases: a fresh Postgres database per test
// (cloned from a migrated template made once per test binary) and a fresh SQLite file.
//
// Postgres comes from AVIARY_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). When it does not answer,
// tests fail with CI=true; otherwise a throwaway cluster is started from the installed
// Postgres binaries, and if that is impossible the Postgres tests are skipped loudly.
//
// A test package that uses Postgres calls Main from its TestMain.
package modelstest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for admin connections
	"golang.org/x/crypto/bcrypt"
)

// DefaultURL is the Postgres server tests use when AVIARY_TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// SecretKey is the AVIARY_SECRET_KEY bytes that test stores use.
var SecretKey = []byte("aviary-test-secret-key-32-bytes!!")

type harness struct {
	once     sync.Once
	inMain   bool
	adminURL string // maintenance database URL
	template string // migrated template database name
	cluster  *cluster
	setupErr error
}

var h harness

// Main runs the tests of a package that uses Postgres and removes what the harness made.
func Main(m *testing.M) {
	h.inMain = true
	code := m.Run()
	h.teardown()
	os.Exit(code)
}

// ServerURL returns the URL of a Postgres server the harness has made available, with the
// maintenance database. It skips or fails t when there is none.
func ServerURL(t testing.TB) string {
	t.Helper()
	h.setup()
	if h.setupErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("modelstest: Postgres is required in CI: %v", h.setupErr)
		}
		t.Skipf("\n\n*** SKIPPING POSTGRES TEST: %v\n*** Set AVIARY_TEST_DATABASE_URL or install PostgreSQL to run it.\n", h.setupErr)
	}
	return h.adminURL
}

// PostgresURL creates a fresh, migrated Postgres database for this test and returns its
// URL. The database is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	if !h.inMain {
		t.Fatal("modelstest: call modelstest.Main(m) from TestMain in this package")
	}
	admin := ServerURL(t)
	name := "aviary_test_" + randomHex(6)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, h.template)); err != nil {
		t.Fatalf("modelstest: create database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(admin, name) })
	return withDatabase(admin, name)
}

// SQLiteURL returns the URL of a fresh, migrated SQLite file under t.TempDir().
func SQLiteURL(t testing.TB) string {
	t.Helper()
	u := "sqlite://" + filepath.Join(t.TempDir(), "aviary.db")
	s, err := models.Open(context.Background(), u, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return u
}

// Open opens a store on a fresh database of the dialect, closed when the test ends.
func Open(t testing.TB, dialect migrations.Dialect) *models.Store {
	t.Helper()
	var u string
	if dialect == migrations.Postgres {
		u = PostgresURL(t)
	} else {
		u = SQLiteURL(t)
	}
	return OpenURL(t, u)
}

// OpenURL opens a test store (test secret key, cheap bcrypt) on an existing database URL.
func OpenURL(t testing.TB, u string) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), u, models.Options{SecretKey: SecretKey, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Each runs fn as two subtests, on a fresh Postgres store and a fresh SQLite store.
func Each(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	for _, d := range []migrations.Dialect{migrations.Postgres, migrations.SQLite} {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

func (h *harness) setup() {
	h.once.Do(func() {
		admin := os.Getenv("AVIARY_TEST_DATABASE_URL")
		if admin == "" {
			admin = DefaultURL
		}
		if err := ping(admin); err != nil {
			if os.Getenv("CI") == "true" {
				h.setupErr = fmt.Errorf("%s does not answer: %v", redact(admin), err)
				return
			}
			c, cerr := startCluster()
			if cerr != nil {
				h.setupErr = fmt.Errorf("%s does not answer (%v) and no throwaway cluster could be started: %v", redact(admin), err, cerr)
				return
			}
			h.cluster = c
			admin = c.url
		}
		h.adminURL = admin
		h.template = "aviary_tmpl_" + randomHex(6)
		h.setupErr = makeTemplate(admin, h.template)
	})
}

func (h *harness) teardown() {
	if h.template != "" && h.setupErr == nil {
		dropTemplate(h.adminURL, h.template)
	}
	if h.cluster != nil {
		h.cluster.stop()
	}
}

func makeTemplate(admin, name string) error {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	s, err := models.Open(ctx, withDatabase(admin, name), models.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate template database: %w", err)
	}
	return nil
}

func dropTemplate(admin, name string) {
	dropDatabase(admin, name)
}

func dropDatabase(admin, name string) {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = db.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
}

func ping(u string) error {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "AVIARY_TEST_DATABASE_URL"
	}
	return p.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
