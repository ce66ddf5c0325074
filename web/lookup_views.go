package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
)

// snippetRunes is how much of a message a result shows.
const snippetRunes = 180

// hitView maps a found message to its list entry, highlighting what the query matched.
func hitView(h models.MessageHit, q models.SearchQuery) views.Hit {
	contact := models.FormatPhone(h.ContactNumber)
	v := views.Hit{URL: conversationURL(h.ConversationID, h.ChirpMessageID), ContactURL: contactURL(h.ContactNumber),
		Contact: []views.Part{{Text: contact}}, Channel: h.Channel, AppName: h.AppName, Direction: h.Direction,
		SentAt: humanTime(h.SentAt), SentISO: h.SentAt.UTC().Format(time.RFC3339), Media: mediaBadges(h.Media)}
	if q.Kind == models.QueryPhone {
		v.Contact = parts(models.HighlightDigits(contact, q.Digits))
	}
	text := h.Text
	if text == "" {
		text = "[" + h.Type + "]"
	}
	v.Snippet = parts(models.Highlight(text, q.Terms, snippetRunes))
	return v
}

func parts(fs []models.Fragment) []views.Part {
	out := make([]views.Part, len(fs))
	for i, f := range fs {
		out[i] = views.Part{Text: f.Text, Mark: f.Match}
	}
	return out
}

func mediaBadges(ms []models.MediaRef) []views.MediaBadge {
	var out []views.MediaBadge
	for _, m := range ms {
		b := views.MediaBadge{MediaID: m.MediaID, Kind: m.Kind, State: m.State}
		if m.ExpiresAt != nil {
			b.Expires = m.ExpiresAt.UTC().Format(time.DateOnly)
		}
		out = append(out, b)
	}
	return out
}

// conversationURL links to a conversation's thread, opened around one message.
func conversationURL(id int64, chirpMessageID string) string {
	u := "/conversations/" + strconv.FormatInt(id, 10)
	if chirpMessageID != "" {
		u += "?around=" + url.QueryEscape(chirpMessageID)
	}
	return u
}

// contactURL links to a contact's timeline; the number keeps its + (E.164).
func contactURL(number string) string { return "/contacts/" + url.PathEscape(number) }

// humanTime is how lists show a time (UTC: Aviary has no per-user time zone yet).
func humanTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }
