package web

import (
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// showConversations renders the Conversations page.
func (s *Server) showConversations(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.EmptyPage(s.chrome(c, "Conversations", "conversations"), "Conversations", "No conversations yet", "Messages appear here as soon as Chirp delivers them to this Aviary's webhook. Add a Chirp app under Settings and point its webhook here."))
}
