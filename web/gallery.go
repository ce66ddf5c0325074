package web

import (
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// showGallery renders the Gallery page.
func (s *Server) showGallery(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.EmptyPage(s.chrome(c, "Gallery", "gallery"), "Gallery", "No media yet", "Images, videos, voice notes and documents your apps receive will appear here."))
}
