package web

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

const (
	// messagesPerPage is how many messages one run of a thread holds.
	messagesPerPage = 50
	// panelPerTab is how many media each tab of the media panel lists.
	panelPerTab = 24
)

var (
	panelMediaKinds = []string{models.KindImage, models.KindVideo, models.KindSticker}
	panelFileKinds  = []string{models.KindDocument, models.KindAudio}
)

// showConversation renders a thread: the newest run of messages, the run around
// ?around=CHIRP_MESSAGE_ID, or (for htmx) the run before ?before= or after ?after=.
func (s *Server) showConversation(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	conv, err := s.store.ConversationByID(ctx, id)
	if err != nil {
		return err
	}
	page, notice, err := s.threadRun(c, id)
	if err != nil {
		return err
	}
	var panel []models.GalleryRow
	if !isFragment(c) {
		if panel, err = s.panelMedia(c, id); err != nil {
			return err
		}
	}
	msgs, panelItems, err := s.threadItems(c, page, panel, conv.Channel)
	if err != nil {
		return err
	}
	base := "/conversations/" + strconv.FormatInt(id, 10)
	older, newer := withCursor(base, nil, "before", page.Older), withCursor(base, nil, "after", page.Newer)
	c.Vary("HX-Request")
	switch {
	case isFragment(c) && c.Query("after") != "":
		return render(c, fiber.StatusOK, views.NewerRun(msgs, newer))
	case isFragment(c):
		return render(c, fiber.StatusOK, views.OlderRun(msgs, older))
	}
	return render(c, fiber.StatusOK, views.Thread(views.ThreadPage{Chrome: s.chrome(c, models.FormatPhone(conv.ContactNumber), "conversations"),
		Conversation: conversationRows([]models.ConversationRow{conv})[0], Messages: msgs, OlderHref: older, NewerHref: newer,
		Notice: notice, Panel: mediaPanel(panelItems, conv)}))
}

// threadRun reads the run of messages the query asks for.
func (s *Server) threadRun(c *fiber.Ctx, convID int64) (models.ThreadPage, string, error) {
	ctx := c.UserContext()
	beforeCur, err := queryCursor(c, "before")
	if err != nil {
		return models.ThreadPage{}, "", err
	}
	afterCur, err := queryCursor(c, "after")
	if err != nil {
		return models.ThreadPage{}, "", err
	}
	switch around := c.Query("around"); {
	case afterCur != nil:
		p, err := s.store.ThreadAfter(ctx, convID, *afterCur, messagesPerPage)
		return p, "", err
	case beforeCur != nil:
		p, err := s.store.ThreadBefore(ctx, convID, beforeCur, messagesPerPage)
		return p, "", err
	case around != "":
		p, err := s.store.ThreadAround(ctx, convID, around, messagesPerPage)
		if !errors.Is(err, models.ErrNotFound) {
			return p, "", err
		}
		p, err = s.store.ThreadLatest(ctx, convID, messagesPerPage)
		return p, "The linked message is not in this conversation; showing the newest messages.", err
	}
	p, err := s.store.ThreadLatest(ctx, convID, messagesPerPage)
	return p, "", err
}

// panelMedia reads the media panel's rows: newest media first, then newest files.
func (s *Server) panelMedia(c *fiber.Ctx, convID int64) ([]models.GalleryRow, error) {
	media, err := s.store.ConversationMedia(c.UserContext(), convID, panelMediaKinds, panelPerTab)
	if err != nil {
		return nil, err
	}
	files, err := s.store.ConversationMedia(c.UserContext(), convID, panelFileKinds, panelPerTab)
	return append(media, files...), err
}

// threadItems resolves the media of the messages and of the panel in one batch and
// builds the message views.
func (s *Server) threadItems(c *fiber.Ctx, page models.ThreadPage, panel []models.GalleryRow, channel string) ([]views.MessageView, []views.MediaItem, error) {
	var rows []models.Media
	var chirpIDs []string
	for _, m := range page.Messages {
		for _, md := range m.Media {
			rows, chirpIDs = append(rows, md), append(chirpIDs, m.ChirpMessageID)
		}
	}
	inThread := len(rows)
	for _, p := range panel {
		rows, chirpIDs = append(rows, p.Media), append(chirpIDs, p.ChirpMessageID)
	}
	items, err := s.mediaItems(c.UserContext(), rows)
	if err != nil {
		return nil, nil, err
	}
	for i := range items {
		items[i].ChirpMessageID = chirpIDs[i]
	}
	msgs := make([]views.MessageView, len(page.Messages))
	next := 0
	for i, m := range page.Messages {
		msgs[i] = views.MessageView{ID: m.ID, ChirpMessageID: m.ChirpMessageID, Channel: channel, Direction: m.Direction, Type: m.Type,
			Text: m.Text, Subject: m.Subject, Status: m.Status, ErrorMessage: m.ErrorMessage, SentAt: m.SentAt,
			DeliveredAt: m.DeliveredAt, ReadAt: m.ReadAt, FailedAt: m.FailedAt, ReceivedAt: m.ReceivedAt,
			Highlighted: m.ID == page.Highlight, Media: items[next : next+len(m.Media)]}
		next += len(m.Media)
	}
	return msgs, items[inThread:], nil
}

// mediaPanel splits the panel's items into its tabs.
func mediaPanel(items []views.MediaItem, conv models.ConversationRow) views.MediaPanel {
	p := views.MediaPanel{GalleryHref: "/gallery?" + url.Values{"contact": {conv.ContactDigits}}.Encode()}
	for _, it := range items {
		if it.Kind == models.KindDocument || it.Kind == models.KindAudio {
			p.Files = append(p.Files, it)
		} else {
			p.Media = append(p.Media, it)
		}
	}
	return p
}
