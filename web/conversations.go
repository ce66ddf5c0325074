package web

import (
	"net/url"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// conversationsPerPage is how many conversations one run of the list holds.
const conversationsPerPage = 30

// showConversations renders the conversation list, newest activity first; an htmx
// request with a cursor gets the next run of rows only.
func (s *Server) showConversations(c *fiber.Ctx) error {
	ctx := c.UserContext()
	apps, err := s.store.Apps(ctx)
	if err != nil {
		return err
	}
	f, q, err := parseConversationFilter(c, apps)
	if err != nil {
		return err
	}
	cur, err := queryCursor(c, "cursor")
	if err != nil {
		return err
	}
	page, err := s.store.Conversations(ctx, f, cur, conversationsPerPage)
	if err != nil {
		return err
	}
	rows, more := conversationRows(page.Items), withCursor("/", q, "cursor", page.Next)
	c.Vary("HX-Request")
	if isFragment(c) {
		return render(c, fiber.StatusOK, views.ConversationRows(rows, more))
	}
	form := views.ConversationFilterForm{Apps: appOptions(apps, q.Get("app")), Channels: channelOptions(f.Channel),
		HasMedia: f.HasMedia, Active: len(q) > 0}
	return render(c, fiber.StatusOK, views.Conversations(views.ConversationsPage{Chrome: s.chrome(c, "Conversations", "conversations"),
		Filter: form, Rows: rows, MoreHref: more, HasApps: len(apps) > 0}))
}

// parseConversationFilter reads the list's filters and returns them with the query that
// reproduces them.
func parseConversationFilter(c *fiber.Ctx, apps []models.App) (models.ConversationFilter, url.Values, error) {
	var f models.ConversationFilter
	q := url.Values{}
	var err error
	if f.AppID, err = appFilter(apps, c.Query("app")); err != nil {
		return f, nil, err
	}
	if f.Channel, err = channelFilter(c.Query("channel")); err != nil {
		return f, nil, err
	}
	f.HasMedia = c.Query("media") == "1"
	for k, v := range map[string]string{"app": c.Query("app"), "channel": f.Channel} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.HasMedia {
		q.Set("media", "1")
	}
	return f, q, nil
}

func conversationRows(items []models.ConversationRow) []views.ConversationRow {
	rows := make([]views.ConversationRow, len(items))
	for i, it := range items {
		rows[i] = views.ConversationRow{ID: it.ID, Contact: models.FormatPhone(it.ContactNumber),
			Business: models.FormatPhone(it.BusinessNumber), AppName: it.AppName, Channel: it.Channel,
			Snippet: it.LastSnippet, LastMessageAt: it.LastMessageAt, Messages: it.MessageCount, Media: it.MediaCount}
	}
	return rows
}
