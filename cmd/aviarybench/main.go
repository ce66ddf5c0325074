// Command aviarybench measures what Aviary's users feel, against a real aviary process on
// Postgres and an in-process Chirp simulator, and writes BENCHMARKS.md.
//
//	go run ./cmd/aviarybench -out BENCHMARKS.md     (make bench)
//
// It needs a Postgres server (AVIARY_TEST_DATABASE_URL, default the local one); it creates
// a throwaway database and drops it at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-plaintext-server" { // see startPlaintext
		if err := servePlaintext(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "aviarybench:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "aviarybench:", err)
		os.Exit(1)
	}
}

// options are the driver's knobs.
type options struct {
	out        string
	runs       int
	latency    time.Duration
	media      int
	viewers    int
	duration   time.Duration
	ingestConc int
	pgURL      string
	goBench    bool
	search     bool
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("aviarybench", flag.ContinueOnError)
	o := options{}
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "file to write the results to (- for stdout)")
	fs.IntVar(&o.runs, "runs", 3, "repetitions of each measurement (median and spread are reported)")
	fs.DurationVar(&o.latency, "chirp-latency", 50*time.Millisecond, "latency the simulator adds to every Media API call")
	fs.IntVar(&o.media, "media", 60, "media on the gallery page")
	fs.IntVar(&o.viewers, "viewers", 20, "concurrent viewers")
	fs.DurationVar(&o.duration, "duration", 8*time.Second, "length of each load phase")
	fs.IntVar(&o.ingestConc, "ingest-concurrency", 16, "concurrent webhook senders")
	fs.BoolVar(&o.goBench, "go-bench", true, "also run the Go benchmarks (go test -bench)")
	fs.BoolVar(&o.search, "search", true, "also run the support-lookup benchmark on 1,000,000 messages (about 2 minutes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.pgURL = os.Getenv("AVIARY_TEST_DATABASE_URL")
	if o.pgURL == "" {
		o.pgURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	rep, err := measure(ctx, o)
	if err != nil {
		return err
	}
	text := rep.markdown(o)
	if o.out == "-" {
		_, err = os.Stdout.WriteString(text)
		return err
	}
	if err := writeSection(o.out, text); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", o.out)
	return nil
}
