package web

import (
	"bufio"
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/gofiber/fiber/v2"
)

// exportTimeout bounds how long one export may keep reading the database.
const exportTimeout = 30 * time.Minute

// exportConversation streams every message of a conversation, oldest first.
func (s *Server) exportConversation(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	h, err := s.conversationHeader(c)
	if err != nil {
		return err
	}
	target := "conversation " + strconv.FormatInt(h.ID, 10)
	meta := exportMeta{Export: "conversation", Conversation: &h}
	return s.streamExport(c, format, "conversation-"+strconv.FormatInt(h.ID, 10), target, meta, s.store.ExportConversation(h.ID))
}

// exportContact streams every message with a contact, across apps and channels, oldest first.
func (s *Server) exportContact(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	e164, digits, err := models.NormalizePhone(numberParam(c))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "That is not a phone number.")
	}
	batches, err := s.store.ExportContact(c.UserContext(), digits)
	if err != nil {
		return err
	}
	return s.streamExport(c, format, "contact-"+digits, "contact "+e164, exportMeta{Export: "contact", Contact: e164}, batches)
}

// exportSearch streams every result of a lookup, newest first.
func (s *Server) exportSearch(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	_, q, err := parseSearchForm(c)
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, userMessage(err))
	}
	batches, err := s.store.ExportSearch(c.UserContext(), q)
	if err != nil {
		return err
	}
	meta := exportMeta{Export: "search", Query: q.Raw, Filters: searchValues(q.Filters).Encode()}
	return s.streamExport(c, format, "search", "search "+q.Raw, meta, batches)
}

func (s *Server) conversationHeader(c *fiber.Ctx) (models.ConversationHeader, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ConversationHeader{}, fiber.ErrNotFound
	}
	return s.store.ConversationHeader(c.UserContext(), id)
}

func exportFormat(c *fiber.Ctx) (string, error) {
	switch f := c.Params("format"); f {
	case "csv", "json":
		return f, nil
	}
	return "", fiber.ErrNotFound
}

// streamExport audits the export, reads the first batch (so a database failure is still
// a proper error page) and then streams the rest batch by batch: memory holds one batch
// whatever the size of the export. A failure after the first byte can only cut the
// file short; it is logged, and a JSON export is then visibly invalid.
func (s *Server) streamExport(c *fiber.Ctx, format, name, target string, meta exportMeta, b *models.MessageBatches) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), exportTimeout)
	first, err := b.Next(ctx)
	if err != nil {
		cancel()
		return err
	}
	s.audit(c, "export."+format, target, meta.Filters)
	meta.ExportedAt = s.now().UTC().Format(time.RFC3339)
	enc := newExportEncoder(format, meta)
	c.Set(fiber.HeaderContentType, enc.contentType())
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="aviary-`+name+"-"+s.now().UTC().Format("20060102-1504")+"."+format+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	log := s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		if err := writeExport(ctx, w, enc, first, b); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("export cut short", "export", meta.Export, "format", format, "err", err)
		}
	})
	return nil
}

// writeExport writes the export, flushing after each batch so the client sees progress.
func writeExport(ctx context.Context, w *bufio.Writer, enc exportEncoder, first []models.MessageHit, b *models.MessageBatches) error {
	if err := enc.begin(w); err != nil {
		return err
	}
	for batch := first; len(batch) > 0; {
		if err := enc.write(w, batch); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		var err error
		if batch, err = b.Next(ctx); err != nil {
			return err
		}
	}
	if err := enc.end(w); err != nil {
		return err
	}
	return w.Flush()
}
