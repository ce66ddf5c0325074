package web

import (
	"github.com/a-h/templ"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// render writes a templ component as the HTML response with the given status.
func render(c *fiber.Ctx, status int, component templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return component.Render(c.UserContext(), c.Response().BodyWriter())
}

// chrome is the frame data of a page for the current request.
func (s *Server) chrome(c *fiber.Ctx, title, active string) views.Chrome {
	ch := views.Chrome{Title: title, Active: active, CSRF: csrfToken(c), Flash: takeFlash(c)}
	if u := currentUser(c); u != nil {
		ch.Viewer = &views.Viewer{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
	}
	return ch
}
