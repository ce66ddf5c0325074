package web

import (
	"net/url"
	"slices"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// galleryPerPage is how many tiles one run of the gallery holds.
const galleryPerPage = 60

// dateLayout is how dates travel in the gallery's URL (as <input type="date"> sends them).
const dateLayout = "2006-01-02"

// showGallery renders the media grid, newest first, with its filters in the URL; an htmx
// request with a cursor gets the next run of tiles only.
func (s *Server) showGallery(c *fiber.Ctx) error {
	ctx := c.UserContext()
	apps, err := s.store.Apps(ctx)
	if err != nil {
		return err
	}
	f, form, q, err := parseGalleryFilter(c, apps)
	if err != nil {
		return err
	}
	chrome := s.chrome(c, "Gallery", "gallery")
	if form.Invalid() {
		return render(c, fiber.StatusUnprocessableEntity, views.Gallery(views.GalleryPage{Chrome: chrome, Filter: form, HasApps: true}))
	}
	cur, err := queryCursor(c, "cursor")
	if err != nil {
		return err
	}
	page, err := s.store.Gallery(ctx, f, cur, galleryPerPage)
	if err != nil {
		return err
	}
	tiles, err := s.galleryTiles(c, page.Items)
	if err != nil {
		return err
	}
	more := withCursor("/gallery", q, "cursor", page.Next, "day", lastDay(tiles))
	c.Vary("HX-Request")
	if isFragment(c) {
		return render(c, fiber.StatusOK, views.GalleryTiles(tiles, more))
	}
	return render(c, fiber.StatusOK, views.Gallery(views.GalleryPage{Chrome: chrome, Filter: form, Tiles: tiles,
		HasApps: len(apps) > 0, MoreHref: more}))
}

// galleryTiles resolves the media of a run in one batch and groups them by UTC day; a
// run continuing the day shown last (?day=) does not repeat its header.
func (s *Server) galleryTiles(c *fiber.Ctx, rows []models.GalleryRow) ([]views.GalleryTile, error) {
	media := make([]models.Media, len(rows))
	for i, r := range rows {
		media[i] = r.Media
	}
	items, err := s.mediaItems(c.UserContext(), media)
	if err != nil {
		return nil, err
	}
	prev := ""
	if isFragment(c) {
		prev = c.Query("day")
	}
	tiles := make([]views.GalleryTile, len(rows))
	for i, r := range rows {
		items[i].ChirpMessageID = r.ChirpMessageID
		day := r.CreatedAt.UTC().Truncate(24 * time.Hour)
		tiles[i] = views.GalleryTile{Item: items[i], Contact: models.FormatPhone(r.ContactNumber), AppName: r.AppName,
			Channel: r.Channel, Direction: r.Direction, Day: day, NewDay: day.Format(dateLayout) != prev}
		prev = day.Format(dateLayout)
	}
	return tiles, nil
}

func lastDay(tiles []views.GalleryTile) string {
	if len(tiles) == 0 {
		return ""
	}
	return tiles[len(tiles)-1].Day.Format(dateLayout)
}

// parseGalleryFilter reads the gallery's filters. Values a person types (dates, contact)
// come back as field errors; values only a tampered link can hold are a 400.
func parseGalleryFilter(c *fiber.Ctx, apps []models.App) (models.GalleryFilter, views.GalleryFilterForm, url.Values, error) {
	var f models.GalleryFilter
	var form views.GalleryFilterForm
	var err error
	if f.AppID, err = appFilter(apps, c.Query("app")); err != nil {
		return f, form, nil, err
	}
	if f.Channel, err = channelFilter(c.Query("channel")); err != nil {
		return f, form, nil, err
	}
	kind, avail := c.Query("kind"), c.Query("availability")
	if kind != "" {
		if !validKind(kind) {
			return f, form, nil, fiber.NewError(fiber.StatusBadRequest, "Kind must be image, video, audio, document or sticker.")
		}
		f.Kinds = []string{kind}
	}
	switch avail {
	case "", models.AvailabilityAvailable, models.AvailabilityExpiring, models.AvailabilityExpired:
		f.Availability = avail
	default:
		return f, form, nil, fiber.NewError(fiber.StatusBadRequest, "Availability must be available, expiring or expired.")
	}
	form = views.GalleryFilterForm{Apps: appOptions(apps, c.Query("app")), Channels: channelOptions(f.Channel),
		Kinds: kindOptions(kind), Availability: availabilityOptions(avail), From: c.Query("from"), To: c.Query("to"), Contact: c.Query("contact")}
	f.From, form.FromError = parseDay(form.From)
	if f.To, form.ToError = parseDay(form.To); !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // inclusive: up to the end of that day
	}
	if form.ToError == "" && !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		form.ToError = "The end date is before the start date."
	}
	if f.ContactDigits = models.Digits(form.Contact); form.Contact != "" && len(f.ContactDigits) < 3 {
		form.ContactError = "Enter at least 3 digits of the number."
	}
	q := url.Values{}
	for _, k := range []string{"app", "channel", "kind", "availability", "from", "to", "contact"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	form.Active = len(q) > 0
	return f, form, q, nil
}

func parseDay(v string) (time.Time, string) {
	if v == "" {
		return time.Time{}, ""
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil {
		return time.Time{}, "Enter a date as YYYY-MM-DD."
	}
	return t, ""
}

var mediaKinds = []string{models.KindImage, models.KindVideo, models.KindAudio, models.KindDocument, models.KindSticker}

func validKind(k string) bool { return slices.Contains(mediaKinds, k) }
func kindOptions(selected string) []views.Option {
	labels := []string{"Images", "Videos", "Audio", "Documents", "Stickers"}
	out := make([]views.Option, len(mediaKinds))
	for i, k := range mediaKinds {
		out[i] = views.Option{Value: k, Label: labels[i], Selected: k == selected}
	}
	return out
}

func availabilityOptions(selected string) []views.Option {
	return []views.Option{
		{Value: models.AvailabilityAvailable, Label: "Available", Selected: selected == models.AvailabilityAvailable},
		{Value: models.AvailabilityExpiring, Label: "Expiring within 7 days", Selected: selected == models.AvailabilityExpiring},
		{Value: models.AvailabilityExpired, Label: "Expired or removed", Selected: selected == models.AvailabilityExpired},
	}
}
