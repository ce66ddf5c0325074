package web

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// mediaResolveTimeout bounds how long /media/:id waits for Chirp.
const mediaResolveTimeout = 8 * time.Second

// openMedia answers GET /media/:mediaID: a 302 to a fresh presigned URL, the file itself
// for ?download=1, or an SVG placeholder that says why the media cannot be shown (so an
// <img> never shows a broken-image glyph).
func (s *Server) openMedia(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	item, err := s.lookupMedia(c)
	if err != nil {
		return err
	}
	download := c.Query("download") == "1"
	if download || c.Get("Sec-Fetch-Dest") == "document" {
		s.audit(c, "media.open", item.MediaID, openDetails(download))
	}
	if item.State != views.MediaReady {
		return sendPlaceholder(c, item)
	}
	if download {
		return s.sendDownload(c, item)
	}
	return c.Redirect(item.URL, fiber.StatusFound)
}

// lookupMedia finds the media named in the URL and resolves it with Chirp, waiting
// (within mediaResolveTimeout) rather than giving up at the render deadline.
func (s *Server) lookupMedia(c *fiber.Ctx) (views.MediaItem, error) {
	ctx := c.UserContext()
	id := c.Params("mediaID")
	if rowID, ok := strings.CutPrefix(id, "none-"); ok {
		n, err := strconv.ParseInt(rowID, 10, 64)
		if err != nil {
			return views.MediaItem{}, fiber.ErrNotFound
		}
		m, err := s.store.MediaByID(ctx, n)
		if err != nil || m.MediaID != nil {
			return views.MediaItem{}, fiber.ErrNotFound
		}
		return s.itemFor(m, 0), nil
	}
	if len(id) > 128 {
		return views.MediaItem{}, fiber.ErrNotFound
	}
	mw, err := s.store.MediaByMediaID(ctx, id)
	if err != nil {
		return views.MediaItem{}, err
	}
	org, err := s.store.Organization(ctx)
	if err != nil {
		return views.MediaItem{}, err
	}
	item := s.itemFor(mw.Media, org.MediaRetentionDays)
	if mw.GoneAt != nil || s.resolver == nil {
		return item, nil
	}
	// An "expired" mark from the sweeper is confirmed with Chirp once more here.
	ref, err := s.appRef(mw.App)
	if err != nil {
		return views.MediaItem{}, err
	}
	ref.MediaID = *mw.MediaID
	rctx, cancel := context.WithTimeout(ctx, mediaResolveTimeout)
	defer cancel()
	res := s.resolver.Resolve(rctx, ref)
	if res.State == chirp.StatePending {
		res.State = chirp.StateUnavailable
	}
	s.applyResult(&item, res)
	s.recordAnswers(ctx, []models.Media{mw.Media}, []chirp.Result{res})
	return item, nil
}

func openDetails(download bool) string {
	if download {
		return "download"
	}
	return "opened"
}

// mediaItems turns stored media into what a page shows, resolving fresh URLs for every
// media that may still exist in one batch bounded by the render deadline.
func (s *Server) mediaItems(ctx context.Context, rows []models.Media) ([]views.MediaItem, error) {
	org, err := s.store.Organization(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]views.MediaItem, len(rows))
	var refs []chirp.Ref
	var idx []int
	var apps map[int64]models.App
	appRefs := map[int64]chirp.Ref{} // each app's key is opened once per render
	for i, m := range rows {
		items[i] = s.itemFor(m, org.MediaRetentionDays)
		if items[i].State != views.MediaPending || s.resolver == nil {
			continue
		}
		if apps == nil {
			if apps, err = s.store.AppsByID(ctx); err != nil {
				return nil, err
			}
		}
		ref, ok := appRefs[m.AppID]
		if !ok {
			ref, err = s.appRef(apps[m.AppID])
			if err != nil {
				s.log.Error("cannot open an app key", "app", m.AppID, "err", err)
			}
			appRefs[m.AppID] = ref
		}
		if ref.AppKey == "" {
			items[i].State = views.MediaUnavailable
			continue
		}
		ref.MediaID = *m.MediaID
		refs, idx = append(refs, ref), append(idx, i)
	}
	if len(refs) == 0 {
		return items, nil
	}
	results := s.resolver.ResolveBatch(ctx, refs)
	asked := make([]models.Media, len(refs))
	for j, res := range results {
		s.applyResult(&items[idx[j]], res)
		asked[j] = rows[idx[j]]
	}
	s.recordAnswers(ctx, asked, results)
	return items, nil
}

