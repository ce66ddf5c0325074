package web

import (
	"net/url"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// Helpers shared by the list pages (conversations, thread, gallery).

// isFragment reports an htmx request for the next run of a list: it gets the rows only.
func isFragment(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// queryCursor reads an optional keyset cursor from the query; a malformed one is a 400.
func queryCursor(c *fiber.Ctx, name string) (*models.Cursor, error) {
	raw := c.Query(name)
	if raw == "" {
		return nil, nil
	}
	cur, err := models.ParseCursor(raw)
	if err != nil {
		return nil, fiber.NewError(fiber.StatusBadRequest, "That page link is malformed. Go back to the start of the list.")
	}
	return &cur, nil
}

// appFilter finds the app named by its Chirp id in the query (row id 0 when none).
func appFilter(apps []models.App, chirpAppID string) (int64, error) {
	if chirpAppID == "" {
		return 0, nil
	}
	for _, a := range apps {
		if a.AppID == chirpAppID {
			return a.ID, nil
		}
	}
	return 0, fiber.NewError(fiber.StatusBadRequest, "There is no app with that id. Clear the filters and pick one from the list.")
}

// channelFilter checks a channel from the query.
func channelFilter(ch string) (string, error) {
	switch ch {
	case "", models.ChannelSMS, models.ChannelWhatsApp:
		return ch, nil
	}
	return "", fiber.NewError(fiber.StatusBadRequest, "Channel must be SMS/MMS or WhatsApp.")
}

func appOptions(apps []models.App, selected string) []views.Option {
	out := make([]views.Option, len(apps))
	for i, a := range apps {
		out[i] = views.Option{Value: a.AppID, Label: a.Name, Selected: a.AppID == selected}
	}
	return out
}

func channelOptions(selected string) []views.Option {
	out := []views.Option{}
	for _, ch := range []string{models.ChannelSMS, models.ChannelWhatsApp} {
		out = append(out, views.Option{Value: ch, Label: views.ChannelLabel(ch), Selected: ch == selected})
	}
	return out
}

// withCursor is the page's URL with the filters kept and the cursor (and extras) set.
func withCursor(path string, q url.Values, name string, cur *models.Cursor, extra ...string) string {
	if cur == nil {
		return ""
	}
	v := url.Values{}
	for k, vs := range q {
		v[k] = append([]string(nil), vs...)
	}
	v.Set(name, cur.String())
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return path + "?" + v.Encode()
}
