package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/models"
)

// as returns a client signed in as a new user of the role (see signedIn).
func (e *testEnv) as(role string) *client {
	e.t.Helper()
	return e.signedIn(role)
}

// audits lists the audit log, newest first.
func (e *testEnv) audits() []models.AuditEvent {
	e.t.Helper()
	evs, _, err := e.store.AuditPage(context.Background(), models.AuditFilter{}, nil, models.MaxAuditPage)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// lastAudit is the newest audit event with the action; it fails the test when there is none.
func (e *testEnv) lastAudit(action string) models.AuditEvent {
	e.t.Helper()
	for _, ev := range e.audits() {
		if ev.Action == action {
			return ev
		}
	}
	e.t.Fatalf("no %s event in the audit log", action)
	return models.AuditEvent{}
}

// signedIn reports whether the client's session is signed in (a page, not the login redirect).
func (c *client) signedIn() bool {
	c.e.t.Helper()
	resp := c.get("/")
	return resp.StatusCode == http.StatusOK
}

func sessionCookie(c *client) string {
	if ck := c.cookies[sessionName]; ck != nil {
		return ck.Value
	}
	return ""
}

func TestCSRFRejectsMissingAndWrongTokens(t *testing.T) {
	e := newTestEnv(t)
	admin := e.as(models.RoleAdmin)
	form := func() url.Values {
		return url.Values{"email": {"new@example.com"}, "role": {"viewer"}, "password": {"long enough pw"}}
	}
	send := func(token string, omit bool) int {
		f := form()
		if !omit {
			f.Set("_csrf", token)
		}
		req := httptest.NewRequest(http.MethodPost, "/settings/users", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return admin.do(req).StatusCode
	}
	if got := send("", true); got != http.StatusForbidden {
		t.Errorf("missing token: %d, want 403", got)
	}
	if got := send("not-the-token", false); got != http.StatusForbidden {
		t.Errorf("wrong token: %d, want 403", got)
	}
	other := e.client()
	other.get("/login")
	if got := send(other.csrf, false); got != http.StatusForbidden {
		t.Errorf("another session's token: %d, want 403", got)
	}
	if _, err := e.store.UserByEmail(context.Background(), "new@example.com"); !isNotFound(err) {
		t.Fatalf("a rejected form still created the user: %v", err)
	}
	for _, ev := range e.audits() {
		if ev.Action == "user.create" {
			t.Error("a rejected form was audited as a change")
		}
	}
	if got := send(admin.csrf, false); got != http.StatusSeeOther {
		t.Errorf("right token: %d, want 303", got)
	}
}

func TestSessionCookieChangesAtSignIn(t *testing.T) {
	e := newTestEnv(t)
	e.user("ada@example.com", models.RoleViewer)
	c := e.client()
	c.get("/login")
	before := sessionCookie(c)
	if before == "" {
		t.Fatal("no session cookie before sign-in")
	}
	c.login("ada@example.com", "password-viewer")
	if after := sessionCookie(c); after == "" || after == before {
		t.Fatal("the session cookie did not change at sign-in (session fixation)")
	}
	ck := c.cookies[sessionName]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Errorf("cookie flags on http: HttpOnly %v SameSite %v Secure %v", ck.HttpOnly, ck.SameSite, ck.Secure)
	}
	// A fixed pre-login cookie is not signed in.
	fixed := e.client()
	fixed.cookies[sessionName] = &http.Cookie{Name: sessionName, Value: before}
	if fixed.signedIn() {
		t.Error("the pre-login cookie became a signed-in session")
	}
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	e := newTestEnv(t, func(o *envOptions) { o.baseURL = "https://aviary.example.com" })
	c := e.client()
	c.get("/login")
	if ck := c.cookies[sessionName]; ck == nil || !ck.Secure {
		t.Error("session cookie not Secure behind https")
	}
}

func TestDisabledUsersCookieStopsWorking(t *testing.T) {
	for name, opt := range map[string]func(*envOptions){"postgres": func(*envOptions) {}, "sqlite": onSQLite} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t, opt)
			admin := e.as(models.RoleAdmin)
			viewer := e.as(models.RoleViewer)
			u, _ := e.store.UserByEmail(context.Background(), "viewer@example.com")
			if resp := admin.post("/settings/users/"+itoa(u.ID)+"/disable", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable: %d", resp.StatusCode)
			}
			resp := viewer.get("/gallery")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Fatalf("disabled user's next request: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if r := e.client().login("viewer@example.com", "password-viewer"); r.StatusCode != http.StatusUnauthorized {
				t.Errorf("disabled user can sign in again: %d", r.StatusCode)
			}
		})
	}
}

