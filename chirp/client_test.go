package chirp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

// world is a simulator with two apps and some media.
type world struct {
	sim        *chirpsim.Sim
	app, other chirpsim.App
	image      string // media id of app
	data       []byte
}

func newWorld(t testing.TB, opts chirpsim.Options) *world {
	t.Helper()
	sim, err := chirpsim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	w := &world{sim: sim, app: sim.AddApp("Support", false), other: sim.AddApp("Sales", true)}
	w.data = bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 100)
	w.image = sim.AddMedia(w.app.ID, chirpsim.MediaSpec{Kind: "image", Filename: "receipt.jpg", Data: w.data})
	return w
}

func download(t *testing.T, url string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

func TestGetMedia(t *testing.T) {
	w := newWorld(t, chirpsim.Options{RetentionDays: 90})
	c := chirp.NewClient(w.sim.URL())
	if c.Timeout() != chirp.DefaultTimeout {
		t.Errorf("default timeout %s", c.Timeout())
	}

	m, err := c.GetMedia(context.Background(), w.app.Key, w.image)
	if err != nil {
		t.Fatal(err)
	}
	now := w.sim.Now()
	if m.ID != w.image || m.MimeType != "image/jpeg" || m.FileSize != int64(len(w.data)) {
		t.Errorf("media %+v", m)
	}
	if d := now.Sub(m.CreatedAt); d < 0 || d > time.Minute {
		t.Errorf("createdAt %s, sim now %s", m.CreatedAt, now)
	}
	if !m.ExpiresAt.Equal(m.CreatedAt.AddDate(0, 0, 90)) {
		t.Errorf("expiresAt %s, createdAt %s", m.ExpiresAt, m.CreatedAt)
	}
	validUntil := chirp.URLValidUntil(m.URL, time.Time{})
	if d := validUntil.Sub(now); d <= 59*time.Minute || d > time.Hour {
		t.Errorf("URL valid for %s, want about an hour", d)
	}

	status, ct, body := download(t, m.URL)
	if status != 200 || ct != "image/jpeg" || !bytes.Equal(body, w.data) {
		t.Errorf("download: status %d, type %q, %d bytes", status, ct, len(body))
	}
	tampered := strings.Replace(m.URL, "X-Amz-Date=", "X-Amz-Date=2", 1)
	if status, _, _ := download(t, tampered); status != http.StatusForbidden {
		t.Errorf("tampered URL: status %d, want 403", status)
	}
	w.sim.Advance(61 * time.Minute)
	if status, _, _ := download(t, m.URL); status != http.StatusForbidden {
		t.Errorf("URL after 61 minutes: status %d, want 403", status)
	}
}

func TestGetMediaErrors(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares the world and returns the key and media id to ask for.
		setup      func(w *world) (key, id string)
		want       error
		status     int
		errType    string
		retryAfter time.Duration // exact when > 0
		message    string        // substring of APIError.Message
	}{
		{
			name:  "unknown media",
			setup: func(w *world) (string, string) { return w.app.Key, "med_0000000000000000000000000" },
			want:  chirp.ErrGone, status: 404, errType: "invalid_request_error",
		},
		{
			name: "deleted by retention",
			setup: func(w *world) (string, string) {
				w.sim.Advance(91 * 24 * time.Hour)
				return w.app.Key, w.image
			},
			want: chirp.ErrGone, status: 404, errType: "invalid_request_error",
		},
		{
			// Chirp answers another app's media exactly like deleted media, so
			// a client cannot tell the two apart: the Resolver must always use
			// the key of the app that received the media.
			name:  "another app's key",
			setup: func(w *world) (string, string) { return w.other.Key, w.image },
			want:  chirp.ErrGone, status: 404, errType: "invalid_request_error",
		},
		{
			name:  "bad key",
			setup: func(w *world) (string, string) { return "sk_test_app_wrong", w.image },
			want:  chirp.ErrUnauthorized, status: 401, errType: "authentication_error",
		},
		{
			name:  "no key",
			setup: func(w *world) (string, string) { return "", w.image },
			want:  chirp.ErrUnauthorized, status: 401, errType: "authentication_error",
		},
		{
			name: "over the rate limit",
			setup: func(w *world) (string, string) {
				w.sim.SetRateLimit(1)
				// Use the one call of this minute's window.
				if _, err := chirp.NewClient(w.sim.URL()).GetMedia(context.Background(), w.app.Key, w.image); err != nil {
					panic(err)
				}
				return w.app.Key, w.image
			},
			want: chirp.ErrRateLimited, status: 429, errType: "invalid_request_error",
			message: "Rate limit exceeded",
		},
		{
			name: "bare-string 429 body",
			setup: func(w *world) (string, string) {
				w.sim.SetFaults(chirpsim.Faults{RateLimitBurst: 1})
				return w.app.Key, w.image
			},
			want: chirp.ErrRateLimited, status: 429, retryAfter: time.Second,
			message: "Rate limit exceeded. Try again in 1 seconds.",
		},
		{
			name: "server error",
			setup: func(w *world) (string, string) {
				w.sim.SetFaults(chirpsim.Faults{ErrorRate: 1})
				return w.app.Key, w.image
			},
			want: chirp.ErrTransient, errType: "api_error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, chirpsim.Options{})
			key, id := tt.setup(w)
			_, err := chirp.NewClient(w.sim.URL()).GetMedia(context.Background(), key, id)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			for _, other := range []error{chirp.ErrGone, chirp.ErrUnauthorized, chirp.ErrRateLimited, chirp.ErrTransient} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("err %v also matches %v", err, other)
				}
			}
			var apiErr *chirp.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err %T is not an *APIError", err)
			}
			if tt.status != 0 && apiErr.Status != tt.status {
				t.Errorf("status %d, want %d", apiErr.Status, tt.status)
			}
			if tt.want == chirp.ErrTransient && apiErr.Status < 500 {
				t.Errorf("status %d, want 5xx", apiErr.Status)
			}
			if apiErr.Type != tt.errType {
				t.Errorf("type %q, want %q", apiErr.Type, tt.errType)
			}
			if apiErr.Message == "" || !strings.Contains(apiErr.Message, tt.message) {
				t.Errorf("message %q, want it to contain %q", apiErr.Message, tt.message)
			}
			switch {
			case tt.retryAfter > 0 && apiErr.RetryAfter != tt.retryAfter:
				t.Errorf("RetryAfter %s, want %s", apiErr.RetryAfter, tt.retryAfter)
			case tt.want == chirp.ErrRateLimited && (apiErr.RetryAfter <= 0 || apiErr.RetryAfter > time.Minute):
				t.Errorf("RetryAfter %s, want within a minute", apiErr.RetryAfter)
			}
			if !strings.HasPrefix(err.Error(), "chirp: ") || strings.Contains(err.Error(), "X-Amz") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

