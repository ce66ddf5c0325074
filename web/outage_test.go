package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/aviaryhq/aviary/models/modelstest"
)

// TestReadinessFollowsPostgres stops and restarts a real Postgres under a running app.
func TestReadinessFollowsPostgres(t *testing.T) {
	pg := modelstest.NewCluster(t)
	e := newTestEnv(t, onDatabase(pg.URL()))
	c := e.client()
	if resp := c.get("/readyz"); resp.StatusCode != 200 {
		t.Fatalf("/readyz before = %d", resp.StatusCode)
	}
	pg.Stop()
	if resp := c.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Postgres stopped = %d, want 503", resp.StatusCode)
	}
	if resp := c.get("/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz with Postgres stopped = %d, want 200 (the process is up)", resp.StatusCode)
	}
	pg.Start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := c.get("/readyz")
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after restart = %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWebhooksSurvivePostgresOutage delivers with Chirp's retry behaviour while Postgres
// is down: the receiver answers 503, and once Postgres is back every message lands once.
func TestWebhooksSurvivePostgresOutage(t *testing.T) {
	pg := modelstest.NewCluster(t)
	e := newTestEnv(t, onDatabase(pg.URL()))
	e.chirpApp(hookAppID, hookKey, hookSecret)
	base := e.listen()
	snd := &chirpsim.Sender{Header: map[string]string{"X-Webhook-Secret": hookSecret}, BaseBackoff: 250 * time.Millisecond, Timeout: 5 * time.Second}
	send := func(i int) chirpsim.DeliveryResult {
		m := sampleMessage(fmt.Sprintf("msg_outage%03d", i), chirpsim.ShapeSMSNew, time.Now().Add(time.Duration(i)*time.Second))
		return snd.Deliver(context.Background(), base+"/webhooks/chirp/"+hookAppID, chirpsim.BuildMessagePayload(chirpsim.ShapeSMSNew, m))
	}
	for i := 0; i < 20; i++ { // before the outage
		if r := send(i); !r.Delivered {
			t.Fatalf("delivery %d before the outage failed: %v", i, r.Err)
		}
	}
	pg.Stop()
	var wg sync.WaitGroup
	results := make([]chirpsim.DeliveryResult, 60)
	for i := 20; i < 80; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); results[i-20] = send(i) }(i)
	}
	time.Sleep(1500 * time.Millisecond)
	pg.Start()
	wg.Wait()
	retried := 0
	for i, r := range results {
		if !r.Delivered {
			t.Errorf("delivery %d never landed: %v (status %d)", i+20, r.Err, r.Status)
		}
		if r.Attempts > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no delivery needed a retry: the outage was not exercised")
	}
	for i := 0; i < 80; i++ {
		if e.count(`SELECT count(*) FROM messages WHERE chirp_message_id = ?`, fmt.Sprintf("msg_outage%03d", i)) != 1 {
			t.Errorf("msg_outage%03d was acknowledged but is not stored exactly once", i)
		}
	}
	if n := e.count(`SELECT count(*) FROM messages`); n != 80 {
		t.Errorf("stored %d messages, want 80", n)
	}
	if n := e.count(`SELECT count(DISTINCT chirp_message_id) FROM messages`); n != 80 {
		t.Errorf("%d distinct messages, want 80 (duplicates?)", n)
	}
	assertNoStoredURLs(t, e)
}
