// Command chirpsim runs the Chirp API simulator on its own, for local
// development and benchmarks. It seeds one test app with one image, prints the
// app's id and key, and serves until interrupted.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "chirpsim:", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	addr, publicURL string
	opts            chirpsim.Options
	faults          chirpsim.Faults
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8081", "listen address")
	fs.StringVar(&cfg.publicURL, "public-url", "", "base URL of presigned download URLs (default http://ADDR)")
	fs.IntVar(&cfg.opts.RetentionDays, "retention-days", chirpsim.DefaultRetentionDays, "organization mediaRetentionDays")
	fs.IntVar(&cfg.opts.RateLimitPerMin, "rate-limit", chirpsim.DefaultRateLimitPerMin, "Media API calls per minute per key (negative: unlimited)")
	fs.DurationVar(&cfg.opts.Latency, "latency", 0, "latency added to every Media API call")
	fs.Float64Var(&cfg.faults.ErrorRate, "error-rate", 0, "probability (0..1) of a 500/502/503 answer")
	fs.Float64Var(&cfg.faults.TimeoutRate, "timeout-rate", 0, "probability (0..1) of a hanging call")
	fs.DurationVar(&cfg.faults.Timeout, "timeout", chirpsim.DefaultFaultTimeout, "how long a hanging call hangs")
	if err := fs.Parse(args[1:]); err != nil {
		return cfg, err
	}
	switch {
	case cfg.faults.ErrorRate < 0 || cfg.faults.ErrorRate > 1:
		return cfg, errors.New("-error-rate must be between 0 and 1")
	case cfg.faults.TimeoutRate < 0 || cfg.faults.TimeoutRate > 1:
		return cfg, errors.New("-timeout-rate must be between 0 and 1")
	case cfg.opts.RetentionDays < 1:
		return cfg, errors.New("-retention-days must be at least 1")
	}
	return cfg, nil
}

// run serves the simulator until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	cfg.opts.BaseURL = cfg.publicURL
	if cfg.opts.BaseURL == "" {
		cfg.opts.BaseURL = "http://" + dialable(ln.Addr())
	}
	sim := chirpsim.New(cfg.opts)
	sim.SetFaults(cfg.faults)
	app := sim.AddApp("Test app", false)
	mediaID := sim.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image", Filename: "sample.png", Data: samplePNG()})

	fmt.Fprintf(stdout, "chirpsim listening on %s\n", sim.URL())
	fmt.Fprintf(stdout, "app id:   %s\napp key:  %s\nmedia id: %s\n", app.ID, app.Key, mediaID)
	fmt.Fprintf(stdout, "try: curl -H 'Authorization: Bearer %s' %s/v1/media/%s\n", app.Key, sim.URL(), mediaID)

	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		sim.Close()
		return err
	case <-ctx.Done():
	}
	// Release hanging calls first, so Shutdown does not wait for them.
	sim.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stdout, "chirpsim stopped")
	return nil
}

// dialable turns a listening address into one a client can dial.
func dialable(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

// samplePNG draws a small gradient, so the seeded media is a real image.
func samplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y * 4), B: 160, A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