func TestSignOutEverywhereEndsOtherSessions(t *testing.T) {
	e := newTestEnv(t)
	admin := e.as(models.RoleAdmin)
	laptop := e.as(models.RoleSupport)
	phone := e.client()
	phone.login("support@example.com", "password-support")
	u, _ := e.store.UserByEmail(context.Background(), "support@example.com")
	if resp := admin.post("/settings/users/"+itoa(u.ID)+"/signout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", resp.StatusCode)
	}
	if laptop.signedIn() || phone.signedIn() {
		t.Error("a session survived sign out everywhere")
	}
	if !admin.signedIn() {
		t.Error("the admin who did it was signed out")
	}
	ev := e.lastAudit("user.signout_all")
	if ev.ActorEmail != "admin@example.com" || ev.Target != "support@example.com" {
		t.Errorf("audit %+v", ev)
	}

	// For yourself: every browser, this one included.
	other := e.client()
	other.login("admin@example.com", "password-admin")
	resp := admin.post("/settings/account/signout-everywhere", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("self sign out everywhere: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if admin.signedIn() || other.signedIn() {
		t.Error("an own session survived sign out everywhere")
	}
	if d := doc(t, admin.get("/login")); !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "signed out everywhere") {
		t.Error("no confirmation on the login page")
	}
}

func TestTamperedCookieGivesTheLoginPage(t *testing.T) {
	e := newTestEnv(t)
	c := e.as(models.RoleViewer)
	v := []byte(sessionCookie(c))
	v[len(v)/2] ^= 0x01
	c.cookies[sessionName].Value = string(v)
	resp := c.get("/gallery")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("tampered cookie: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := c.get("/login"); resp.StatusCode != http.StatusOK || doc(t, resp).Find(`[data-testid="login-form"]`).Length() != 1 {
		t.Errorf("login page with a tampered cookie: %d", resp.StatusCode)
	}
	// Garbage that is not even base64.
	c.cookies[sessionName].Value = "%%%garbage"
	if resp := c.get("/login"); resp.StatusCode != http.StatusOK {
		t.Errorf("login page with a garbage cookie: %d", resp.StatusCode)
	}
}

func TestIdleAndAbsoluteTimeouts(t *testing.T) {
	e := newTestEnv(t)
	idle := e.as(models.RoleViewer)
	e.clock.Advance(sessionIdle - time.Minute)
	if !idle.signedIn() {
		t.Fatal("signed out before the idle timeout")
	}
	e.clock.Advance(sessionIdle + time.Minute)
	if idle.signedIn() {
		t.Fatal("still signed in after the idle timeout")
	}

	busy := e.as(models.RoleSupport)
	for elapsed := time.Duration(0); elapsed < sessionAbsolute-6*time.Hour; elapsed += 6 * time.Hour {
		e.clock.Advance(6 * time.Hour)
		if !busy.signedIn() {
			t.Fatalf("an active session ended after %v", elapsed+6*time.Hour)
		}
	}
	e.clock.Advance(6*time.Hour + time.Minute)
	if busy.signedIn() {
		t.Fatal("an active session outlived the absolute timeout")
	}
}

