package web

import (
	"crypto/hkdf"
	"crypto/sha256"
	"net/http"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gorilla/sessions"
)

// Session lifetimes.
const (
	sessionName     = "aviary_session"
	sessionIdle     = 12 * time.Hour
	sessionAbsolute = 7 * 24 * time.Hour
	// sessionTouch is how stale the last-seen time may get before the cookie is rewritten.
	sessionTouch = time.Minute
)

// Keys in the session and in c.Locals.
const (
	keyUserID  = "uid"
	keyEpoch   = "epoch"
	keyCreated = "created"
	keySeen    = "seen"
	keyCSRF    = "csrf"
	keyFlash   = "flash"

	localSession = "aviary.session"
	localUser    = "aviary.user"
)

// sessionStore is the gorilla cookie store with keys derived from AVIARY_SECRET_KEY.
type sessionStore struct {
	cookies *sessions.CookieStore
}

func newSessionStore(secret []byte, secure bool) *sessionStore {
	auth, _ := hkdf.Key(sha256.New, secret, nil, "aviary/session-auth/v1", 64)
	enc, _ := hkdf.Key(sha256.New, secret, nil, "aviary/session-enc/v1", 32)
	cs := sessions.NewCookieStore(auth, enc)
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(sessionAbsolute / time.Second),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	cs.MaxAge(cs.Options.MaxAge)
	return &sessionStore{cookies: cs}
}

func secureCookies(baseURL string) bool {
	return len(baseURL) >= 8 && baseURL[:8] == "https://"
}

// requestSession is the session of one request, converted from Fiber once.
type requestSession struct {
	req   *http.Request
	sess  *sessions.Session
	dirty bool
}

// loadSession reads the session cookie (a tampered or undecodable cookie is a fresh,
// signed-out session) and writes it back after the handler when it changed.
func (s *Server) loadSession(c *fiber.Ctx) error {
	req, err := adaptor.ConvertRequest(c, false)
	if err != nil {
		return err
	}
	sess, err := s.sessions.cookies.Get(req, sessionName)
	rs := &requestSession{req: req, sess: sess}
	if err != nil {
		// Tampered, old-keyed or otherwise unreadable: start again signed out.
		rs.sess = sessions.NewSession(s.sessions.cookies, sessionName)
		rs.sess.Options = s.sessions.cookies.Options
		rs.sess.IsNew = true
		rs.dirty = true
	}
	c.Locals(localSession, rs)
	if rs.value(keyCSRF) == "" {
		rs.set(keyCSRF, newToken())
	}
	if err := s.authenticate(c, rs); err != nil {
		return err
	}
	herr := c.Next()
	if rs.dirty {
		w := &headerWriter{h: http.Header{}}
		if err := rs.sess.Save(rs.req, w); err != nil {
			return err
		}
		for _, v := range w.h.Values("Set-Cookie") {
			c.Response().Header.Add(fiber.HeaderSetCookie, v)
		}
	}
	return herr
}

// authenticate puts the signed-in user in c.Locals when the session names an enabled
// user with the same session epoch and neither timeout has passed.
func (s *Server) authenticate(c *fiber.Ctx, rs *requestSession) error {
	uid, ok := rs.sess.Values[keyUserID].(int64)
	if !ok || uid == 0 {
		return nil
	}
	now := s.now()
	created, _ := rs.sess.Values[keyCreated].(int64)
	seen, _ := rs.sess.Values[keySeen].(int64)
	if now.Sub(time.Unix(created, 0)) > sessionAbsolute || now.Sub(time.Unix(seen, 0)) > sessionIdle {
		rs.clearUser()
		return nil
	}
	u, err := s.store.UserByID(c.UserContext(), uid)
	if err != nil {
		if isNotFound(err) {
			rs.clearUser()
			return nil
		}
		return err
	}
	epoch, _ := rs.sess.Values[keyEpoch].(int)
	if u.Disabled || epoch != u.SessionEpoch {
		rs.clearUser()
		return nil
	}
	if now.Sub(time.Unix(seen, 0)) > sessionTouch {
		rs.set(keySeen, now.Unix())
	}
	c.Locals(localUser, &u)
	return nil
}

// startSession renews the session for a user who just signed in: every old value is
// dropped, and a new CSRF token is issued, so the cookie changes.
func (s *Server) startSession(c *fiber.Ctx, u models.User) {
	rs := session(c)
	for k := range rs.sess.Values {
		delete(rs.sess.Values, k)
	}
	now := s.now().Unix()
	rs.sess.Values[keyUserID] = u.ID
	rs.sess.Values[keyEpoch] = u.SessionEpoch
	rs.sess.Values[keyCreated] = now
	rs.sess.Values[keySeen] = now
	rs.sess.Values[keyCSRF] = newToken()
	rs.dirty = true
	c.Locals(localUser, &u)
}

// endSession signs the browser out and gives it a fresh CSRF token.
func endSession(c *fiber.Ctx) {
	rs := session(c)
	for k := range rs.sess.Values {
		delete(rs.sess.Values, k)
	}
	rs.sess.Values[keyCSRF] = newToken()
	rs.dirty = true
	c.Locals(localUser, nil)
}

func (rs *requestSession) clearUser() {
	for _, k := range []string{keyUserID, keyEpoch, keyCreated, keySeen} {
		delete(rs.sess.Values, k)
	}
	rs.dirty = true
}

func (rs *requestSession) value(k string) string {
	v, _ := rs.sess.Values[k].(string)
	return v
}

func (rs *requestSession) set(k string, v any) {
	rs.sess.Values[k] = v
	rs.dirty = true
}

// session returns the request's session (loadSession must have run).
func session(c *fiber.Ctx) *requestSession {
	rs, _ := c.Locals(localSession).(*requestSession)
	if rs == nil {
		panic("web: session used on a route without loadSession")
	}
	return rs
}

// currentUser is the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(localUser).(*models.User)
	return u
}

// flash stores a one-time message shown on the next page.
func flash(c *fiber.Ctx, msg string) { session(c).set(keyFlash, msg) }

// takeFlash returns and clears the flash message.
func takeFlash(c *fiber.Ctx) string {
	rs, _ := c.Locals(localSession).(*requestSession)
	if rs == nil {
		return ""
	}
	msg := rs.value(keyFlash)
	if msg != "" {
		delete(rs.sess.Values, keyFlash)
		rs.dirty = true
	}
	return msg
}

// headerWriter is the minimal http.ResponseWriter gorilla needs to set a cookie.
type headerWriter struct{ h http.Header }

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerWriter) WriteHeader(int)             {}
