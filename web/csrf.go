package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"
)

// checkCSRF rejects unsafe requests whose token (form field _csrf or header
// X-CSRF-Token) does not match the session's. The webhook route has no session and so
// never passes through here.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	want := session(c).value(keyCSRF)
	got := c.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "This form has expired or did not come from Aviary. Go back, reload the page and try again.")
	}
	return c.Next()
}

// csrfToken is the current request's CSRF token for forms and the meta tag.
func csrfToken(c *fiber.Ctx) string {
	rs, _ := c.Locals(localSession).(*requestSession)
	if rs == nil {
		return ""
	}
	return rs.value(keyCSRF)
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
