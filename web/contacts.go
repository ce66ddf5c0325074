package web

import (
	"errors"
	"net/url"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// showContact renders a contact's timeline: every message with the number, newest first.
func (s *Server) showContact(c *fiber.Ctx) error {
	after, err := models.ParseOptionalCursor(c.Query("after"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "That page link is broken. Open the contact again.")
	}
	tl, err := s.store.ContactTimeline(c.UserContext(), numberParam(c), after, searchPageSize)
	if errors.Is(err, models.ErrInvalid) {
		return fiber.NewError(fiber.StatusBadRequest, "That is not a phone number.")
	}
	if err != nil {
		return err
	}
	s.audit(c, "contact.timeline", tl.E164, "")
	base := contactURL(tl.E164)
	v := views.ContactView{Number: models.FormatPhone(tl.E164), ExportCSV: base + "/export.csv", ExportJSON: base + "/export.json"}
	for _, ct := range tl.Conversations {
		v.Conversations = append(v.Conversations, views.ContactLink{URL: conversationURL(ct.ConversationID, ""),
			Channel: ct.Channel, AppName: ct.AppName, Messages: ct.MessageCount})
	}
	for _, h := range tl.Hits {
		v.Hits = append(v.Hits, hitView(h, models.SearchQuery{}))
	}
	if tl.Next != nil {
		v.NextURL = base + "?after=" + tl.Next.String()
	}
	if after != nil {
		v.FirstURL = base
	}
	return render(c, fiber.StatusOK, views.ContactPage(s.chrome(c, v.Number, "search"), v))
}

// numberParam is the :number of the path, unescaped ("+1%20555…" is a number too).
func numberParam(c *fiber.Ctx) string {
	n, err := url.PathUnescape(c.Params("number"))
	if err != nil {
		return c.Params("number")
	}
	return n
}
