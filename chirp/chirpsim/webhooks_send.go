package chirpsim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Chirp's documented webhook delivery behaviour.
const (
	DefaultWebhookTimeout = 5 * time.Second // per attempt
	DefaultMaxRetries     = 5               // retries after the first attempt
	DefaultBaseBackoff    = time.Second     // first retry delay; doubles each retry
	senderMaxBackoff      = 10 * time.Minute
)

// Sender delivers webhooks the way Chirp does: a JSON POST with the app's
// custom headers, a per-attempt timeout, and retries with exponential backoff
// after a non-2xx answer or a timeout. Zero fields take Chirp's defaults.
// A Sender is safe for concurrent use and must not be copied after first use.
type Sender struct {
	Timeout     time.Duration     // per attempt; 0 means 5s
	MaxRetries  int               // retries after the first attempt; 0 means 5, negative means none
	BaseBackoff time.Duration     // delay before the first retry, doubled each time; 0 means 1s
	Header      map[string]string // extra headers, e.g. X-Webhook-Secret
	Client      *http.Client      // nil means http.DefaultClient

	mu  sync.Mutex
	log []DeliveryResult
}

// DeliveryResult is the outcome of one delivery (all its attempts).
type DeliveryResult struct {
	Attempts  int   // requests made, including retries
	Status    int   // HTTP status of the last answer; 0 if none came
	Err       error // why the last attempt failed; nil when delivered
	Delivered bool  // a 2xx answer was received
}

// ErrWebhookStatus is wrapped by a DeliveryResult's Err when the receiver
// answered with a non-2xx status.
var ErrWebhookStatus = errors.New("chirpsim: webhook answered non-2xx")

// ErrWebhookTimeout is wrapped by a DeliveryResult's Err when an attempt
// exceeded the Sender's Timeout.
var ErrWebhookTimeout = errors.New("chirpsim: webhook attempt timed out")

// Deliver POSTs body to url until it is accepted, retries run out, or ctx
// ends, and records the result in the Sender's log.
func (snd *Sender) Deliver(ctx context.Context, url string, body []byte) DeliveryResult {
	var res DeliveryResult
	backoff := senderDefault(snd.BaseBackoff, DefaultBaseBackoff)
	for retry := 0; ; retry++ {
		res.Attempts++
		res.Status, res.Err = snd.attempt(ctx, url, body)
		if res.Err == nil {
			res.Delivered = true
			break
		}
		if retry >= snd.retries() || ctx.Err() != nil {
			break
		}
		if err := senderSleep(ctx, backoff); err != nil {
			res.Err = err
			break
		}
		backoff = min(2*backoff, senderMaxBackoff)
	}
	snd.mu.Lock()
	snd.log = append(snd.log, res)
	snd.mu.Unlock()
	return res
}

// Log returns the results of every delivery so far, oldest first.
func (snd *Sender) Log() []DeliveryResult {
	snd.mu.Lock()
	defer snd.mu.Unlock()
	return append([]DeliveryResult(nil), snd.log...)
}

func (snd *Sender) retries() int {
	switch {
	case snd.MaxRetries < 0:
		return 0
	case snd.MaxRetries == 0:
		return DefaultMaxRetries
	}
	return snd.MaxRetries
}

// attempt makes one request and returns its status, or why it failed.
func (snd *Sender) attempt(ctx context.Context, url string, body []byte) (int, error) {
	timeout := senderDefault(snd.Timeout, DefaultWebhookTimeout)
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("chirpsim: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Chirp-Webhooks/1.0 (chirpsim)")
	for k, v := range snd.Header {
		req.Header.Set(k, v)
	}
	client := snd.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("%w after %v", ErrWebhookTimeout, timeout)
		}
		return 0, fmt.Errorf("chirpsim: webhook post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("%w: %d", ErrWebhookStatus, resp.StatusCode)
	}
	return resp.StatusCode, nil
}

func senderDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func senderSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
