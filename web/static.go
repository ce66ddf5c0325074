package web

import (
	"net/http"

	"github.com/aviaryhq/aviary/static"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
)

// newStaticHandler serves the embedded assets below /static.
func newStaticHandler() fiber.Handler {
	return filesystem.New(filesystem.Config{Root: http.FS(static.FS), PathPrefix: "", MaxAge: 365 * 24 * 3600})
}

// serveStatic serves an embedded asset. Asset URLs carry a content hash (static.URL), so
// they may be cached for a year.
func (s *Server) serveStatic(c *fiber.Ctx) error {
	c.Path(c.Path()[len("/static"):])
	if err := s.static(c); err != nil {
		return err
	}
	if c.Response().StatusCode() == fiber.StatusNotFound {
		return fiber.ErrNotFound
	}
	if c.Response().StatusCode() == fiber.StatusOK {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	}
	return nil
}
