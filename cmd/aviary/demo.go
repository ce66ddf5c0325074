package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aviaryhq/aviary/models"
)

// demoAdminEmail is the account the demo creates.
const demoAdminEmail = "admin@aviary.demo"

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("demo", "aviary demo [--dir D] [--keep]\n\nRuns Aviary with demo data on a fresh SQLite database, no setup needed.", stdout)
	dir := fs.String("dir", "", "directory for the demo database (default: a new temporary directory)")
	keep := fs.Bool("keep", false, "keep the temporary directory when the demo stops")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "aviary-demo-")
		if err != nil {
			return err
		}
		*dir = d
		if !*keep {
			defer os.RemoveAll(d)
		}
	} else if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	env := demoEnv(getenv, filepath.Join(*dir, "demo.db"))
	cfg, err := loadConfig(env, true)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return err
	}
	password := randomToken(12)
	if _, err := store.CreateUser(ctx, models.NewUser{Email: demoAdminEmail, Name: "Demo admin", Password: password, Role: models.RoleAdmin}); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fmt.Fprintf(stdout, "\nAviary demo is running at %s\n  sign in as %s with password %s\n  data in %s (press Ctrl-C to stop)\n\n",
		cfg.BaseURL, demoAdminEmail, password, *dir)
	return serve(ctx, cfg, store, logger, stdout, nil)
}

// demoEnv overrides the database and, when unset, the secret key for the demo.
func demoEnv(getenv func(string) string, dbPath string) func(string) string {
	secret := base64.StdEncoding.EncodeToString(randomBytes(32))
	return func(name string) string {
		switch name {
		case "AVIARY_DATABASE_URL":
			return "sqlite://" + dbPath
		case "AVIARY_SECRET_KEY":
			if v := getenv(name); v != "" {
				return v
			}
			return secret
		}
		return getenv(name)
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func randomToken(n int) string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(n))
}
