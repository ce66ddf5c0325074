package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aviaryhq/aviary/models"
)

const (
	testAppID = "app_7hGf3kLm9PqRsTuV"
	liveKey   = "sk_live_app_S3cr3tK3yMaterialXYZa1b2"
	testKey   = "sk_test_app_An0th3rS3cr3tK3yQQQc3d4"
)

// keyWatch collects every response body, to prove no app key is ever sent back.
type keyWatch struct {
	t      *testing.T
	bodies []string
}

func (w *keyWatch) keep(resp *http.Response) *http.Response {
	w.bodies = append(w.bodies, readBody(w.t, resp))
	return resp
}

func (w *keyWatch) assertNoKey(e *testEnv, keys ...string) {
	w.t.Helper()
	for _, k := range keys {
		secretPart := strings.TrimPrefix(strings.TrimPrefix(k, "sk_live_app_"), "sk_test_app_")
		secretPart = secretPart[:len(secretPart)-4] // the last four are shown on purpose
		for i, b := range w.bodies {
			if strings.Contains(b, k) || strings.Contains(b, secretPart) {
				w.t.Errorf("response %d holds the app key", i)
			}
		}
		if logs := e.logs.String(); strings.Contains(logs, secretPart) {
			w.t.Errorf("a log line holds the app key:\n%s", logs)
		}
		for _, ev := range e.audits() {
			if strings.Contains(ev.Details+ev.Target, secretPart) {
				w.t.Errorf("audit event %s holds the app key", ev.Action)
			}
		}
	}
}

func TestAdminManagesChirpApps(t *testing.T) {
	for name, opt := range map[string]func(*envOptions){"postgres": func(*envOptions) {}, "sqlite": onSQLite} {
		t.Run(name, func(t *testing.T) { testAdminManagesChirpApps(t, newTestEnv(t, opt)) })
	}
}

func testAdminManagesChirpApps(t *testing.T, e *testEnv) {
	ctx := context.Background()
	admin := e.as(models.RoleAdmin)
	w := &keyWatch{t: t}

	// Add: the webhook URL and secret are shown once, with copy buttons and the header to use.
	resp := w.keep(admin.post("/settings/apps", url.Values{"app_id": {testAppID}, "name": {"Support line"}, "key": {liveKey}}))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add app: %d", resp.StatusCode)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("secret page Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	d := doc(t, resp)
	hookURL := strings.TrimSpace(d.Find(`[data-testid="webhook-url-value"]`).Text())
	secret := strings.TrimSpace(d.Find(`[data-testid="webhook-secret-value"]`).Text())
	if hookURL != "http://127.0.0.1:8080/webhooks/chirp/"+testAppID {
		t.Errorf("webhook URL %q", hookURL)
	}
	for _, id := range []string{"webhook-url-value", "webhook-secret-value"} {
		if target, _ := d.Find(`[data-testid="copy-` + id + `"]`).Attr("data-copy"); target != id {
			t.Errorf("copy button for %s targets %q", id, target)
		}
	}
	if !strings.Contains(d.Text(), "X-Webhook-Secret") {
		t.Error("no note about the X-Webhook-Secret header")
	}
	if d.Find("script:not([src])").Length() != 0 || d.Find("[onclick]").Length() != 0 {
		t.Error("inline script or event handler on the secret page")
	}
	a, err := e.store.AppByAppID(ctx, testAppID)
	if err != nil || !a.WebhookSecretMatches(secret) || a.Mode != "live" {
		t.Fatalf("stored app %+v, secret matches %v, %v", a, a.WebhookSecretMatches(secret), err)
	}
	if ev := e.lastAudit("app.create"); ev.Target != testAppID || ev.ActorEmail != "admin@example.com" || !strings.Contains(ev.Details, "sk_live_app_…a1b2") {
		t.Errorf("app.create audit %+v", ev)
	}

	// The list shows only the masked key, and never the secret again.
	resp = w.keep(admin.get("/settings/apps"))
	d = doc(t, resp)
	if got := d.Find(`[data-testid="app-` + testAppID + `"] [data-testid="app-key-preview"]`).Text(); got != "sk_live_app_…a1b2" {
		t.Errorf("masked key %q", got)
	}
	if strings.Contains(readBody(t, resp), secret) {
		t.Error("the webhook secret is shown again")
	}
	w.keep(admin.get("/settings/apps/" + testAppID))

	// Edit: rename only keeps the key; a new key replaces it.
	if resp := w.keep(admin.post("/settings/apps/"+testAppID, url.Values{"name": {"Support EU"}, "key": {""}})); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d", resp.StatusCode)
	}
	if a, _ := e.store.AppByAppID(ctx, testAppID); a.Name != "Support EU" || a.KeyPreview != "sk_live_app_…a1b2" {
		t.Errorf("after rename %+v", a)
	}
	if resp := w.keep(admin.post("/settings/apps/"+testAppID, url.Values{"name": {"Support EU"}, "key": {testKey}})); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replace key: %d", resp.StatusCode)
	}
	a, _ = e.store.AppByAppID(ctx, testAppID)
	if k, _ := e.store.AppKey(a); k != testKey || a.Mode != "test" {
		t.Errorf("key not replaced: mode %s", a.Mode)
	}
	if ev := e.lastAudit("app.update"); ev.Target != testAppID || !strings.Contains(ev.Details, "key replaced") {
		t.Errorf("app.update audit %+v", ev)
	}

	// Rotate: a new secret, shown once; the old one stops working.
	resp = w.keep(admin.post("/settings/apps/"+testAppID+"/rotate", nil))
	fresh := strings.TrimSpace(doc(t, resp).Find(`[data-testid="webhook-secret-value"]`).Text())
	a, _ = e.store.AppByAppID(ctx, testAppID)
	if resp.StatusCode != http.StatusOK || fresh == "" || fresh == secret || a.WebhookSecretMatches(secret) || !a.WebhookSecretMatches(fresh) {
		t.Errorf("rotate: %d, new secret works %v, old secret works %v", resp.StatusCode, a.WebhookSecretMatches(fresh), a.WebhookSecretMatches(secret))
	}
	if ev := e.lastAudit("app.rotate_secret"); ev.Target != testAppID || strings.Contains(ev.Details, fresh) {
		t.Errorf("app.rotate_secret audit %+v", ev)
	}

	// Remove: only when confirmed.
	if resp := w.keep(admin.post("/settings/apps/"+testAppID+"/delete", nil)); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unconfirmed removal: %d, want 422", resp.StatusCode)
	}
	if _, err := e.store.AppByAppID(ctx, testAppID); err != nil {
		t.Fatal("unconfirmed removal removed the app")
	}
	if resp := w.keep(admin.post("/settings/apps/"+testAppID+"/delete", url.Values{"confirm": {"yes"}})); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("removal: %d", resp.StatusCode)
	}
	if _, err := e.store.AppByAppID(ctx, testAppID); !isNotFound(err) {
		t.Errorf("app still there: %v", err)
	}
	if ev := e.lastAudit("app.delete"); ev.Target != testAppID || ev.Details != "name Support EU" {
		t.Errorf("app.delete audit %+v", ev)
	}
	for _, p := range []string{"/settings/apps/app_nosuchappatall", "/settings/apps/" + testAppID} {
		if resp := admin.get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	w.assertNoKey(e, liveKey, testKey)
}

