package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("serve", "aviary serve\n\nRuns the dashboard. Applies no migrations: run \"aviary migrate\" first.", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, store, err := openCurrent(ctx, getenv, true)
	if err != nil {
		return err
	}
	defer store.Close()
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	if n, err := store.CountUsers(ctx); err == nil && n == 0 {
		fmt.Fprintln(stdout, "No users yet. Create the first admin with:\n  aviary user create --email you@example.com --role admin   (then type the password)")
	}
	return serve(ctx, cfg, store, logger, stdout, nil, nil)
}

// openCurrent reads the config and opens its database, refusing a schema that is behind
// the binary (for every command but migrate).
func openCurrent(ctx context.Context, getenv func(string) string, needSecret bool) (Config, *models.Store, error) {
	cfg, err := loadConfig(getenv, needSecret)
	if err != nil {
		return Config{}, nil, err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return Config{}, nil, err
	}
	if err := requireCurrentSchema(ctx, store); err != nil {
		store.Close()
		return Config{}, nil, err
	}
	return cfg, store, nil
}

// openStore opens the configured database.
func openStore(ctx context.Context, cfg Config) (*models.Store, error) {
	openCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return models.Open(openCtx, cfg.DatabaseURL, models.Options{SecretKey: cfg.SecretKey})
}

// requireCurrentSchema refuses to run on a database whose schema is behind the binary.
func requireCurrentSchema(ctx context.Context, store *models.Store) error {
	st, err := store.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	if st.Behind() {
		return fmt.Errorf("the database schema is at version %d but this aviary needs version %d: run \"aviary migrate\" first", st.Current, st.Latest)
	}
	return nil
}

// newResolver builds the fresh-URL resolver on Chirp's Media API. A 404 is recorded on
// the media row, so that media is never asked for again.
func newResolver(cfg Config, store *models.Store, logger *slog.Logger, reg prometheus.Registerer) *chirp.Resolver {
	client := chirp.NewClient(cfg.ChirpAPIURL)
	return chirp.NewResolver(client, chirp.ResolverConfig{
		Registerer: reg,
		OnGone:     web.GoneRecorder(store, logger),
	})
}

// serve runs the web server until ctx is cancelled, then shuts down gracefully.
// extraOrigins may serve media besides cfg.MediaOrigins (the demo's simulator).
// ready, when non-nil, is called with the listening address once connections
// are accepted; it must not block.
func serve(ctx context.Context, cfg Config, store *models.Store, logger *slog.Logger, stdout io.Writer, extraOrigins []string, ready func(addr string)) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on AVIARY_ADDR %s: %w", cfg.Addr, err)
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	app := web.New(web.Deps{
		Config: web.Config{
			BaseURL:      cfg.BaseURL,
			SecretKey:    cfg.SecretKey,
			MediaOrigins: append(append([]string{}, cfg.MediaOrigins...), extraOrigins...),
		},
		Store:    store,
		Logger:   logger,
		Registry: registry,
		Resolver: newResolver(cfg, store, logger, registry),
	})
	sweeper := &models.Sweeper{Store: store, Interval: cfg.SweepInterval, Logger: logger}
	go sweeper.Run(ctx) // marks media past their expiry; stops with ctx
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	logger.Info("aviary is listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL)
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	if err := app.ShutdownWithTimeout(10 * time.Second); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
