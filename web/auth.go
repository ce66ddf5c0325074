package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"
)

// Role ranks: each role may do everything the ones below it may.
const (
	roleViewer = iota + 1
	roleSupport
	roleAdmin
)

func roleRank(role string) int {
	switch role {
	case models.RoleAdmin:
		return roleAdmin
	case models.RoleSupport:
		return roleSupport
	case models.RoleViewer:
		return roleViewer
	}
	return 0
}

// requireRole lets through signed-in users whose role ranks at least min. Signed-out
// page requests go to the login page (with next), media and htmx requests get 401.
func (s *Server) requireRole(min int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		if u == nil {
			if strings.HasPrefix(c.Path(), "/media/") || c.Method() != fiber.MethodGet {
				return fiber.NewError(fiber.StatusUnauthorized, "Sign in to see this.")
			}
			next := "/login?next=" + url.QueryEscape(string(c.Request().URI().RequestURI()))
			if c.Get("HX-Request") == "true" {
				c.Set("HX-Redirect", next)
				return c.SendStatus(fiber.StatusUnauthorized)
			}
			return c.Redirect(next, fiber.StatusSeeOther)
		}
		if roleRank(u.Role) < min {
			return fiber.NewError(fiber.StatusForbidden)
		}
		return c.Next()
	}
}

// showLogin renders the sign-in form (or sends a signed-in user on).
func (s *Server) showLogin(c *fiber.Ctx) error {
	next := localPath(c.Query("next"))
	if currentUser(c) != nil {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, views.LoginPage(s.chrome(c, "Sign in", ""), views.LoginForm{Next: next}))
}

// signIn checks the email and password. Failures are throttled per IP and per email,
// and never say whether the email exists.
func (s *Server) signIn(c *fiber.Ctx) error {
	form := views.LoginForm{Email: strings.TrimSpace(c.FormValue("email")), Next: localPath(c.FormValue("next"))}
	password := c.FormValue("password")
	ip := c.IP()
	if wait := s.throttle.blocked(ip, form.Email); wait > 0 {
		form.Error = "Too many failed sign-ins. Wait " + humanDuration(wait) + " and try again."
		return render(c, fiber.StatusTooManyRequests, views.LoginPage(s.chrome(c, "Sign in", ""), form))
	}
	u, err := s.store.UserByEmail(c.UserContext(), form.Email)
	if err != nil && !isNotFound(err) {
		return err
	}
	ok := err == nil && !u.Disabled && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
	if err != nil {
		// Spend the same time as a real comparison so timing does not reveal the email.
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
	}
	if !ok {
		s.throttle.fail(ip, form.Email)
		s.audit(c, "auth.signin_failed", form.Email, "")
		form.Error = "That email and password do not match an active account."
		return render(c, fiber.StatusUnauthorized, views.LoginPage(s.chrome(c, "Sign in", ""), form))
	}
	s.throttle.succeed(ip, form.Email)
	if err := s.store.TouchLogin(c.UserContext(), u.ID); err != nil {
		return err
	}
	s.startSession(c, u)
	s.audit(c, "auth.signin", u.Email, "")
	return c.Redirect(form.Next, fiber.StatusSeeOther)
}

// signOut ends the session.
func (s *Server) signOut(c *fiber.Ctx) error {
	if u := currentUser(c); u != nil {
		s.audit(c, "auth.signout", u.Email, "")
	}
	endSession(c)
	flash(c, "You are signed out.")
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// localPath accepts only a path on this site (no scheme, no host, no //), else "/".
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// dummyHash is compared against when the email is unknown, to even out timing.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("aviary-timing-equaliser"), bcrypt.DefaultCost)

func isNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }

// audit records an event by the current user; a failure to record is logged, not fatal.
func (s *Server) audit(c *fiber.Ctx, action, target, details string) {
	ev := models.AuditEvent{Action: action, Target: target, Details: details, ClientIP: c.IP()}
	if u := currentUser(c); u != nil {
		id := u.ID
		ev.ActorID, ev.ActorEmail = &id, u.Email
	}
	if err := s.store.Record(c.UserContext(), ev); err != nil {
		s.log.Error("audit record failed", "action", action, "err", err)
	}
}