func TestAppFormErrorsNeverEchoTheKey(t *testing.T) {
	e := newTestEnv(t)
	admin := e.as(models.RoleAdmin)
	w := &keyWatch{t: t}
	cases := []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"app_id": {testAppID}, "name": {"x"}, "key": {"sk_admin_0123456789abcdef"}}, "app-key-error", "admin key"},
		{url.Values{"app_id": {testAppID}, "name": {"x"}, "key": {"pk_live_0123456789abcdef"}}, "app-key-error", "sk_live_app_"},
		{url.Values{"app_id": {"nope"}, "name": {"x"}, "key": {liveKey}}, "app-key-error", "Enter the key again"},
		{url.Values{"app_id": {"nope"}, "name": {"x"}, "key": {liveKey}}, "app-id-error", "app_"},
		{url.Values{"app_id": {liveKey}, "name": {"x"}, "key": {liveKey}}, "app-id-error", "looks like an app key"},
		{url.Values{"app_id": {testAppID}, "name": {" "}, "key": {liveKey}}, "app-name-error", "name"},
	}
	for _, tc := range cases {
		resp := w.keep(admin.post("/settings/apps", tc.form))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", tc.form, resp.StatusCode)
			continue
		}
		if got := doc(t, resp).Find(`[data-testid="` + tc.field + `"]`).Text(); !strings.Contains(got, tc.want) {
			t.Errorf("%s = %q, want it to mention %q", tc.field, got, tc.want)
		}
	}
	if apps, _ := e.store.Apps(context.Background()); len(apps) != 0 {
		t.Errorf("invalid forms added %d apps", len(apps))
	}
	// A duplicate, and an invalid new key on edit.
	w.keep(admin.post("/settings/apps", url.Values{"app_id": {testAppID}, "name": {"x"}, "key": {liveKey}}))
	resp := w.keep(admin.post("/settings/apps", url.Values{"app_id": {testAppID}, "name": {"y"}, "key": {liveKey}}))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, resp).Find(`[data-testid="app-id-error"]`).Text(), "already") {
		t.Errorf("duplicate app: %d", resp.StatusCode)
	}
	resp = w.keep(admin.post("/settings/apps/"+testAppID, url.Values{"name": {"x"}, "key": {"sk_test_short"}}))
	if resp.StatusCode != http.StatusUnprocessableEntity || doc(t, resp).Find(`[data-testid="app-key-error"]`).Length() != 1 {
		t.Errorf("bad key on edit: %d", resp.StatusCode)
	}
	w.assertNoKey(e, liveKey)
}
