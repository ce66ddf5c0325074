package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/aviaryhq/aviary/models"
)

// demoSeed is the fixed seed of the demo history: every demo shows the same data.
const demoSeed = 20240115

// demoApp is a Chirp app of the demo, registered in the simulator and in Aviary.
type demoApp struct {
	chirpsim.App
	WebhookSecret string
}

// demoApps are the demo's two apps.
type demoApps struct {
	SMS, WhatsApp demoApp
}

// createDemoApps registers the demo's SMS/MMS and WhatsApp apps in the simulator and in
// Aviary, which seals the simulator's app keys. The webhook secrets are fixed so that
// anyone can post their own payloads to the demo.
func createDemoApps(ctx context.Context, sim *chirpsim.Sim, store *models.Store) (demoApps, error) {
	add := func(name, secret string) (demoApp, error) {
		app := demoApp{App: sim.AddApp(name, false), WebhookSecret: secret}
		_, _, err := store.CreateApp(ctx, models.NewApp{AppID: app.ID, Name: name, Key: app.Key, WebhookSecret: secret})
		if err != nil {
			return demoApp{}, fmt.Errorf("demo: create app %q: %w", name, err)
		}
		return app, nil
	}
	sms, err := add("Demo Store SMS", "demo-sms-webhook-secret")
	if err != nil {
		return demoApps{}, err
	}
	wa, err := add("Demo Store WhatsApp", "demo-whatsapp-webhook-secret")
	if err != nil {
		return demoApps{}, err
	}
	return demoApps{SMS: sms, WhatsApp: wa}, nil
}

// demoSeedResult is what seedDemo delivered and how long it took.
type demoSeedResult struct {
	chirpsim.SeedStats
	Took time.Duration
}

// seedDemo has the simulator deliver the demo history to Aviary's webhook endpoint at
// baseURL, which must be listening.
func seedDemo(ctx context.Context, sim *chirpsim.Sim, apps demoApps, baseURL string) (demoSeedResult, error) {
	start := time.Now()
	deliver := chirpsim.WebhookDeliverer(baseURL, map[string]string{
		apps.SMS.ID:      apps.SMS.WebhookSecret,
		apps.WhatsApp.ID: apps.WhatsApp.WebhookSecret,
	})
	stats, err := chirpsim.SeedHistory(ctx, sim, deliver, chirpsim.SeedOptions{
		Seed: demoSeed, SMSApp: apps.SMS.App, WhatsAppApp: apps.WhatsApp.App,
	})
	if err != nil {
		return demoSeedResult{}, fmt.Errorf("demo: seed history: %w", err)
	}
	return demoSeedResult{SeedStats: stats, Took: time.Since(start)}, nil
}

// printDemoBanner tells the user where the demo is, how to sign in and what is in it.
func printDemoBanner(w io.Writer, url, password string, res demoSeedResult, apps demoApps, simURL, dir string) {
	fmt.Fprintf(w, `
Aviary demo is running at %s
  sign in as %s with password %s

  seeded %d conversations, %d messages and %d media (%d images, %d stickers, %d voice notes
  and audio, %d documents, %d videos) with %d status events, in %s
  %d media are deliberately older than the %d-day retention: Chirp has deleted them, so
  Aviary shows "removed by retention" placeholders; %d came in old-style MMS without a
  mediaId and can never be shown.

  Chirp simulator: %s
  webhooks: POST %s/webhooks/chirp/%s (X-Webhook-Secret: %s)
            POST %s/webhooks/chirp/%s (X-Webhook-Secret: %s)
  data in %s (press Ctrl-C to stop)

`, url, demoAdminEmail, password,
		res.Conversations, res.Messages, res.Media, res.MediaByKind["image"], res.MediaByKind["sticker"],
		res.MediaByKind["audio"], res.MediaByKind["document"], res.MediaByKind["video"], res.StatusEvents,
		res.Took.Round(100*time.Millisecond),
		res.PastRetention, chirpsim.DefaultRetentionDays, res.LegacyMedia,
		simURL, url, apps.SMS.ID, apps.SMS.WebhookSecret, url, apps.WhatsApp.ID, apps.WhatsApp.WebhookSecret, dir)
}
