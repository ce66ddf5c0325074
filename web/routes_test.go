package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aviaryhq/aviary/models"
	"github.com/gofiber/fiber/v2"
)

// publicPaths answer without a session check. Everything else needs at least a viewer.
var publicPaths = map[string]bool{"/login": true, "/logout": true, "/healthz": true, "/readyz": true, "/metrics": true}

// requiredRole is the least role a route path needs ("" for public), by the product's
// path rules. A route added later falls under these rules without this test changing.
func requiredRole(path string) string {
	switch {
	case publicPaths[path], strings.HasPrefix(path, "/static/"), strings.HasPrefix(path, "/webhooks/"):
		return ""
	case path == "/settings", strings.HasPrefix(path, "/settings/"), strings.HasPrefix(path, "/audit"):
		return models.RoleAdmin
	case strings.HasPrefix(path, "/search"), strings.HasPrefix(path, "/contacts"), isExportPath(path):
		return models.RoleSupport
	}
	return models.RoleViewer
}

// isExportPath reports routes that hand out data in bulk: exports and printable
// transcripts are for support staff.
func isExportPath(path string) bool {
	return strings.Contains(path, "/export") || strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".json") ||
		strings.HasSuffix(path, ".zip") || strings.HasSuffix(path, "/transcript")
}

// concretePath fills a route pattern's parameters with a value that matches no record.
func concretePath(pattern string) string { return fillParams(pattern, "999999") }

// routeProblems walks every route of the app as anonymous, viewer, support and admin,
// and lists every answer that does not match the route's required role.
func routeProblems(t *testing.T, e *testEnv) []string {
	t.Helper()
	roles := []string{"", models.RoleViewer, models.RoleSupport, models.RoleAdmin}
	for _, r := range roles[1:] {
		e.user("matrix-"+r+"@example.com", r)
	}
	var problems []string
	seen := map[string]bool{}
	for _, rt := range e.app.GetRoutes(true) {
		if rt.Method == fiber.MethodHead || rt.Method == fiber.MethodConnect || rt.Method == fiber.MethodTrace || seen[rt.Method+rt.Path] {
			continue
		}
		seen[rt.Method+rt.Path] = true
		need := requiredRole(rt.Path)
		path := concretePath(rt.Path)
		for _, role := range roles {
			status, loc, body := matrixRequest(t, e, role, rt.Method, path)
			if p := judge(rt.Path, path, rt.Method, need, role, status, loc, body); p != "" {
				problems = append(problems, fmt.Sprintf("%s %s as %q: %s", rt.Method, rt.Path, orAnon(role), p))
			}
		}
	}
	if len(seen) < 10 {
		problems = append(problems, fmt.Sprintf("only %d routes found: is the walk broken?", len(seen)))
	}
	return problems
}

// matrixRequest sends one request from a fresh browser signed in as role ("" for none),
// carrying a valid CSRF token so that the role check, not CSRF, decides.
func matrixRequest(t *testing.T, e *testEnv, role, method, path string) (int, string, string) {
	t.Helper()
	c := e.client()
	if role == "" {
		c.get("/login")
	} else if resp := c.login("matrix-"+role+"@example.com", "password-"+role); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", role, resp.StatusCode)
	} else {
		c.get("/") // signing in issues a new CSRF token: pick it up from a page
	}
	req := httptest.NewRequest(method, path, strings.NewReader(url.Values{"_csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp := c.do(req)
	return resp.StatusCode, resp.Header.Get("Location"), readBody(t, resp)
}

func judge(pattern, path, method, need, role string, status int, loc, body string) string {
	toLogin := status == http.StatusSeeOther && strings.HasPrefix(loc, "/login?next=")
	gate401 := status == http.StatusUnauthorized && strings.Contains(body, "Sign in to see this")
	allowed := need == "" || (role != "" && roleRank(role) >= roleRank(need))
	switch {
	case allowed && (toLogin || gate401 || status == http.StatusForbidden):
		return fmt.Sprintf("should be allowed (needs %s) but got %d %s", orAnon(need), status, loc)
	case allowed:
		return ""
	case role != "":
		if status != http.StatusForbidden {
			return fmt.Sprintf("needs %s: want 403, got %d %s", need, status, loc)
		}
	case method == http.MethodGet && !strings.HasPrefix(pattern, "/media/"):
		if want := "/login?next=" + url.QueryEscape(path); status != http.StatusSeeOther || loc != want {
			return fmt.Sprintf("signed out: want 303 to %s, got %d %q", want, status, loc)
		}
	default:
		if status != http.StatusUnauthorized {
			return fmt.Sprintf("signed out: want 401, got %d %s", status, loc)
		}
	}
	return ""
}

func orAnon(role string) string {
	if role == "" {
		return "anonymous"
	}
	return role
}

// TestEveryRouteRequiresItsRole walks the real app's route table: a route added by
// anyone later is checked too, and fails here if it is not behind the right role.
func TestEveryRouteRequiresItsRole(t *testing.T) {
	e := newTestEnv(t)
	for _, p := range routeProblems(t, e) {
		t.Error(p)
	}
}

// TestRouteMatrixCatchesUnprotectedRoutes proves the matrix fails on a route registered
// without the role its path needs.
func TestRouteMatrixCatchesUnprotectedRoutes(t *testing.T) {
	e := newTestEnv(t)
	s := newServer(Deps{Config: Config{BaseURL: "http://127.0.0.1:8080", SecretKey: []byte("aviary-test-secret-key-32-bytes!!")}, Store: e.store, Now: e.clock.Now})
	app := fiber.New(fiber.Config{ErrorHandler: s.handleError, Immutable: true})
	ok := func(c *fiber.Ctx) error { return c.SendString("the data") }
	public, viewer := s.group(app), s.group(app, s.requireRole(roleViewer))
	public.get("/login", s.showLogin)
	public.post("/login", s.signIn)
	viewer.get("/settings/leaky", ok) // admin path, viewer gate
	public.get("/gallery/open", ok)   // no gate at all
	public.post("/contacts/:id", ok)  // no gate at all
	viewer.get("/", s.showConversations)
	e.app = app
	var got []string
	for _, p := range routeProblems(t, e) {
		if !strings.Contains(p, "only") {
			got = append(got, p)
		}
	}
	for _, want := range []string{
		`GET /settings/leaky as "viewer"`, `GET /settings/leaky as "support"`,
		`GET /gallery/open as "anonymous"`, `POST /contacts/:id as "anonymous"`, `POST /contacts/:id as "viewer"`,
	} {
		found := false
		for _, p := range got {
			found = found || strings.HasPrefix(p, want)
		}
		if !found {
			t.Errorf("matrix did not flag %s; flagged: %v", want, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("want exactly 5 problems, got %d: %v", len(got), got)
	}
}
