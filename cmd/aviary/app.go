package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aviaryhq/aviary/models"
)

func runApp(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "Usage: aviary app add --id app_… --name N [--webhook-secret-file F]")
			return nil
		}
		return fmt.Errorf("usage: aviary app add --id app_… --name N (app key on stdin)")
	}
	fs := newFlags("app add", "aviary app add --id app_… --name N [--webhook-secret-file F]\n\nThe app key (sk_live_app_… or sk_test_app_…) is read from standard input.", stdout)
	id := fs.String("id", "", "Chirp application id, app_… (required)")
	name := fs.String("name", "", "a name for people (required)")
	secretFile := fs.String("webhook-secret-file", "", "file holding the webhook secret to use (default: generate one)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *id == "" || *name == "" {
		return fmt.Errorf("--id and --name are required")
	}
	key, err := readLine(stdin)
	if err != nil {
		return fmt.Errorf("read app key from stdin: %w", err)
	}
	var secret string
	if *secretFile != "" {
		b, err := os.ReadFile(*secretFile)
		if err != nil {
			return fmt.Errorf("--webhook-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	cfg, store, err := openCurrent(ctx, getenv, true)
	if err != nil {
		return err
	}
	defer store.Close()
	app, secret, err := store.CreateApp(ctx, models.NewApp{AppID: *id, Name: *name, Key: key, WebhookSecret: secret})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s app %s (%s), key %s\n\n", app.Mode, app.AppID, app.Name, app.KeyPreview)
	fmt.Fprintf(stdout, "Configure this webhook in Chirp for the app:\n  URL:    %s/webhooks/chirp/%s\n  Header: X-Webhook-Secret: %s\n", cfg.BaseURL, app.AppID, secret)
	if *secretFile == "" {
		fmt.Fprintln(stdout, "\nThe secret is shown only now; Aviary keeps only its hash.")
	}
	return nil
}
