package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

const (
	auditPageSize = 50
	// auditExportTimeout bounds one CSV export; it runs after the handler has returned.
	auditExportTimeout = 5 * time.Minute
)

// showAudit renders a page of the audit log, newest first.
func (s *Server) showAudit(c *fiber.Ctx) error {
	form, filter, ok := parseAuditFilter(c)
	actions, err := s.store.AuditActions(c.UserContext())
	if err != nil {
		return err
	}
	form.Actions = actions
	query := auditQuery(form)
	v := views.AuditView{Filter: form, ExportURL: "/audit.csv" + query}
	if !ok {
		return render(c, fiber.StatusUnprocessableEntity, views.AuditPage(s.chrome(c, "Audit log", "settings"), v))
	}
	var after *models.AuditCursor
	if cur, err := models.ParseAuditCursor(c.Query("after")); err == nil {
		after, v.FirstURL = &cur, "/audit"+query
	}
	events, next, err := s.store.AuditPage(c.UserContext(), filter, after, auditPageSize)
	if err != nil {
		return err
	}
	for _, e := range events {
		v.Events = append(v.Events, views.AuditRow{At: e.At, ActorEmail: e.ActorEmail, Action: e.Action, Target: e.Target, Details: e.Details, ClientIP: e.ClientIP})
	}
	if next != nil {
		v.NextURL = "/audit" + withParam(query, "after", next.String())
	}
	return render(c, fiber.StatusOK, views.AuditPage(s.chrome(c, "Audit log", "settings"), v))
}

// exportAudit streams the audit log, with the page's filters, as CSV.
func (s *Server) exportAudit(c *fiber.Ctx) error {
	form, filter, ok := parseAuditFilter(c)
	if !ok {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "The dates must look like 2025-01-31, and From must not be after To.")
	}
	s.audit(c, "audit.export", "", strings.TrimPrefix(auditQuery(form), "?"))
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="aviary-audit-`+s.now().UTC().Format("20060102-150405")+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	store, log := s.store, s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) { writeAuditCSV(store, log, filter, w) })
	return nil
}

// writeAuditCSV pages through the log with the keyset cursor, so no query holds a
// connection while a slow client reads.
func writeAuditCSV(store *models.Store, log *slog.Logger, filter models.AuditFilter, w *bufio.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), auditExportTimeout)
	defer cancel()
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"time", "actor_email", "action", "target", "details", "client_ip"})
	var after *models.AuditCursor
	for {
		events, next, err := store.AuditPage(ctx, filter, after, models.MaxAuditPage)
		if err != nil {
			log.Error("audit export failed", "err", err)
			_ = cw.Write([]string{"ERROR: the export stopped early; try again"})
			break
		}
		for _, e := range events {
			_ = cw.Write([]string{e.At.UTC().Format(time.RFC3339), csvCell(e.ActorEmail), csvCell(e.Action),
				csvCell(e.Target), csvCell(e.Details), csvCell(e.ClientIP)})
		}
		cw.Flush()
		if cw.Error() != nil || w.Flush() != nil || next == nil {
			break // done, or the client went away
		}
		after = next
	}
	cw.Flush()
	_ = w.Flush()
}

// csvCell neutralises a cell a spreadsheet would run as a formula.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// parseAuditFilter reads the filter from the query; ok is false when a date is invalid.
func parseAuditFilter(c *fiber.Ctx) (views.AuditFilterForm, models.AuditFilter, bool) {
	form := views.AuditFilterForm{Action: strings.TrimSpace(c.Query("action")), Actor: strings.TrimSpace(c.Query("actor")),
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	filter := models.AuditFilter{Action: form.Action, ActorEmail: form.Actor}
	var err error
	if form.From != "" {
		if filter.From, err = time.Parse(time.DateOnly, form.From); err != nil {
			form.FromError = "Use a date like 2025-01-31."
		}
	}
	if form.To != "" {
		to, err := time.Parse(time.DateOnly, form.To)
		if err != nil {
			form.ToError = "Use a date like 2025-01-31."
		} else {
			filter.To = to.AddDate(0, 0, 1) // inclusive: up to the end of that day
		}
	}
	if form.FromError == "" && form.ToError == "" && !filter.From.IsZero() && !filter.To.IsZero() && !filter.From.Before(filter.To) {
		form.ToError = "To must not be before From."
	}
	return form, filter, form.FromError == "" && form.ToError == ""
}

// auditQuery is the filter as a query string ("" or "?…"), without empty values.
func auditQuery(f views.AuditFilterForm) string {
	q := url.Values{}
	for k, v := range map[string]string{"action": f.Action, "actor": f.Actor, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func withParam(query, k, v string) string {
	if query == "" {
		return "?" + url.Values{k: {v}}.Encode()
	}
	return query + "&" + url.Values{k: {v}}.Encode()
}
