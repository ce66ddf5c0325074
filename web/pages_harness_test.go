package web

import (
	"context"
	"net/http"
	"net/http/httptest"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/models"
)

// getHX fetches path as htmx does for the next run of a list.
func (c *client) getHX(path string) *http.Response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}

// page fetches path, checks the status and parses the HTML.
func (c *client) page(path string, want int) *goquery.Document {
	c.e.t.Helper()
	resp := c.get(path)
	if resp.StatusCode != want {
		c.e.t.Fatalf("GET %s = %d, want %d: %.300s", path, resp.StatusCode, want, readBody(c.e.t, resp))
	}
	return doc(c.e.t, resp)
}

// testApp registers a Chirp app for page tests (no simulator behind it).
func (e *testEnv) testApp(suffix string) models.App {
	e.t.Helper()
	return e.chirpApp("app_pages"+suffix+"0123456789abcdefgh", "sk_test_app_pages0123456789"+suffix, "whsec_pages_secret_value_"+suffix)
}

// message stores a message through the models ingest, as the webhook receiver does.
func (e *testEnv) message(app models.App, m models.IncomingMessage) models.SaveResult {
	e.t.Helper()
	if m.Channel == "" {
		m.Channel = models.ChannelSMS
	}
	if m.Direction == "" {
		m.Direction = models.DirectionInbound
	}
	if m.To == "" {
		m.To = "+15559870000"
	}
	r, err := e.store.SaveMessage(context.Background(), app.ID, m)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}
