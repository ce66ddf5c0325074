package web

import (
	"errors"
	"net/http"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// handleError is the one Fiber ErrorHandler: it logs server errors once and renders the
// error page (or a short text for non-page routes). Internals never reach the user.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := http.StatusInternalServerError
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status = fe.Code
	case errors.Is(err, models.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, models.ErrUnavailable):
		status = http.StatusServiceUnavailable
	case errors.Is(err, models.ErrInvalid):
		// A value the database refused (a handler should have said so itself; still, it
		// is the client's input, not a server fault).
		status = http.StatusBadRequest
		s.log.Warn("invalid input reached the database", "route", routeName(c), "err", err)
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "route", routeName(c), "status", status, "err", err)
	}
	c.Response().ResetBody()
	title, message := errorText(status, fe)
	if !wantsHTML(c) {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(message)
	}
	return render(c, status, views.ErrorPage(s.chrome(c, title, ""), status, title, message))
}

// errorText is what the user reads for a status; a fiber.Error below 500 may carry its
// own message, which handlers write for people.
func errorText(status int, fe *fiber.Error) (string, string) {
	switch {
	case status == http.StatusNotFound:
		return "Not found", "There is nothing at this address. It may have been removed, or the link is wrong."
	case status == http.StatusForbidden:
		msg := "Your role does not allow this page. Ask an admin if you need access."
		if fe != nil && fe.Message != "" && fe.Message != http.StatusText(status) {
			msg = fe.Message
		}
		return "Not allowed", msg
	case status == http.StatusServiceUnavailable:
		return "Temporarily unavailable", "Aviary cannot reach its database right now. Please try again in a moment."
	case status < 500 && fe != nil && fe.Message != "":
		return http.StatusText(status), fe.Message
	case status < 500:
		return http.StatusText(status), "The request could not be handled."
	}
	return "Something went wrong", "Aviary hit an unexpected error. It has been logged; please try again."
}

// wantsHTML reports whether the client is a browser asking for a page.
func wantsHTML(c *fiber.Ctx) bool {
	if c.Get("HX-Request") == "true" {
		return true
	}
	accept := c.Get(fiber.HeaderAccept)
	return accept == "" || c.Accepts(fiber.MIMETextHTML) != ""
}
