package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aviaryhq/aviary/static"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Run("postgres", func(t *testing.T) { testHealthAndReadiness(t, newTestEnv(t)) })
	t.Run("sqlite", func(t *testing.T) { testHealthAndReadiness(t, newTestEnv(t, onSQLite)) })
}

func testHealthAndReadiness(t *testing.T, e *testEnv) {
	c := e.client()
	if resp := c.get("/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz = %d", resp.StatusCode)
	}
	if resp := c.get("/readyz"); resp.StatusCode != 200 {
		t.Errorf("/readyz = %d", resp.StatusCode)
	}
	_ = e.store.Close() // the database goes away
	if resp := c.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database closed = %d, want 503", resp.StatusCode)
	}
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	e := newTestEnv(t)
	for _, path := range []string{"/login", "/healthz", "/nope", "/"} {
		resp := e.client().get(path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "img-src 'self' data: https://media.buildwithchirp.com"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

func TestStaticAssetsAreVersionedAndCachedForAYear(t *testing.T) {
	e := newTestEnv(t)
	u := static.URL("css/app.css")
	if !strings.Contains(u, "?v=") {
		t.Fatalf("static URL %q carries no version", u)
	}
	resp := e.client().get(u)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("GET %s = %d, Cache-Control %q", u, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	if resp := e.client().get("/static/css/missing.css"); resp.StatusCode != 404 {
		t.Errorf("missing asset = %d", resp.StatusCode)
	}
}

func TestUnknownPageIsAFriendly404(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	resp := c.get("/no/such/page")
	if resp.StatusCode != 404 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	d := doc(t, resp)
	if d.Find(`[data-testid="error-page"]`).Length() != 1 {
		t.Error("no error page rendered")
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	c.get("/login")
	c.get("/login")
	body := readBody(t, c.get("/metrics"))
	if !strings.Contains(body, `aviary_http_requests_total{method="GET",route="/login",status="200"} 2`) {
		t.Errorf("metrics lack the /login count:\n%s", grepLines(body, "aviary_http_requests_total"))
	}
	if !strings.Contains(body, "aviary_http_request_duration_seconds_bucket") {
		t.Error("no latency histogram")
	}
}

func TestLogsNeverHoldQueryStrings(t *testing.T) {
	e := newTestEnv(t)
	c := e.signedIn("viewer")
	c.do(httptest.NewRequest(http.MethodGet, "/gallery?contact=%2B15551234567&X-Amz-Signature=abc", nil))
	logs := e.logs.String()
	if !strings.Contains(logs, "path=/gallery") {
		t.Fatalf("request not logged: %s", logs)
	}
	if strings.Contains(logs, "X-Amz") || strings.Contains(logs, "15551234567") {
		t.Errorf("log holds the query string: %s", logs)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
