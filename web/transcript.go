package web

import (
	"strconv"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// transcriptPageSize is how many messages one transcript page prints.
const transcriptPageSize = 1000

// showTranscript renders a conversation as a printable page, oldest first, in parts of
// transcriptPageSize messages.
func (s *Server) showTranscript(c *fiber.Ctx) error {
	h, err := s.conversationHeader(c)
	if err != nil {
		return err
	}
	after, err := models.ParseOptionalCursor(c.Query("after"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "That transcript link is broken. Open the transcript again.")
	}
	hits, next, err := s.store.TranscriptPage(c.UserContext(), h.ID, after, transcriptPageSize)
	if err != nil {
		return err
	}
	s.audit(c, "export.transcript", "conversation "+strconv.FormatInt(h.ID, 10), "")
	v := transcriptView(h, hits, next, s.now())
	return render(c, fiber.StatusOK, views.TranscriptPage(s.chrome(c, v.Title, ""), v))
}

func transcriptView(h models.ConversationHeader, hits []models.MessageHit, next *models.Cursor, now time.Time) views.TranscriptView {
	id := strconv.FormatInt(h.ID, 10)
	base := "/conversations/" + id
	v := views.TranscriptView{Title: "Transcript: " + models.FormatPhone(h.ContactNumber), Contact: models.FormatPhone(h.ContactNumber),
		Business: models.FormatPhone(h.BusinessNumber), Channel: h.Channel, AppName: h.AppName, Generated: humanTime(now),
		BackURL: base, ExportCSV: base + "/export.csv", ExportJSON: base + "/export.json"}
	for _, m := range hits {
		v.Messages = append(v.Messages, views.TranscriptLine{SentAt: humanTime(m.SentAt), SentISO: m.SentAt.UTC().Format(time.RFC3339),
			Direction: m.Direction, Status: m.Status, Text: m.Text, Media: mediaBadges(m.Media)})
	}
	if next != nil {
		v.NextURL = base + "/transcript?after=" + next.String()
	}
	return v
}
