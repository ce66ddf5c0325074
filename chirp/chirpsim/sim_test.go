package chirpsim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/chirp/chirpsim"
)

var (
	appIDRe   = regexp.MustCompile(`^app_[0-9A-Za-z]{27}$`)
	mediaIDRe = regexp.MustCompile(`^med_[0-9A-Za-z]{27}$`)
	millisRe  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

func startSim(t *testing.T, opts chirpsim.Options) *chirpsim.Sim {
	t.Helper()
	s, err := chirpsim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, url, key string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, body}
}

type mediaJSON struct {
	ID, URL, MimeType    string
	FileSize             int64
	CreatedAt, ExpiresAt string
}

// errorType returns error.type of an object error body, or "" if the body is
// not of that shape.
func errorType(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error struct {
			Type, Message string
		}
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return ""
	}
	if e.Error.Message == "" {
		t.Errorf("error body without message: %s", body)
	}
	return e.Error.Type
}

func TestIDsAndKeys(t *testing.T) {
	s := startSim(t, chirpsim.Options{})
	test, live := s.AddApp("Support", false), s.AddApp("Sales", true)
	for _, app := range []chirpsim.App{test, live} {
		if !appIDRe.MatchString(app.ID) {
			t.Errorf("app id %q does not look like app_ + KSUID", app.ID)
		}
	}
	if !strings.HasPrefix(test.Key, "sk_test_app_") || !strings.HasPrefix(live.Key, "sk_live_app_") {
		t.Errorf("keys %q, %q lack the mode prefix", test.Key, live.Key)
	}
	if test.ID == live.ID || test.Key == live.Key {
		t.Error("two apps share an id or key")
	}
	if id := s.AddMedia(test.ID, chirpsim.MediaSpec{Kind: "image"}); !mediaIDRe.MatchString(id) {
		t.Errorf("media id %q does not look like med_ + KSUID", id)
	}
}

func TestMediaAPIAnswer(t *testing.T) {
	s := startSim(t, chirpsim.Options{RetentionDays: 30})
	app := s.AddApp("Support", false)
	created := s.Now().Add(-48 * time.Hour).Truncate(time.Millisecond)
	data := []byte("\x89PNG fake image bytes")
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image", Filename: "cat.png", Data: data, CreatedAt: created})

	a := get(t, s.URL()+"/v1/media/"+id, app.Key)
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var m mediaJSON
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != id || m.MimeType != "image/png" || m.FileSize != int64(len(data)) {
		t.Errorf("answer %+v", m)
	}
	for _, ts := range []string{m.CreatedAt, m.ExpiresAt} {
		if !millisRe.MatchString(ts) {
			t.Errorf("timestamp %q is not RFC 3339 UTC with millis", ts)
		}
	}
	if got, _ := time.Parse(time.RFC3339, m.CreatedAt); !got.Equal(created) {
		t.Errorf("createdAt %s, want %s", got, created)
	}
	if got, _ := time.Parse(time.RFC3339, m.ExpiresAt); !got.Equal(created.AddDate(0, 0, 30)) {
		t.Errorf("expiresAt %s, want createdAt + 30 days", got)
	}
	urlRe := regexp.MustCompile(`^` + regexp.QuoteMeta(s.URL()) + `/files/org_[0-9A-Za-z]{27}/` + app.ID + `/` + id +
		`\.png\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=\d{8}T\d{6}Z&X-Amz-Expires=3600&X-Amz-Signature=[0-9a-f]{64}$`)
	if !urlRe.MatchString(m.URL) {
		t.Errorf("url %q does not look presigned", m.URL)
	}
}

func TestMediaAPIErrors(t *testing.T) {
	s := startSim(t, chirpsim.Options{})
	app, other := s.AddApp("Support", false), s.AddApp("Sales", true)
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image"})
	old := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image", CreatedAt: s.Now().AddDate(0, 0, -91)})

	tests := []struct {
		name, id, key string
		status        int
		errType       string
	}{
		{"no key", id, "", 401, "authentication_error"},
		{"unknown key", id, "sk_test_app_nope", 401, "authentication_error"},
		{"admin key", id, "sk_admin_whatever", 401, "authentication_error"},
		{"other app's key", id, other.Key, 404, "invalid_request_error"},
		{"unknown media", "med_unknown", app.Key, 404, "invalid_request_error"},
		{"past retention", old, app.Key, 404, "invalid_request_error"},
		{"own media", id, app.Key, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := get(t, s.URL()+"/v1/media/"+tt.id, tt.key)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.errType != "" {
				if got := errorType(t, a.body); got != tt.errType {
					t.Errorf("error type %q, want %q (body %s)", got, tt.errType, a.body)
				}
			}
		})
	}
}

