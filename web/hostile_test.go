package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// hostileValues are what a careless or hostile client might send anywhere.
var hostileValues = []string{
	"", " ", "0", "-1", "99999999999999999999999999", "1e309", "NaN", "12.5", "abc",
	"' OR 1=1 --", "\"><script>alert(1)</script>", "../../etc/passwd", "%00", "\x00", "\u202e\u200b",
	"😀😀😀", strings.Repeat("A", 5000), "2026-13-45", "9999-12-31T23:59:59Z", "[]", "{}", "null",
	"MjAyNi0wMS0wMQ", "eyJhIjoiYiJ9", "med_", "msg_", "+", "00", "()-.",
}

// hostileParams are the query and form field names the pages use.
var hostileParams = []string{
	"q", "cursor", "before", "after", "from", "to", "kind", "app", "channel", "contact", "direction",
	"has_media", "availability", "around", "page", "next", "download", "media_retention_days", "confirm",
	"email", "password", "role", "name", "id", "app_id", "key", "action", "actor",
}

// TestHostileInputNeverBreaksAPage walks the real route table and sends hostile values in
// every path parameter, query parameter and form field: the answer must be a clear
// 2xx/3xx/4xx, never a 5xx, and nothing may be written by a rejected request.
func TestHostileInputNeverBreaksAPage(t *testing.T) {
	e := newTestEnv(t)
	admin := e.signedIn("admin")
	seen := map[string]bool{}
	before := e.count(`SELECT count(*) FROM users`)
	for _, r := range e.app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if seen[key] || r.Method == http.MethodHead || r.Path == "/" && r.Method == "USE" || r.Path == "/logout" || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		seen[key] = true
		for _, v := range hostileValues {
			path := fillParams(r.Path, v)
			params := hostileParams
			if len(v) > 100 { // keep the request within header limits: long values go in two fields
				params = []string{"q", "cursor"}
			}
			switch r.Method {
			case http.MethodGet:
				q := url.Values{}
				for _, p := range params {
					q.Set(p, v)
				}
				resp := admin.get(path + "?" + q.Encode())
				if resp.StatusCode >= 500 {
					t.Errorf("GET %s with %q: %d", r.Path, short(v), resp.StatusCode)
				}
			case http.MethodPost:
				form := url.Values{}
				for _, p := range params {
					form.Set(p, v)
				}
				resp := admin.post(path, form)
				if resp.StatusCode >= 500 {
					t.Errorf("POST %s with %q: %d: %s", r.Path, short(v), resp.StatusCode, short(readBody(t, resp)))
				}
			}
		}
	}
	if len(seen) < 5 {
		t.Fatalf("only %d routes walked", len(seen))
	}
	if after := e.count(`SELECT count(*) FROM users`); after != before {
		t.Errorf("hostile forms created %d users", after-before)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("server errors logged:\n%s", grepLines(e.logs.String(), "level=ERROR"))
	}
}

// fillParams replaces a route path's :params and wildcards with v (escaped; "x" for "").
func fillParams(path, v string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || p == "*" || strings.HasPrefix(p, "+") {
			parts[i] = url.PathEscape(v)
			if parts[i] == "" {
				parts[i] = "x"
			}
		}
	}
	return strings.Join(parts, "/")
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// webhookCorpus holds malformed, truncated, deeply nested, huge-number, wrong-type and
// unicode-edge payloads.
func webhookCorpus() map[string]string {
	valid := `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_abc123","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"image","mediaId":"med_zzz"},"app":{"id":"` + hookAppID + `"}}}`
	c := map[string]string{
		"empty":              ``,
		"whitespace":         "   \n",
		"null":               `null`,
		"array":              `[]`,
		"string":             `"hello"`,
		"number":             `42`,
		"no event":           `{"data":{}}`,
		"event not string":   `{"event":123,"data":{}}`,
		"data not object":    `{"event":"messages.sms.received","data":"x"}`,
		"message not obj":    `{"event":"messages.sms.received","data":{"message":[1,2]}}`,
		"id object":          `{"event":"messages.sms.received","data":{"message":{"id":{"a":1}}}}`,
		"huge number size":   `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_n1","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"document","media":{"id":"med_n1","fileSize":1e400}}}}`,
		"negative size":      `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_n2","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"document","media":{"id":"med_n2","fileSize":-5}}}}`,
		"bad timestamp":      `{"event":"messages.sms.received","data":{"message":{"id":"msg_t1","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"sms","text":"x","receivedAt":"yesterday"}}}`,
		"bad direction":      `{"event":"messages.sms.received","data":{"message":{"id":"msg_d1","direction":"sideways","from":"+15551234567","to":"+15559876543","type":"sms"}}}`,
		"bad phone":          `{"event":"messages.sms.received","data":{"message":{"id":"msg_p1","direction":"inbound","from":"not-a-phone","to":"+15559876543","type":"sms","text":"x"}}}`,
		"url as media id":    `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_u1","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"image","mediaId":"https://evil.example/x?X-Amz-Signature=abc"}}}`,
		"invalid utf8":       "{\"event\":\"messages.sms.received\",\"data\":{\"message\":{\"id\":\"msg_\xff\xfe\",\"direction\":\"inbound\"}}}",
		"deep nesting":       strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat(`}`, 10000),
		"deep array":         `{"event":"messages.sms.received","data":` + strings.Repeat(`[`, 5000) + strings.Repeat(`]`, 5000) + `}`,
		"many attachments":   `{"event":"messages.whatsapp.received","data":{"message":{"id":"msg_m1","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"image","mediaIds":[` + strings.TrimSuffix(strings.Repeat(`"med_x",`, 500), ",") + `]}}}`,
		"long id":            `{"event":"messages.sms.received","data":{"message":{"id":"msg_` + strings.Repeat("z", 500) + `","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"sms"}}}`,
		"status no id":       `{"event":"messages.sms.delivered","data":{"message":{}}}`,
		"other app":          strings.Replace(valid, hookAppID, "app_4Zz9vLq0bWc4TnYz7KpRsDfGhJ7", 1),
		"rtl and zero-width": `{"event":"messages.sms.received","data":{"message":{"id":"msg_\u202e\u200b","direction":"inbound","from":"+15551234567","to":"+15559876543","type":"sms"}}}`,
	}
	for i := 10; i < len(valid); i += 37 {
		c["truncated at "+string(rune('A'+i%26))+strings.Repeat("'", i/26)] = valid[:i]
	}
	return c
}

func TestHostileWebhookCorpus(t *testing.T) {
	e := newTestEnv(t)
	e.chirpApp(hookAppID, hookKey, hookSecret)
	for name, body := range webhookCorpus() {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/chirp/"+hookAppID, bytes.NewReader([]byte(body)))
		req.Header.Set("X-Webhook-Secret", hookSecret)
		resp, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s: status %d, want a 4xx", name, resp.StatusCode)
		}
	}
	for _, table := range []string{"messages", "media", "conversations"} {
		if n := e.count(`SELECT count(*) FROM ` + table); n != 0 {
			t.Errorf("%s has %d rows after the hostile corpus (partial write)", table, n)
		}
	}
}
