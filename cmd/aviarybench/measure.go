package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/gofiber/fiber/v2"
)

// runResult is one repetition's figures.
type runResult struct {
	coldMS           float64
	coldCalls        int
	tiles            int
	warmP50, warmP95 float64
	callsPerMedia    float64
	maxCallsOneMedia int
	mediaAsked       int
	galleryRPS       float64
	plainRPS         float64
	ingestRPS        float64
	ingestP99        float64
	ingestSent       int
	ingestLost       int
	rssMB, peakMB    float64
}

type report struct {
	runs        []runResult
	goBench     string
	searchBench string
	started     time.Time
	took        time.Duration
	pgVer       string
}

func measure(ctx context.Context, o options) (*report, error) {
	rep := &report{started: time.Now()}
	e, err := setup(ctx, o)
	if err != nil {
		return nil, err
	}
	defer e.close()
	_ = e.db.QueryRowContext(ctx, "SHOW server_version").Scan(&rep.pgVer)
	if err := e.seedGallery(ctx, o.media); err != nil {
		return nil, err
	}
	plain, stopPlain, err := startPlaintext(ctx)
	if err != nil {
		return nil, err
	}
	defer stopPlain()
	for r := 0; r < o.runs; r++ {
		fmt.Printf("run %d of %d…\n", r+1, o.runs)
		res, err := oneRun(ctx, e, plain)
		if err != nil {
			return nil, err
		}
		rep.runs = append(rep.runs, res)
	}
	if o.goBench {
		fmt.Println("go test -bench…")
		out, err := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", "2x", "./chirp/").CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("go test -bench: %v: %s", err, out)
		}
		rep.goBench = benchLines(string(out))
	}
	if o.search {
		fmt.Println("search at 1,000,000 messages…")
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "SearchLarge", "-benchtime", "200x", "-timeout", "30m", "./models")
		cmd.Env = append(os.Environ(), "AVIARY_BENCH_LARGE=1", "AVIARY_TEST_DATABASE_URL="+o.pgURL)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("search benchmark: %v: %s", err, out)
		}
		rep.searchBench = benchLines(string(out))
	}
	rep.took = time.Since(rep.started)
	return rep, nil
}

func oneRun(ctx context.Context, e *env, plainURL string) (runResult, error) {
	var res runResult
	// Cold: a fresh process (empty URL cache), one gallery render.
	if err := e.restart(ctx); err != nil {
		return res, err
	}
	e.sim.ResetCounters()
	ms, body, err := timedGet(e.client, e.base()+"/gallery")
	if err != nil {
		return res, err
	}
	res.coldMS, res.coldCalls = ms, e.sim.Counters().Endpoint[chirpsim.EndpointMedia]
	res.tiles = strings.Count(body, `data-testid="gallery-tile"`)
	// Warm: the same page again and again.
	var warm []float64
	for i := 0; i < 200; i++ {
		ms, _, err := timedGet(e.client, e.base()+"/gallery")
		if err != nil {
			return res, err
		}
		warm = append(warm, ms)
	}
	res.warmP50, res.warmP95 = percentile(warm, 50), percentile(warm, 95)

	// Chirp calls per media with concurrent viewers, from a cold cache.
	if err := e.restart(ctx); err != nil {
		return res, err
	}
	e.sim.ResetCounters()
	var rssMax float64
	stopRSS := sampleRSS(e, &rssMax)
	n, _ := load(ctx, e.client, e.base()+"/gallery", e.o.viewers, e.o.duration)
	res.galleryRPS = float64(n) / e.o.duration.Seconds()
	// Per media that was asked for at all: the page's media (lazy tiles load through
	// /media/:id and count too). The limit is one call per media per URL lifetime.
	counters := e.sim.Counters()
	asked, most := 0, 0
	for _, n := range counters.Media {
		asked++
		most = max(most, n)
	}
	if asked > 0 {
		res.callsPerMedia = float64(counters.Endpoint[chirpsim.EndpointMedia]) / float64(asked)
	}
	res.maxCallsOneMedia, res.mediaAsked = most, asked
	// Fiber's own plaintext throughput, same load, same machine, same run.
	pn, _ := load(ctx, http.DefaultClient, plainURL, e.o.viewers, e.o.duration)
	res.plainRPS = float64(pn) / e.o.duration.Seconds()
	// Webhook ingest.
	res.ingestRPS, res.ingestP99, res.ingestSent, res.ingestLost, err = ingest(ctx, e)
	if err != nil {
		return res, err
	}
	stopRSS()
	res.rssMB = rssMax
	_, res.peakMB = e.rss()
	return res, nil
}

func timedGet(c *http.Client, u string) (float64, string, error) {
	start := time.Now()
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	ms := float64(time.Since(start).Microseconds()) / 1000
	if resp.StatusCode != 200 {
		return 0, "", fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return ms, string(b), err
}

// load runs viewers concurrent GET loops for d and counts successful pages.
func load(ctx context.Context, c *http.Client, u string, viewers int, d time.Duration) (int64, int64) {
	var ok, failed atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < viewers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
				resp, err := c.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					ok.Add(1)
				} else {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return ok.Load(), failed.Load()
}

// ingest posts distinct webhook deliveries with concurrent senders for the phase's
// duration, then checks that every acknowledged delivery is stored.
func ingest(ctx context.Context, e *env) (rps, p99 float64, sent, lost int, err error) {
	var before int
	if err = e.db.QueryRowContext(ctx, "SELECT count(*) FROM messages").Scan(&before); err != nil {
		return
	}
	ctx2, cancel := context.WithTimeout(ctx, e.o.duration)
	defer cancel()
	var mu sync.Mutex
	var lat []float64
	var seq atomic.Int64
	prefix := randomHex(4)
	start := time.Now()
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for w := 0; w < e.o.ingestConc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx2.Err() == nil {
				i := seq.Add(1)
				m := chirpsim.OutMessage{ID: fmt.Sprintf("msg_ingest_%s_%07d", prefix, i), AppID: e.app.ID, Direction: "inbound",
					From: fmt.Sprintf("+1555020%04d", i%500), To: "+15559870000", Type: "text", Text: "ingest benchmark", At: time.Now()}
				body := chirpsim.BuildMessagePayload(chirpsim.ShapeSMSNew, m)
				req, _ := http.NewRequest(http.MethodPost, e.webhookURL(), strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Webhook-Secret", e.secret)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					mu.Lock()
					lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var after int
	if err = e.db.QueryRowContext(ctx, "SELECT count(*) FROM messages").Scan(&after); err != nil {
		return
	}
	sent = len(lat)
	lost = sent - (after - before)
	return float64(sent) / elapsed.Seconds(), percentile(lat, 99), sent, lost, nil
}

// sampleRSS records the aviary process's largest resident set until stopped.
func sampleRSS(e *env, maxMB *float64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if cur, _ := e.rss(); cur > *maxMB {
					*maxMB = cur
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// startPlaintext runs a minimal Fiber hello-world in a separate process (this program,
// re-executed), so the ratio compares two servers under the same load generator.
func startPlaintext(ctx context.Context) (string, func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return "", nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-plaintext-server", addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	u := "http://" + addr + "/"
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return u, func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
}

func servePlaintext(addr string) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("Hello, World!") })
	return app.Listen(addr)
}

func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func benchLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "cpu:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
