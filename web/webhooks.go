package web

import (
	"errors"

	"github.com/aviaryhq/aviary/chirp"
	"github.com/aviaryhq/aviary/models"
	"github.com/gofiber/fiber/v2"
)

// receiveWebhook stores a Chirp webhook delivery. It answers 200 only after the delivery
// is committed (or is a duplicate, or an event Aviary ignores), and 503 when the database
// is unavailable so that Chirp retries. No URL from the payload is stored or logged.
func (s *Server) receiveWebhook(c *fiber.Ctx) error {
	app, err := s.webhookApp(c)
	if err != nil {
		return s.rejectWebhook(c, err)
	}
	if len(c.Body()) > chirp.MaxWebhookSize {
		return s.rejectWebhook(c, fiber.NewError(fiber.StatusRequestEntityTooLarge, "webhook body is larger than 1 MiB"))
	}
	ev, err := chirp.ParseWebhook(c.Body())
	if err != nil {
		return s.rejectWebhook(c, fiber.NewError(fiber.StatusBadRequest, err.Error()))
	}
	if ev.AppID != "" && ev.AppID != app.AppID {
		return s.rejectWebhook(c, fiber.NewError(fiber.StatusBadRequest, "payload app id does not match the webhook URL's app"))
	}
	outcome, err := s.storeEvent(c, app, ev)
	if err != nil {
		return s.rejectWebhook(c, err)
	}
	s.metrics.webhooks.WithLabelValues(outcome).Inc()
	return c.Status(fiber.StatusOK).JSON(fiber.Map{"ok": true, "outcome": outcome})
}

// webhookApp finds the app named in the URL and checks the delivery's secret.
func (s *Server) webhookApp(c *fiber.Ctx) (models.App, error) {
	appID := c.Params("appID")
	if models.CheckAppID(appID) != nil {
		return models.App{}, fiber.NewError(fiber.StatusNotFound, "unknown app")
	}
	app, err := s.store.AppByAppID(c.UserContext(), appID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return models.App{}, fiber.NewError(fiber.StatusNotFound, "unknown app")
	case err != nil:
		return models.App{}, err
	}
	if !app.WebhookSecretMatches(c.Get("X-Webhook-Secret")) { // constant-time on the hashes
		return models.App{}, fiber.NewError(fiber.StatusUnauthorized, "missing or wrong X-Webhook-Secret")
	}
	return app, nil
}

// storeEvent writes a decoded event and names the outcome for metrics.
func (s *Server) storeEvent(c *fiber.Ctx, app models.App, ev chirp.Event) (string, error) {
	ctx := c.UserContext()
	switch ev.Kind {
	case chirp.EventMessage:
		res, err := s.store.SaveMessage(ctx, app.ID, incomingMessage(ev.Message))
		if err != nil {
			return "", err
		}
		if !res.Created {
			return "duplicate", nil
		}
		return "stored", nil
	case chirp.EventStatus:
		st := ev.Status
		err := s.store.ApplyStatus(ctx, app.ID, models.StatusChange{ChirpMessageID: st.MessageID, Status: st.Status, At: st.At, ErrorMessage: st.ErrorMessage})
		if errors.Is(err, models.ErrNotFound) {
			// A status for a message Aviary never stored (sent before Aviary was set up).
			return "status_unknown_message", nil
		}
		if err != nil {
			return "", err
		}
		return "status", nil
	}
	return "ignored", nil
}

// rejectWebhook answers a delivery that was not stored, with a short plain-text reason.
func (s *Server) rejectWebhook(c *fiber.Ctx, err error) error {
	status := fiber.StatusServiceUnavailable
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status = fe.Code
	case errors.Is(err, models.ErrInvalid):
		status = fiber.StatusBadRequest
	case errors.Is(err, models.ErrConflict):
		status = fiber.StatusConflict
	}
	outcome := "rejected"
	msg := err.Error()
	if status == fiber.StatusServiceUnavailable {
		outcome = "unavailable"
		msg = "database unavailable, retry later"
		s.log.Warn("webhook not stored", "app", c.Params("appID"), "err", err)
	}
	s.metrics.webhooks.WithLabelValues(outcome).Inc()
	return c.Status(status).JSON(fiber.Map{"ok": false, "error": msg})
}

// incomingMessage maps a decoded Chirp message onto the store's input.
func incomingMessage(m *chirp.Message) models.IncomingMessage {
	in := models.IncomingMessage{ChirpMessageID: m.ID, Channel: m.Channel, Direction: m.Direction, Type: m.Type,
		From: m.From, To: m.To, Text: m.Text, Subject: m.Subject, Status: m.Status, SentAt: m.SentAt}
	for _, r := range m.Media {
		in.Media = append(in.Media, models.IncomingMedia{MediaID: r.MediaID, Kind: r.Kind, MimeType: r.MimeType,
			SizeBytes: r.FileSize, Filename: r.Filename, Caption: r.Caption, SHA256: r.SHA256, IsVoiceNote: r.IsVoiceNote})
	}
	return in
}
