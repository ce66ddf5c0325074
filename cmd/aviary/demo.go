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
	"sync"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/aviaryhq/aviary/models"
)

// demoAdminEmail is the account the demo creates.
const demoAdminEmail = "admin@aviary.demo"

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("demo", "aviary demo [--dir D] [--keep]\n\nRuns Aviary with demo data on a fresh SQLite database, no setup needed: an in-process\nChirp simulator delivers a seeded history through the webhook endpoint.", stdout)
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
	sim, err := chirpsim.Start(chirpsim.Options{})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer sim.Close()
	cfg, err := loadConfig(demoEnv(getenv, filepath.Join(*dir, "demo.db"), sim.URL()), true)
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
	apps, err := createDemoApps(ctx, sim, store)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fmt.Fprintln(stdout, "Starting the Aviary demo: the Chirp simulator is delivering the demo history…")

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var (
		wg      sync.WaitGroup
		seedErr error
	)
	ready := func(addr string) {
		wg.Go(func() {
			res, err := seedDemo(runCtx, sim, apps, "http://"+addr)
			if err != nil {
				if runCtx.Err() == nil { // not interrupted: a real failure ends the demo
					seedErr = err
					stop()
				}
				return
			}
			url := cfg.BaseURL
			if getenv("AVIARY_BASE_URL") == "" {
				url = "http://" + addr // the real port, also when AVIARY_ADDR asked for :0
			}
			printDemoBanner(stdout, url, password, res, apps, sim.URL(), *dir)
		})
	}
	err = serve(runCtx, cfg, store, logger, stdout, []string{sim.URL()}, ready)
	stop()
	wg.Wait()
	if seedErr != nil {
		return seedErr
	}
	return err
}

// demoEnv overrides the database, the Chirp API (the in-process simulator) and, when
// unset, the secret key for the demo.
func demoEnv(getenv func(string) string, dbPath, chirpURL string) func(string) string {
	secret := base64.StdEncoding.EncodeToString(randomBytes(32))
	return func(name string) string {
		switch name {
		case "AVIARY_DATABASE_URL":
			return "sqlite://" + dbPath
		case "AVIARY_CHIRP_API_URL":
			return chirpURL
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
