package chirpsim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

// receiver is a webhook endpoint answering with the given statuses in turn
// (the last one repeats) and recording what it received.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   []string
	secrets  []string
	times    []time.Time
	block    bool // hold every request until the client gives up
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	n := len(rc.bodies)
	rc.bodies = append(rc.bodies, string(body))
	rc.secrets = append(rc.secrets, r.Header.Get("X-Webhook-Secret")+"|"+r.Header.Get("Content-Type")+"|"+r.Method)
	rc.times = append(rc.times, time.Now())
	status := rc.statuses[min(n, len(rc.statuses)-1)]
	block := rc.block
	rc.mu.Unlock()
	if block {
		<-r.Context().Done()
		return
	}
	w.WriteHeader(status)
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.bodies)
}

func newReceiver(t *testing.T, rc *receiver) string {
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return srv.URL
}

func fastSender() *chirpsim.Sender {
	return &chirpsim.Sender{BaseBackoff: 10 * time.Millisecond, Header: map[string]string{"X-Webhook-Secret": "s3cret"}}
}

func TestSenderRetriesThenSucceeds(t *testing.T) {
	rc := &receiver{statuses: []int{503, 503, 200}}
	url := newReceiver(t, rc)
	snd := fastSender()
	body := []byte(`{"event":"messages.sms.received"}`)
	res := snd.Deliver(context.Background(), url, body)
	if !res.Delivered || res.Attempts != 3 || res.Status != 200 || res.Err != nil {
		t.Fatalf("result = %+v, want delivered on the 3rd attempt", res)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i, b := range rc.bodies {
		if b != string(body) || rc.secrets[i] != "s3cret|application/json|POST" {
			t.Errorf("attempt %d got body %q, headers %q", i+1, b, rc.secrets[i])
		}
	}
	// Exponential backoff: 10ms, then 20ms.
	if gap1, gap2 := rc.times[1].Sub(rc.times[0]), rc.times[2].Sub(rc.times[1]); gap1 < 10*time.Millisecond || gap2 < 20*time.Millisecond {
		t.Errorf("gaps between attempts = %v, %v; want >= 10ms, >= 20ms", gap1, gap2)
	}
}

func TestSenderGivesUpAfterMaxRetries(t *testing.T) {
	rc := &receiver{statuses: []int{500}}
	url := newReceiver(t, rc)
	snd := fastSender()
	snd.BaseBackoff = time.Millisecond
	res := snd.Deliver(context.Background(), url, []byte(`{}`))
	if res.Delivered || res.Attempts != 6 || res.Status != 500 || !errors.Is(res.Err, chirpsim.ErrWebhookStatus) {
		t.Fatalf("result = %+v, want 1 attempt + 5 retries, then failure with status 500", res)
	}
	if rc.count() != 6 {
		t.Errorf("receiver saw %d requests, want 6", rc.count())
	}

	snd.MaxRetries = -1
	if res := snd.Deliver(context.Background(), url, []byte(`{}`)); res.Attempts != 1 {
		t.Errorf("MaxRetries -1: %d attempts, want 1", res.Attempts)
	}
}

func TestSenderTimeoutCountsAsFailure(t *testing.T) {
	rc := &receiver{statuses: []int{200}, block: true}
	url := newReceiver(t, rc)
	snd := &chirpsim.Sender{Timeout: 30 * time.Millisecond, MaxRetries: 1, BaseBackoff: time.Millisecond}
	start := time.Now()
	res := snd.Deliver(context.Background(), url, []byte(`{}`))
	if res.Delivered || res.Attempts != 2 || res.Status != 0 || !errors.Is(res.Err, chirpsim.ErrWebhookTimeout) {
		t.Fatalf("result = %+v, want two timed-out attempts", res)
	}
	if took := time.Since(start); took < 60*time.Millisecond || took > 2*time.Second {
		t.Errorf("two 30ms attempts took %v", took)
	}
}

func TestSenderStopsOn2xx(t *testing.T) {
	rc := &receiver{statuses: []int{204, 500}}
	url := newReceiver(t, rc)
	res := fastSender().Deliver(context.Background(), url, []byte(`{}`))
	if !res.Delivered || res.Attempts != 1 || res.Status != 204 {
		t.Fatalf("result = %+v, want delivered at once", res)
	}
	if rc.count() != 1 {
		t.Errorf("receiver saw %d requests, want 1", rc.count())
	}
}

func TestSenderStopsWhenContextEnds(t *testing.T) {
	rc := &receiver{statuses: []int{503}}
	url := newReceiver(t, rc)
	snd := &chirpsim.Sender{BaseBackoff: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res := snd.Deliver(ctx, url, []byte(`{}`))
	if res.Delivered || res.Attempts != 1 || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Fatalf("result = %+v, want one attempt then the context's error", res)
	}
}

func TestSenderLogIsSafeForConcurrentUse(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusBadGateway) // every other request fails once
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	snd := &chirpsim.Sender{BaseBackoff: time.Millisecond, MaxRetries: 20}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { snd.Deliver(context.Background(), srv.URL, []byte(`{}`)) })
	}
	wg.Wait()
	log := snd.Log()
	attempts := 0
	for _, r := range log {
		if !r.Delivered {
			t.Errorf("undelivered: %+v", r)
		}
		attempts += r.Attempts
	}
	if len(log) != 20 || attempts != int(calls.Load()) {
		t.Errorf("log has %d deliveries and %d attempts; want 20 and %d", len(log), attempts, calls.Load())
	}
}