func TestNextNeverRedirectsOffSite(t *testing.T) {
	e := newTestEnv(t)
	e.user("ada@example.com", models.RoleViewer)
	for next, want := range map[string]string{
		"//evil.com":           "/",
		"https://evil.com":     "/",
		`/\evil.com`:           "/",
		"/\\/evil.com":         "/",
		"evil.com":             "/",
		"javascript:alert(1)":  "/",
		"/gallery?kind=image":  "/gallery?kind=image",
		"/\r\nSet-Cookie: x=1": "/",
	} {
		c := e.client()
		c.get("/login?next=" + url.QueryEscape(next))
		resp := c.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"password-viewer"}, "next": {next}})
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("next=%q: %d to %q, want %q", next, resp.StatusCode, got, want)
		}
	}
}

func TestSignInIsThrottledPerEmailAndPerIP(t *testing.T) {
	e := newTestEnv(t)
	e.user("ada@example.com", models.RoleViewer)
	loginError := func(resp *http.Response) string {
		return strings.TrimSpace(doc(t, resp).Find(`[data-testid="login-error"]`).Text())
	}
	// Per email: failures from many addresses still lock the account's email.
	var wrong string
	for i := range throttlePerEmail {
		c := e.client()
		c.ip = "127.0.0." + itoa(int64(i+1))
		resp := c.login("ada@example.com", "wrong password")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, resp.StatusCode)
		}
		wrong = loginError(resp)
	}
	c := e.client()
	c.ip = "127.0.1.1"
	resp := c.login("ADA@example.com", "password-viewer")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after %d failures: %d, want 429 even with the right password", throttlePerEmail, resp.StatusCode)
	}
	locked := loginError(resp)
	if !strings.Contains(locked, "Too many failed sign-ins") {
		t.Errorf("429 message %q", locked)
	}
	// The same answers for an email nobody has.
	for i := range throttlePerEmail {
		c := e.client()
		c.ip = "127.0.2." + itoa(int64(i+1))
		if got := loginError(c.login("nobody@example.com", "wrong password")); got != wrong {
			t.Errorf("unknown email failure says %q, known says %q", got, wrong)
		}
	}
	c = e.client()
	c.ip = "127.0.3.1"
	if resp := c.login("nobody@example.com", "wrong password"); resp.StatusCode != http.StatusTooManyRequests || loginError(resp) != locked {
		t.Errorf("unknown email lock: %d %q, want 429 %q", resp.StatusCode, loginError(resp), locked)
	}
	// The lock lifts after the window.
	e.clock.Advance(throttleWindow + time.Second)
	if resp := e.client().login("ada@example.com", "password-viewer"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %d", resp.StatusCode)
	}

	// Per IP: many emails from one address.
	for i := range throttlePerIP {
		c := e.client()
		c.ip = "127.0.4.7"
		c.login("guess"+itoa(int64(i))+"@example.com", "wrong password")
	}
	c = e.client()
	c.ip = "127.0.4.7"
	if resp := c.login("ada@example.com", "password-viewer"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after %d failures from one IP: %d, want 429", throttlePerIP, resp.StatusCode)
	}
	c.ip = "127.0.4.8"
	if resp := c.login("ada@example.com", "password-viewer"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another IP: %d, want 303", resp.StatusCode)
	}
}

func TestSignInAndOutAreAudited(t *testing.T) {
	e := newTestEnv(t)
	e.user("ada@example.com", models.RoleViewer)
	c := e.client()
	c.ip = "127.0.5.9"
	c.login("ada@example.com", "nope nope nope")
	if ev := e.lastAudit("auth.signin_failed"); ev.Target != "ada@example.com" || ev.ClientIP != "127.0.5.9" || ev.ActorID != nil {
		t.Errorf("failed sign-in event %+v", ev)
	}
	c.login("ada@example.com", "password-viewer")
	if ev := e.lastAudit("auth.signin"); ev.ActorEmail != "ada@example.com" || ev.ActorID == nil || ev.ClientIP != "127.0.5.9" {
		t.Errorf("sign-in event %+v", ev)
	}
	c.get("/")
	if resp := c.post("/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if ev := e.lastAudit("auth.signout"); ev.ActorEmail != "ada@example.com" {
		t.Errorf("sign-out event %+v", ev)
	}
	if c.signedIn() {
		t.Error("still signed in after logout")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
