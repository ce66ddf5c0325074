package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver
)

// env is everything a measurement needs: the database, the simulator and a running
// aviary process with a signed-in client.
type env struct {
	o        options
	dir      string
	bin      string
	dbName   string
	dbURL    string
	admin    *sql.DB
	db       *sql.DB
	sim      *chirpsim.Sim
	app      chirpsim.App
	secret   string
	addr     string
	vars     []string
	proc     *exec.Cmd
	client   *http.Client
	mediaIDs []string
	seq      int
}

const benchPassword = "bench-password-123"

func setup(ctx context.Context, o options) (*env, error) {
	e := &env{o: o}
	dir, err := os.MkdirTemp("", "aviarybench-")
	if err != nil {
		return nil, err
	}
	e.dir, e.bin = dir, filepath.Join(dir, "aviary")
	fmt.Println("building aviary…")
	build := exec.CommandContext(ctx, "go", "build", "-o", e.bin, "./cmd/aviary")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("build aviary: %w", err)
	}
	if e.admin, err = sql.Open("pgx", o.pgURL); err != nil {
		return nil, err
	}
	if err := e.admin.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("postgres at AVIARY_TEST_DATABASE_URL does not answer: %w", err)
	}
	e.dbName = "aviary_bench_" + randomHex(5)
	if _, err := e.admin.ExecContext(ctx, "CREATE DATABASE "+e.dbName); err != nil {
		return nil, err
	}
	u, _ := url.Parse(o.pgURL)
	u.Path = "/" + e.dbName
	e.dbURL = u.String()
	if e.db, err = sql.Open("pgx", e.dbURL); err != nil {
		return nil, err
	}
	if e.sim, err = chirpsim.Start(chirpsim.Options{Latency: o.latency, RateLimitPerMin: -1}); err != nil {
		return nil, err
	}
	e.app = e.sim.AddApp("Bench", false)
	e.secret = "whsec_bench_" + randomHex(12)
	if e.addr, err = freeAddr(); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	e.vars = append(os.Environ(),
		"AVIARY_DATABASE_URL="+e.dbURL,
		"AVIARY_SECRET_KEY="+base64.StdEncoding.EncodeToString(key),
		"AVIARY_CHIRP_API_URL="+e.sim.URL(),
		"AVIARY_MEDIA_ORIGINS="+e.sim.URL(),
		"AVIARY_ADDR="+e.addr,
	)
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte(e.secret), 0o600); err != nil {
		return nil, err
	}
	for _, step := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"migrate"}},
		{benchPassword + "\n", []string{"user", "create", "--email", "bench@aviary.test", "--role", "admin"}},
		{e.app.Key + "\n", []string{"app", "add", "--id", e.app.ID, "--name", "Bench", "--webhook-secret-file", secretFile}},
	} {
		cmd := exec.CommandContext(ctx, e.bin, step.args...)
		cmd.Env, cmd.Stdin = e.vars, strings.NewReader(step.stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("aviary %s: %v: %s", strings.Join(step.args, " "), err, out)
		}
	}
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	e.client = &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if err := e.signIn(); err != nil {
		return nil, err
	}
	return e, nil
}

// start runs aviary serve and waits until it is ready.
func (e *env) start(ctx context.Context) error {
	e.proc = exec.CommandContext(ctx, e.bin, "serve")
	e.proc.Env = e.vars
	e.proc.Stdout, e.proc.Stderr = io.Discard, os.Stderr
	if err := e.proc.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(e.base() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("aviary serve did not become ready")
}

// restart stops aviary and starts it again: every cache is empty, the session cookie
// stays valid.
func (e *env) restart(ctx context.Context) error {
	e.stop()
	return e.start(ctx)
}

func (e *env) stop() {
	if e.proc != nil && e.proc.Process != nil {
		_ = e.proc.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = e.proc.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = e.proc.Process.Kill()
		}
	}
}

func (e *env) close() {
	e.stop()
	if e.sim != nil {
		e.sim.Close()
	}
	if e.db != nil {
		e.db.Close()
	}
	if e.admin != nil && e.dbName != "" {
		_, _ = e.admin.Exec("DROP DATABASE IF EXISTS " + e.dbName + " WITH (FORCE)")
		e.admin.Close()
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

func (e *env) base() string { return "http://" + e.addr }

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

func (e *env) signIn() error {
	resp, err := e.client.Get(e.base() + "/login")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("no csrf token on the login page")
	}
	resp, err = e.client.PostForm(e.base()+"/login", url.Values{"_csrf": {string(m[1])}, "email": {"bench@aviary.test"}, "password": {benchPassword}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign-in answered %d", resp.StatusCode)
	}
	return nil
}

// seedGallery stores n image messages through the real webhook endpoint.
func (e *env) seedGallery(ctx context.Context, n int) error {
	snd := &chirpsim.Sender{Header: map[string]string{"X-Webhook-Secret": e.secret}, BaseBackoff: 50 * time.Millisecond}
	img := chirpsim.JPEGPhoto(7, 640, 480)
	now := time.Now().UTC()
	for i := 0; i < n; i++ {
		id := e.sim.AddMedia(e.app.ID, chirpsim.MediaSpec{Kind: "image", MimeType: "image/jpeg", Filename: fmt.Sprintf("photo%03d.jpg", i), Data: img, CreatedAt: now.Add(-time.Duration(i) * time.Minute)})
		e.mediaIDs = append(e.mediaIDs, id)
		body := chirpsim.BuildMessagePayload(chirpsim.ShapeWhatsAppFlat, e.message(fmt.Sprintf("msg_gallery%04d", i), now.Add(-time.Duration(i)*time.Minute), id, len(img)))
		if r := snd.Deliver(ctx, e.webhookURL(), body); !r.Delivered {
			return fmt.Errorf("seed delivery %d: %v", i, r.Err)
		}
	}
	return nil
}

func (e *env) message(id string, at time.Time, mediaID string, size int) chirpsim.OutMessage {
	e.seq++
	m := chirpsim.OutMessage{ID: id, AppID: e.app.ID, AppName: "Bench", Direction: "inbound",
		From: fmt.Sprintf("+1555010%04d", e.seq%40), To: "+15559870000", Type: "text", Text: "benchmark message " + id, At: at}
	if mediaID != "" {
		m.Type = "image"
		m.Media = []chirpsim.OutMedia{{ID: mediaID, URL: e.sim.PresignedURL(mediaID), Kind: "image", MimeType: "image/jpeg", Size: int64(size)}}
	}
	return m
}

func (e *env) webhookURL() string { return e.base() + "/webhooks/chirp/" + e.app.ID }

// rss reads the aviary process's resident memory (current and peak), in MB.
func (e *env) rss() (cur, peak float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", e.proc.Process.Pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb float64
		line := sc.Text()
		if _, err := fmt.Sscanf(line, "VmRSS: %f kB", &kb); err == nil {
			cur = kb / 1024
		}
		if _, err := fmt.Sscanf(line, "VmHWM: %f kB", &kb); err == nil {
			peak = kb / 1024
		}
	}
	return cur, peak
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
