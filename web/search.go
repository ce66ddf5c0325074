package web

import (
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// showSearch renders the Search page.
func (s *Server) showSearch(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.EmptyPage(s.chrome(c, "Search", "search"), "Search", "Search the message history", "Look up a contact by phone number, a message by its text or id, or a date."))
}
