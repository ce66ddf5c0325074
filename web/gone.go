package web

import (
	"context"
	"log/slog"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/models"
)

// GoneRecorder is the resolver's OnGone for a store: it records on the media row that
// Chirp answered 404, so pages show the placeholder and Chirp is never asked again.
func GoneRecorder(store *models.Store, log *slog.Logger) func(context.Context, chirp.Ref) {
	return func(ctx context.Context, ref chirp.Ref) {
		app, err := store.AppByAppID(ctx, ref.AppID)
		if err == nil {
			err = store.MarkMediaGone(ctx, app.ID, ref.MediaID)
		}
		if err != nil {
			log.Error("could not record gone media", "media", ref.MediaID, "err", err)
		}
	}
}
