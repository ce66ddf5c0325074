package web

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// searchPageSize is how many results a lookup page shows.
const searchPageSize = 25

// showSearch renders the support lookup and, when the URL asks for one, its results.
func (s *Server) showSearch(c *fiber.Ctx) error {
	form, q, err := parseSearchForm(c)
	if err := s.addAppOptions(c, &form); err != nil {
		return err
	}
	chrome := s.chrome(c, "Search", "search")
	if err != nil {
		form.Error = userMessage(err)
		return render(c, fiber.StatusUnprocessableEntity, views.SearchPage(chrome, form, nil))
	}
	if q.Kind == models.QueryAll && !q.Filters.Any() {
		return render(c, fiber.StatusOK, views.SearchPage(chrome, form, nil))
	}
	after, err := models.ParseOptionalCursor(c.Query("after"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "That page link is broken. Start the search again.")
	}
	page, err := s.store.Search(c.UserContext(), q, after, searchPageSize)
	if err != nil {
		return err
	}
	s.audit(c, "search.query", q.Raw, searchDetails(q, after))
	return render(c, fiber.StatusOK, views.SearchPage(chrome, form, s.searchResults(form, q, page, after != nil)))
}

// parseSearchForm reads the lookup from the URL: the form to show again and the query.
func parseSearchForm(c *fiber.Ctx) (views.SearchForm, models.SearchQuery, error) {
	form := views.SearchForm{Q: c.Query("q"), App: c.Query("app"), Channel: c.Query("channel"),
		Direction: c.Query("direction"), HasMedia: c.Query("media") == "1", From: c.Query("from"), To: c.Query("to")}
	f := models.SearchFilters{AppID: form.App, Channel: form.Channel, Direction: form.Direction, HasMedia: form.HasMedia}
	var err error
	if f.From, err = parseSearchDay(form.From, "start"); err != nil {
		return form, models.SearchQuery{}, err
	}
	if f.To, err = parseSearchDay(form.To, "end"); err != nil {
		return form, models.SearchQuery{}, err
	}
	q, err := models.ParseSearch(form.Q, f)
	return form, q, err
}

// parseSearchDay reads a from/to date with the gallery's parser, as a models.ErrInvalid.
func parseSearchDay(v, which string) (time.Time, error) {
	t, problem := parseDay(v)
	if problem != "" {
		return time.Time{}, fmt.Errorf("the %s date must look like 2026-03-31: %w", which, models.ErrInvalid)
	}
	return t, nil
}

// userMessage turns a validation error into a sentence for the form.
func userMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "models: search: ")
	msg = strings.TrimSuffix(msg, ": "+models.ErrInvalid.Error())
	if !errors.Is(err, models.ErrInvalid) || msg == "" {
		return "That search could not be understood."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

func (s *Server) addAppOptions(c *fiber.Ctx, form *views.SearchForm) error {
	apps, err := s.store.Apps(c.UserContext())
	if err != nil {
		return err
	}
	for _, a := range apps {
		form.Apps = append(form.Apps, views.Option{Value: a.AppID, Label: a.Name})
	}
	return nil
}

// searchDetails is the audit entry's detail: what kind of lookup, with which filters.
func searchDetails(q models.SearchQuery, after *models.Cursor) string {
	v := searchValues(q.Filters)
	v.Set("kind", string(q.Kind))
	if after != nil {
		v.Set("after", after.String())
	}
	return v.Encode()
}

// searchValues encodes filters for a URL.
func searchValues(f models.SearchFilters) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("app", f.AppID)
	set("channel", f.Channel)
	set("direction", f.Direction)
	if f.HasMedia {
		v.Set("media", "1")
	}
	if !f.From.IsZero() {
		v.Set("from", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		v.Set("to", f.To.Format(time.DateOnly))
	}
	return v
}

// searchURL is the URL of the lookup q at path, after the cursor.
func searchURL(path string, q models.SearchQuery, after *models.Cursor) string {
	v := searchValues(q.Filters)
	if q.Raw != "" {
		v.Set("q", q.Raw)
	}
	if after != nil {
		v.Set("after", after.String())
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func (s *Server) searchResults(form views.SearchForm, q models.SearchQuery, page models.SearchPage, paged bool) *views.SearchResults {
	r := &views.SearchResults{Understood: understood(q), TooManyContacts: page.TooManyContacts,
		ExportCSV: searchURL("/search/export.csv", q, nil), ExportJSON: searchURL("/search/export.json", q, nil)}
	for _, ct := range page.Contacts {
		r.Contacts = append(r.Contacts, views.ContactLink{Number: parts(models.HighlightDigits(models.FormatPhone(ct.ContactNumber), q.Digits)),
			URL: contactURL(ct.ContactNumber), Channel: ct.Channel, AppName: ct.AppName, Messages: ct.MessageCount})
	}
	for _, h := range page.Hits {
		r.Hits = append(r.Hits, hitView(h, q))
	}
	if page.Next != nil {
		r.NextURL = searchURL("/search", q, page.Next)
	}
	if paged {
		r.FirstURL = searchURL("/search", q, nil)
	}
	return r
}

// understood says, in the page, how the search box was read.
func understood(q models.SearchQuery) string {
	switch q.Kind {
	case models.QueryPhone:
		return "Phone numbers containing " + strings.Join(q.Digits, " or ")
	case models.QueryMessageID:
		return "Chirp message id " + q.IDs[0]
	case models.QueryMediaID:
		return "Media id " + q.IDs[0]
	case models.QueryText:
		return "Messages with words starting with " + strings.Join(q.Terms, ", ")
	}
	return "Every message matching the filters"
}