func TestRetentionFollowsTheClock(t *testing.T) {
	s := startSim(t, chirpsim.Options{RetentionDays: 10})
	app := s.AddApp("Support", false)
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "audio"})
	url := s.URL() + "/v1/media/" + id

	s.Advance(10*24*time.Hour - time.Minute)
	if a := get(t, url, app.Key); a.status != 200 {
		t.Fatalf("a minute before retention: status %d", a.status)
	}
	s.SetRetentionDays(5)
	if a := get(t, url, app.Key); a.status != 404 {
		t.Fatalf("after shortening retention: status %d", a.status)
	}
	s.SetRetentionDays(10)
	s.Advance(time.Minute)
	if a := get(t, url, app.Key); a.status != 404 {
		t.Fatalf("at retention: status %d", a.status)
	}
}

func TestPresignedDownload(t *testing.T) {
	s := startSim(t, chirpsim.Options{RetentionDays: 1})
	app := s.AddApp("Support", false)
	data := bytes.Repeat([]byte("voice"), 100)
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "audio", MimeType: "audio/ogg; codecs=opus", Data: data})

	var m mediaJSON
	if err := json.Unmarshal(get(t, s.URL()+"/v1/media/"+id, app.Key).body, &m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.URL, id+".ogg?") {
		t.Errorf("url %q lacks the .ogg file name", m.URL)
	}
	a := get(t, m.URL, "")
	if a.status != 200 || !bytes.Equal(a.body, data) {
		t.Fatalf("download: status %d, %d bytes", a.status, len(a.body))
	}
	if ct := a.header.Get("Content-Type"); ct != "audio/ogg; codecs=opus" {
		t.Errorf("Content-Type %q", ct)
	}

	t.Run("webhook url", func(t *testing.T) {
		if a := get(t, s.PresignedURL(id), ""); a.status != 200 || !bytes.Equal(a.body, data) {
			t.Errorf("PresignedURL download: status %d", a.status)
		}
		if u := s.PresignedURL("med_unknown"); u != "" {
			t.Errorf("PresignedURL of unknown media = %q", u)
		}
	})
	t.Run("range", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, m.URL, nil)
		req.Header.Set("Range", "bytes=0-4")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusPartialContent || string(body) != "voice" {
			t.Errorf("range: status %d body %q", resp.StatusCode, body)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		for _, bad := range []string{
			strings.Replace(m.URL, "X-Amz-Expires=3600", "X-Amz-Expires=999999", 1),
			m.URL[:len(m.URL)-1] + flipHex(m.URL[len(m.URL)-1]),
			strings.Replace(m.URL, "X-Amz-Signature=", "X-Amz-Nothing=", 1),
		} {
			if a := get(t, bad, ""); a.status != 403 {
				t.Errorf("tampered url: status %d, want 403", a.status)
			}
		}
	})
	t.Run("expired", func(t *testing.T) {
		s.Advance(61 * time.Minute)
		a := get(t, m.URL, "")
		if a.status != 403 || !strings.Contains(string(a.body), "expired") {
			t.Errorf("expired url: status %d body %s", a.status, a.body)
		}
	})
	t.Run("deleted", func(t *testing.T) {
		fresh := s.PresignedURL(id)
		s.Advance(24 * time.Hour)
		if a := get(t, fresh, ""); a.status != 403 {
			t.Errorf("expired and deleted: status %d, want 403 (expiry checked first)", a.status)
		}
		if a := get(t, s.PresignedURL(id), ""); a.status != 404 {
			t.Errorf("fresh url of deleted media: status %d, want 404", a.status)
		}
	})
}

func flipHex(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func TestRateLimit(t *testing.T) {
	s := startSim(t, chirpsim.Options{RateLimitPerMin: 3})
	app, other := s.AddApp("Support", false), s.AddApp("Sales", false)
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image"})
	url := s.URL() + "/v1/media/" + id

	for i := range 3 {
		a := get(t, url, app.Key)
		if a.status != 200 {
			t.Fatalf("call %d: status %d", i+1, a.status)
		}
		if got := a.header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(2-i) {
			t.Errorf("call %d: remaining %q", i+1, got)
		}
		if a.header.Get("X-RateLimit-Limit") != "3" || a.header.Get("X-RateLimit-Reset") == "" {
			t.Errorf("call %d: headers %v", i+1, a.header)
		}
	}
	a := get(t, url, app.Key)
	if a.status != 429 {
		t.Fatalf("4th call: status %d", a.status)
	}
	ra, err := strconv.Atoi(a.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q", a.header.Get("Retry-After"))
	}
	if errorType(t, a.body) == "" || !strings.Contains(string(a.body), "Rate limit exceeded") {
		t.Errorf("429 body %s", a.body)
	}
	if a := get(t, url, other.Key); a.status != 404 {
		t.Errorf("another key is limited separately: status %d, want 404", a.status)
	}
	s.Advance(61 * time.Second)
	if a := get(t, url, app.Key); a.status != 200 {
		t.Errorf("after the window: status %d", a.status)
	}
	s.SetRateLimit(-1)
	for range 10 {
		if a := get(t, url, app.Key); a.status != 200 {
			t.Fatalf("unlimited: status %d", a.status)
		}
	}
}

func TestFaults(t *testing.T) {
	s := startSim(t, chirpsim.Options{})
	app := s.AddApp("Support", false)
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image"})
	url := s.URL() + "/v1/media/" + id

	t.Run("errors", func(t *testing.T) {
		s.SetFaults(chirpsim.Faults{ErrorRate: 1})
		defer s.SetFaults(chirpsim.Faults{})
		for range 10 {
			a := get(t, url, app.Key)
			if a.status != 500 && a.status != 502 && a.status != 503 {
				t.Fatalf("status %d", a.status)
			}
			if typ := errorType(t, a.body); typ != "api_error" {
				t.Errorf("error type %q", typ)
			}
		}
	})
	t.Run("timeout", func(t *testing.T) {
		s.SetFaults(chirpsim.Faults{TimeoutRate: 1, Timeout: 50 * time.Millisecond})
		defer s.SetFaults(chirpsim.Faults{})
		start := time.Now()
		if a := get(t, url, app.Key); a.status != 504 {
			t.Errorf("status %d", a.status)
		}
		if time.Since(start) < 50*time.Millisecond {
			t.Errorf("answered before the injected timeout")
		}
	})
	t.Run("burst", func(t *testing.T) {
		s.SetFaults(chirpsim.Faults{RateLimitBurst: 2})
		for range 2 {
			a := get(t, url, app.Key)
			var bare struct{ Error string }
			if a.status != 429 || json.Unmarshal(a.body, &bare) != nil || !strings.HasPrefix(bare.Error, "Rate limit exceeded") {
				t.Errorf("status %d body %s", a.status, a.body)
			}
			if a.header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q", a.header.Get("Retry-After"))
			}
		}
		if a := get(t, url, app.Key); a.status != 200 {
			t.Errorf("after the burst: status %d", a.status)
		}
	})
	t.Run("latency", func(t *testing.T) {
		s.SetLatency(80 * time.Millisecond)
		defer s.SetLatency(0)
		start := time.Now()
		get(t, url, app.Key)
		if time.Since(start) < 80*time.Millisecond {
			t.Errorf("latency not applied")
		}
	})
}

func TestHangingCallEndsWhenClientLeaves(t *testing.T) {
	s := startSim(t, chirpsim.Options{})
	app := s.AddApp("Support", false)
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image"})
	s.SetFaults(chirpsim.Faults{TimeoutRate: 1, Timeout: time.Hour})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/v1/media/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+app.Key)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("hanging call answered")
	}
	// The handler notices the client left; Close (in Cleanup) must not wait an hour.
}

func TestCloseReleasesHangingCalls(t *testing.T) {
	s, err := chirpsim.Start(chirpsim.Options{Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	app := s.AddApp("Support", false)
	id := s.AddMedia(app.ID, chirpsim.MediaSpec{Kind: "image"})
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/v1/media/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+app.Key)
		close(started)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-started
	for s.Counters().Endpoint[chirpsim.EndpointMedia] == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close blocked on a hanging call")
	}
	<-done
	s.Close() // idempotent
}

func TestCountersUnderConcurrency(t *testing.T) {
	s := startSim(t, chirpsim.Options{RateLimitPerMin: -1})
	apps := []chirpsim.App{s.AddApp("a", false), s.AddApp("b", false), s.AddApp("c", true), s.AddApp("d", true)}
	var ids []string
	for i := range 20 {
		ids = append(ids, s.AddMedia(apps[i%4].ID, chirpsim.MediaSpec{Kind: "image", Data: []byte{byte(i)}}))
	}
	const calls = 200
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			id, app := ids[i%20], apps[i%4]
			req, _ := http.NewRequest(http.MethodGet, s.URL()+"/v1/media/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+app.Key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("%s: status %d", id, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c := s.Counters()
	if c.Endpoint[chirpsim.EndpointMedia] != calls || c.Status[200] != calls {
		t.Errorf("counters %+v", c)
	}
	for _, id := range ids {
		if c.Media[id] != calls/20 {
			t.Errorf("media %s counted %d times, want %d", id, c.Media[id], calls/20)
		}
	}
	for _, app := range apps {
		if c.App[app.ID] != calls/4 {
			t.Errorf("app %s counted %d times, want %d", app.ID, c.App[app.ID], calls/4)
		}
	}

	get(t, s.URL()+"/nowhere", "")
	if c := s.Counters(); c.Endpoint[chirpsim.EndpointOther] != 1 || c.Status[404] != 1 {
		t.Errorf("unknown route not counted: %+v", c)
	}
	s.ResetCounters()
	if c := s.Counters(); len(c.Endpoint)+len(c.Media)+len(c.Status)+len(c.App) != 0 {
		t.Errorf("after reset: %+v", c)
	}
}

func TestSharedClock(t *testing.T) {
	base := time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)
	s := chirpsim.New(chirpsim.Options{Now: func() time.Time { return base }})
	defer s.Close()
	s.Advance(90 * time.Minute)
	if got := s.Now(); !got.Equal(base.Add(90 * time.Minute)) {
		t.Errorf("Now = %s", got)
	}
}