func TestGetMediaTimeout(t *testing.T) {
	w := newWorld(t, chirpsim.Options{})
	w.sim.SetFaults(chirpsim.Faults{TimeoutRate: 1, Timeout: 10 * time.Second})
	c := chirp.NewClient(w.sim.URL(), chirp.WithTimeout(200*time.Millisecond))

	start := time.Now()
	_, err := c.GetMedia(context.Background(), w.app.Key, w.image)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("GetMedia took %s with a 200ms timeout", elapsed)
	}
	if !errors.Is(err, chirp.ErrTransient) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want transient deadline", err)
	}
	if errors.Is(err, chirp.ErrGone) {
		t.Error("a timeout must never look like gone")
	}
	var apiErr *chirp.APIError
	if errors.As(err, &apiErr) && apiErr.Status != 0 {
		t.Errorf("status %d for a call without answer", apiErr.Status)
	}
}

func TestGetMediaCallerContext(t *testing.T) {
	w := newWorld(t, chirpsim.Options{Latency: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := chirp.NewClient(w.sim.URL()).GetMedia(ctx, w.app.Key, w.image)
	if !errors.Is(err, chirp.ErrTransient) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestGetMediaNetworkFailure(t *testing.T) {
	w := newWorld(t, chirpsim.Options{})
	url := w.sim.URL()
	w.sim.Close()
	_, err := chirp.NewClient(url).GetMedia(context.Background(), w.app.Key, w.image)
	var apiErr *chirp.APIError
	if !errors.Is(err, chirp.ErrTransient) || !errors.As(err, &apiErr) || apiErr.Status != 0 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), w.image) {
		t.Errorf("error %q does not name the media", err)
	}
}

// TestGetMediaBrokenProxy puts the simulator behind a proxy that breaks its
// answers, as a misbehaving load balancer would.
func TestGetMediaBrokenProxy(t *testing.T) {
	w := newWorld(t, chirpsim.Options{})
	tests := []struct {
		name   string
		mangle func(rw http.ResponseWriter, status int, body []byte)
	}{
		{"truncated json", func(rw http.ResponseWriter, status int, body []byte) {
			rw.WriteHeader(status)
			rw.Write(body[:len(body)/2])
		}},
		{"html page", func(rw http.ResponseWriter, status int, body []byte) {
			rw.WriteHeader(status)
			rw.Write([]byte("<html>maintenance</html>"))
		}},
		{"json without url", func(rw http.ResponseWriter, status int, body []byte) {
			rw.WriteHeader(status)
			rw.Write([]byte(`{"id":"x","mimeType":"image/jpeg"}`))
		}},
		{"html 502", func(rw http.ResponseWriter, status int, body []byte) {
			rw.WriteHeader(http.StatusBadGateway)
			rw.Write([]byte("<html>bad gateway</html>"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				w.sim.Handler().ServeHTTP(rec, r)
				tt.mangle(rw, rec.Code, rec.Body.Bytes())
			}))
			defer proxy.Close()
			_, err := chirp.NewClient(proxy.URL).GetMedia(context.Background(), w.app.Key, w.image)
			if !errors.Is(err, chirp.ErrTransient) {
				t.Fatalf("err = %v, want transient", err)
			}
		})
	}
}

