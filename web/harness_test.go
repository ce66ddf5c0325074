package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/chirp/chirpsim"
	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
	"github.com/gofiber/fiber/v2"
)

func TestMain(m *testing.M) { modelstest.Main(m) }

// testEnv is a real Aviary app on a fresh database.
type testEnv struct {
	t     *testing.T
	app   *fiber.App
	store *models.Store
	logs  *syncBuffer
	clock *testClock

	serving sync.Once // the app listening on addr, for real HTTP clients
	addr    string
}

type envOptions struct {
	dialect  migrations.Dialect
	baseURL  string
	dbURL    string          // an existing database instead of a fresh one
	resolver *chirp.Resolver // resolves media at render time (nil: none)
	// mediaOrigins are allowed to serve images and media (CSP); Chirp's by default.
	mediaOrigins []string
	// sim, when set, is the Chirp API: the env builds a resolver on it with resolverCfg,
	// records gone media as serve does (then calls resolverCfg.OnGone, if any) and lets
	// the CSP allow the simulator's presigned URLs.
	sim         *chirpsim.Sim
	resolverCfg chirp.ResolverConfig
}

// withSim makes the simulator the env's Chirp API.
func withSim(sim *chirpsim.Sim, cfg chirp.ResolverConfig) func(*envOptions) {
	return func(o *envOptions) { o.sim, o.resolverCfg = sim, cfg }
}

// newTestEnv builds the app through web.New on a fresh Postgres database (or the dialect asked).
func newTestEnv(t *testing.T, opts ...func(*envOptions)) *testEnv {
	t.Helper()
	o := envOptions{dialect: migrations.Postgres, baseURL: "http://127.0.0.1:8080"}
	for _, f := range opts {
		f(&o)
	}
	var store *models.Store
	if o.dbURL != "" {
		store = modelstest.OpenURL(t, o.dbURL)
	} else {
		store = modelstest.Open(t, o.dialect)
	}
	logs := &syncBuffer{}
	if o.sim != nil {
		cfg, hook, record := o.resolverCfg, o.resolverCfg.OnGone, GoneRecorder(store, slog.New(slog.NewTextHandler(logs, nil)))
		cfg.OnGone = func(ctx context.Context, ref chirp.Ref) {
			record(ctx, ref)
			if hook != nil {
				hook(ctx, ref)
			}
		}
		o.resolver = chirp.NewResolver(chirp.NewClient(o.sim.URL()), cfg)
		o.mediaOrigins = append(o.mediaOrigins, o.sim.URL())
	}
	clock := &testClock{now: time.Now()}
	app := New(Deps{
		Config:   Config{BaseURL: o.baseURL, SecretKey: modelstest.SecretKey, MediaOrigins: append([]string{"https://media.buildwithchirp.com"}, o.mediaOrigins...)},
		Store:    store,
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		Now:      clock.Now,
		Resolver: o.resolver,
	})
	return &testEnv{t: t, app: app, store: store, logs: logs, clock: clock}
}

func onSQLite(o *envOptions) { o.dialect = migrations.SQLite }

func onDatabase(u string) func(*envOptions) { return func(o *envOptions) { o.dbURL = u } }

// user creates a user with the role; the password is "password-<role>".
func (e *testEnv) user(email, role string) models.User {
	e.t.Helper()
	u, err := e.store.CreateUser(context.Background(), models.NewUser{Email: email, Password: "password-" + role, Role: role})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// fromLoopback sends req over real TCP from the loopback address ip (127.x.y.z), so the
// app sees that client IP: app.Test always reports 0.0.0.0. The app starts listening on
// first use.
func (e *testEnv) fromLoopback(ip string, req *http.Request) (*http.Response, error) {
	e.listen()
	src := net.ParseIP(ip)
	if src == nil || !src.IsLoopback() {
		e.t.Fatalf("client ip %q: use a 127.x.y.z address", ip)
	}
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: src}}
	hc := &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	out := req.Clone(context.Background())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = "http", e.addr
	return hc.Do(out)
}

// client is a browser-like caller that keeps cookies and the CSRF token.
type client struct {
	e       *testEnv
	cookies map[string]*http.Cookie
	csrf    string
	ip      string
}

func (e *testEnv) client() *client { return &client{e: e, cookies: map[string]*http.Cookie{}} }

// signedIn returns a client signed in as a new user role@example.com of the role.
func (e *testEnv) signedIn(role string) *client {
	e.t.Helper()
	return e.signedInAs(role+"@example.com", role)
}

// signedInAs creates a user and returns a client signed in as it, holding the CSRF token
// of its new session (signing in replaces the token).
func (e *testEnv) signedInAs(email, role string) *client {
	e.t.Helper()
	e.user(email, role)
	c := e.client()
	resp := c.login(email, "password-"+role)
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: status %d", role, resp.StatusCode)
	}
	c.get("/")
	return c
}

// login fetches the form (for the CSRF token) and posts the credentials.
func (c *client) login(email, password string) *http.Response {
	c.e.t.Helper()
	c.get("/login")
	return c.post("/login", url.Values{"email": {email}, "password": {password}})
}

func (c *client) get(path string) *http.Response {
	return c.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a form with the client's CSRF token.
func (c *client) post(path string, form url.Values) *http.Response {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" && c.csrf != "" {
		form.Set("_csrf", c.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// do sends req with the cookies, keeps new cookies and remembers the page's CSRF token.
func (c *client) do(req *http.Request) *http.Response {
	c.e.t.Helper()
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html")
	}
	var resp *http.Response
	var err error
	if c.ip != "" {
		resp, err = c.e.fromLoopback(c.ip, req)
	} else {
		resp, err = c.e.app.Test(req, -1)
	}
	if err != nil {
		c.e.t.Fatal(err)
	}
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body))); err == nil {
			if tok, ok := doc.Find(`meta[name="csrf-token"]`).Attr("content"); ok && tok != "" {
				c.csrf = tok
			}
		}
	}
	return resp
}

// readBody returns the response body as a string.
func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(strings.NewReader(string(b)))
	return string(b)
}

// doc parses an HTML response.
func doc(t *testing.T, resp *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(readBody(t, resp)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// testClock is a movable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer collects log output safely.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// listen serves the app on a loopback port for real HTTP clients (once) and returns its URL.
func (e *testEnv) listen() string {
	e.t.Helper()
	e.serving.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			e.t.Fatal(err)
		}
		e.addr = ln.Addr().String()
		go func() { _ = e.app.Listener(ln) }()
		e.t.Cleanup(func() { _ = e.app.ShutdownWithTimeout(5 * time.Second) })
	})
	return "http://" + e.addr
}

// chirpApp registers a Chirp app with a known webhook secret.
func (e *testEnv) chirpApp(appID, key, secret string) models.App {
	e.t.Helper()
	a, _, err := e.store.CreateApp(context.Background(), models.NewApp{AppID: appID, Name: "Test " + appID[len(appID)-4:], Key: key, WebhookSecret: secret})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// count runs a COUNT(*) query.
func (e *testEnv) count(query string, args ...any) int {
	e.t.Helper()
	db, err := e.store.SQLDB()
	if err != nil {
		e.t.Fatal(err)
	}
	if e.store.Dialect() == migrations.Postgres { // database/sql with pgx wants $1, $2…
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}
