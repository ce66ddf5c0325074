package web

import (
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// showRetentionForm renders the Media retention page.
func (s *Server) showRetentionForm(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.EmptyPage(s.chrome(c, "Media retention", "settings"), "Media retention", "Retention settings", "Chirp deletes media after the organization's retention period."))
}