func TestURLValidUntil(t *testing.T) {
	issued := time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)
	base := "https://media.buildwithchirp.com/org_x/app_y/med_z.jpg"
	tests := []struct {
		name, url string
		want      time.Time
	}{
		{"date and expires", base + "?X-Amz-Date=20240115T100000Z&X-Amz-Expires=3600&X-Amz-Signature=ab",
			time.Date(2024, 1, 15, 11, 0, 0, 0, time.UTC)},
		{"short expiry", base + "?X-Amz-Expires=600&X-Amz-Date=20240115T100000Z",
			time.Date(2024, 1, 15, 10, 10, 0, 0, time.UTC)},
		{"date only", base + "?X-Amz-Date=20240115T100000Z", time.Date(2024, 1, 15, 11, 0, 0, 0, time.UTC)},
		{"no query", base, issued.Add(time.Hour)},
		{"bad date", base + "?X-Amz-Date=yesterday&X-Amz-Expires=3600", issued.Add(time.Hour)},
		{"bad expires", base + "?X-Amz-Date=20240115T100000Z&X-Amz-Expires=-5", time.Date(2024, 1, 15, 11, 0, 0, 0, time.UTC)},
		{"huge expires capped at 7 days", base + "?X-Amz-Date=20240115T100000Z&X-Amz-Expires=99999999999999",
			time.Date(2024, 1, 22, 10, 0, 0, 0, time.UTC)},
		{"not a url", "::%%", issued.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chirp.URLValidUntil(tt.url, issued); !got.Equal(tt.want) {
				t.Errorf("URLValidUntil = %s, want %s", got, tt.want)
			}
		})
	}
}