// itemFor is a media's page state before asking Chirp: legacy, gone and expired media
// need no call; everything else is pending until resolved.
func (s *Server) itemFor(m models.Media, retentionDays int) views.MediaItem {
	it := views.MediaItem{ID: m.ID, MessageID: m.MessageID, ConversationID: m.ConversationID, Kind: m.Kind,
		MimeType: m.MimeType, Filename: m.Filename, Caption: m.Caption, SizeBytes: m.SizeBytes, IsVoiceNote: m.IsVoiceNote,
		ReceivedAt: m.CreatedAt, ExpiresAt: m.ExpiresAt, GoneAt: m.GoneAt, RetentionDays: retentionDays,
		LastError: m.LastError, Now: s.now(), State: views.MediaPending}
	switch {
	case m.MediaID == nil:
		it.State = views.MediaNotRetrievable
	case m.GoneAt != nil:
		it.MediaID, it.State = *m.MediaID, views.MediaGone
	case m.ExpiredAt != nil:
		it.MediaID, it.State = *m.MediaID, views.MediaExpired
	default:
		it.MediaID = *m.MediaID
	}
	return it
}

// appRef is the resolver's reference for an app's media, without the media id: media
// are always fetched with the key of the app that received them.
func (s *Server) appRef(app models.App) (chirp.Ref, error) {
	if app.ID == 0 {
		return chirp.Ref{}, errors.New("web: media of an unknown app")
	}
	key, err := s.store.AppKey(app)
	if err != nil {
		return chirp.Ref{}, err
	}
	return chirp.Ref{AppID: app.AppID, AppKey: key}, nil
}

// applyResult sets an item's state from the resolver's answer.
func (s *Server) applyResult(it *views.MediaItem, res chirp.Result) {
	switch res.State {
	case chirp.StateReady:
		it.State, it.URL = views.MediaReady, res.URL
		if !res.Media.ExpiresAt.IsZero() {
			exp := res.Media.ExpiresAt
			it.ExpiresAt = &exp
		}
	case chirp.StateGone:
		now := s.now()
		it.State, it.GoneAt = views.MediaGone, &now
	case chirp.StateNotRetrievable:
		it.State = views.MediaNotRetrievable
	case chirp.StatePending:
		it.State = views.MediaPending
	default:
		it.State = views.MediaUnavailable
		if res.Err != nil {
			it.LastError = res.Err.Error()
		}
	}
}

// recordAnswers keeps what Chirp said: its own expiry (once per media), that a sweeper's
// expired mark was wrong, or why a call failed. Gone answers are recorded by the
// resolver's OnGone.
func (s *Server) recordAnswers(ctx context.Context, rows []models.Media, results []chirp.Result) {
	for i, res := range results {
		m := rows[i]
		var err error
		switch {
		case res.State == chirp.StateReady && (!m.ExpiryFromChirp || m.ExpiredAt != nil):
			err = s.store.RecordMediaAnswer(ctx, m.AppID, *m.MediaID, res.Media.ExpiresAt)
		case res.State == chirp.StateUnavailable && res.Err != nil && res.Err.Error() != m.LastError:
			// Written when the reason changes, not on every render while Chirp is failing.
			err = s.store.RecordMediaError(ctx, m.AppID, *m.MediaID, res.Err.Error())
		}
		if err != nil {
			s.log.Warn("recording a Chirp answer failed", "media", *m.MediaID, "err", err)
		}
	}
}
