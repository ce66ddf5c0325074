package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/aviaryhq/aviary/models/modelstest"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// burstSize is how many webhooks a resilience burst sends (AVIARY_SOAK=1: ten times more).
func burstSize() int {
	if os.Getenv("AVIARY_SOAK") == "1" {
		return 20000
	}
	return 2000
}

// aviaryProc is a real aviary binary serving on a fixed address.
type aviaryProc struct {
	t    *testing.T
	bin  string
	env  []string
	addr string
	cmd  *exec.Cmd
}

func buildAviary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "aviary")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	return bin
}

// newAviaryProc migrates the database, registers the simulator's app and starts serving.
func newAviaryProc(t *testing.T, dbURL string, app chirpsim.App, secret string) *aviaryProc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &aviaryProc{t: t, bin: buildAviary(t), addr: addr, env: append(os.Environ(),
		"AVIARY_DATABASE_URL="+dbURL, "AVIARY_ADDR="+addr,
		"AVIARY_SECRET_KEY=YXZpYXJ5LXJlc2lsaWVuY2UtdGVzdC1rZXktMzItYnl0ZXMhIQ==")}
	secretFile := filepath.Join(t.TempDir(), "secret")
	_ = os.WriteFile(secretFile, []byte(secret), 0o600)
	p.exec("", "migrate")
	p.exec(app.Key+"\n", "app", "add", "--id", app.ID, "--name", "Resilience", "--webhook-secret-file", secretFile)
	p.start()
	t.Cleanup(func() {
		if p.cmd != nil && p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

func (p *aviaryProc) exec(stdin string, args ...string) {
	p.t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Env, cmd.Stdin = p.env, strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		p.t.Fatalf("aviary %v: %v: %s", args, err, out)
	}
}

func (p *aviaryProc) start() {
	p.t.Helper()
	p.cmd = exec.Command(p.bin, "serve")
	p.cmd.Env = p.env
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatal("aviary serve did not start")
}

// kill ends the process with SIGKILL: no shutdown, in-flight requests die.
func (p *aviaryProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

// burst delivers n distinct messages with Chirp's retry behaviour, calling during(i)
// after the i-th delivery has been started, and returns the deliveries that never landed.
func burst(t *testing.T, url, secret string, app chirpsim.App, n int, during func(i int)) []string {
	t.Helper()
	snd := &chirpsim.Sender{Header: map[string]string{"X-Webhook-Secret": secret}, BaseBackoff: 300 * time.Millisecond, Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	sem := make(chan struct{}, 32)
	var started atomic.Int64
	at := time.Now().Add(-time.Hour)
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			m := chirpsim.OutMessage{ID: fmt.Sprintf("msg_burst%06d", i), AppID: app.ID, Direction: "inbound",
				From: fmt.Sprintf("+1555030%04d", i%300), To: "+15559870000", Type: "text", Text: fmt.Sprintf("burst %d", i), At: at.Add(time.Duration(i) * time.Millisecond)}
			res := snd.Deliver(context.Background(), url, chirpsim.BuildMessagePayload(chirpsim.ShapeSMSNew, m))
			if !res.Delivered {
				mu.Lock()
				failed = append(failed, fmt.Sprintf("%s: %v", m.ID, res.Err))
				mu.Unlock()
			}
		}(i)
		during(int(started.Add(1)))
	}
	wg.Wait()
	retried := 0
	for _, r := range snd.Log() {
		if r.Attempts > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no delivery needed a retry: the fault did not hit the burst")
	}
	t.Logf("%d of %d deliveries needed retries", retried, n)
	return failed
}

// assertExactlyOnce checks that every message of the burst is stored once.
func assertExactlyOnce(t *testing.T, dbURL string, n int) {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, distinct, counted int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT chirp_message_id) FROM messages WHERE chirp_message_id LIKE 'msg_burst%'`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	_ = db.QueryRow(`SELECT coalesce(sum(message_count), 0) FROM conversations`).Scan(&counted)
	if rows != n || distinct != n || counted != n {
		t.Errorf("stored %d rows, %d distinct, conversations count %d; want %d of each (zero lost, zero duplicated)", rows, distinct, counted, n)
	}
}

// TestResilienceAviaryKilledDuringBurst: SIGKILL in the middle of a burst, start again;
// after the simulator's retries nothing is lost and nothing is stored twice.
func TestResilienceAviaryKilledDuringBurst(t *testing.T) {
	pg := modelstest.NewCluster(t)
	sim := chirpsim.New(chirpsim.Options{})
	app := sim.AddApp("Resilience", false)
	const secret = "whsec_resilience_kill_0123456789"
	p := newAviaryProc(t, pg.URL(), app, secret)
	n := burstSize()
	killed := false
	failed := burst(t, "http://"+p.addr+"/webhooks/chirp/"+app.ID, secret, app, n, func(i int) {
		if i == n/3 && !killed {
			killed = true
			p.kill()
			go func() { time.Sleep(400 * time.Millisecond); p.start() }()
		}
	})
	if !killed {
		t.Fatal("the process was never killed")
	}
	for _, f := range failed {
		t.Error("never delivered:", f)
	}
	assertExactlyOnce(t, pg.URL(), n)
}

// TestResiliencePostgresRestartedDuringBurst: Postgres stops and starts again in the
// middle of a burst; the receiver answers 503 meanwhile and every message lands once.
func TestResiliencePostgresRestartedDuringBurst(t *testing.T) {
	pg := modelstest.NewCluster(t)
	sim := chirpsim.New(chirpsim.Options{})
	app := sim.AddApp("Resilience", false)
	const secret = "whsec_resilience_pg_0123456789ab"
	p := newAviaryProc(t, pg.URL(), app, secret)
	n := burstSize()
	restarted := make(chan struct{})
	failed := burst(t, "http://"+p.addr+"/webhooks/chirp/"+app.ID, secret, app, n, func(i int) {
		if i == n/3 {
			pg.Stop()
			go func() { time.Sleep(time.Second); pg.Start(); close(restarted) }()
		}
	})
	<-restarted
	for _, f := range failed {
		t.Error("never delivered:", f)
	}
	assertExactlyOnce(t, pg.URL(), n)
}
