package web

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// showRetentionForm renders the Media retention page.
func (s *Server) showRetentionForm(c *fiber.Ctx) error {
	org, err := s.store.Organization(c.UserContext())
	if err != nil {
		return err
	}
	return s.renderRetention(c, fiber.StatusOK, views.RetentionPage{Org: org, Form: views.RetentionForm{Days: strconv.Itoa(org.MediaRetentionDays)}})
}

// updateRetention validates the new retention; a shortening is previewed and saved only
// when confirmed, a lengthening is saved at once.
func (s *Server) updateRetention(c *fiber.Ctx) error {
	ctx := c.UserContext()
	org, err := s.store.Organization(ctx)
	if err != nil {
		return err
	}
	form := views.RetentionForm{Days: c.FormValue("media_retention_days")}
	days, problem := models.ParseRetentionDays(form.Days)
	if problem != "" {
		form.Error = problem
		return s.renderRetention(c, fiber.StatusUnprocessableEntity, views.RetentionPage{Org: org, Form: form})
	}
	old := org.MediaRetentionDays
	switch {
	case days == old:
		flash(c, fmt.Sprintf("Media retention is already %d days; nothing changed.", days))
		return c.Redirect("/settings/retention", fiber.StatusSeeOther)
	case days < old && !confirmedShortening(c, old):
		imp, err := s.store.RetentionImpact(ctx, days, s.now())
		if err != nil {
			return err
		}
		return s.renderRetention(c, fiber.StatusOK, views.RetentionPage{Org: org, Form: form, Preview: &imp})
	}
	ch, err := s.store.UpdateRetention(ctx, days, currentUser(c).Email, s.now())
	if err != nil {
		return err
	}
	s.audit(c, "retention.update", "organization", fmt.Sprintf("media_retention_days %d → %d", ch.OldDays, ch.NewDays))
	msg := fmt.Sprintf("Media retention is now %d days. Set the same value in Chirp's organization settings.", ch.NewDays)
	if ch.NewDays > ch.OldDays {
		msg += " Media that Chirp already deleted stay deleted."
	}
	flash(c, msg)
	return c.Redirect("/settings/retention", fiber.StatusSeeOther)
}

// confirmedShortening reports whether the form carries the confirmation of the preview
// for the current value (a preview made before someone else changed it does not count).
func confirmedShortening(c *fiber.Ctx, current int) bool {
	if c.FormValue("confirm") == "" {
		return false
	}
	prev := c.FormValue("previous_days")
	return prev == "" || prev == strconv.Itoa(current)
}

// renderRetention adds the last sweep and Chirp mismatches to the page and renders it.
func (s *Server) renderRetention(c *fiber.Ctx, status int, p views.RetentionPage) error {
	ctx := c.UserContext()
	sw, err := s.store.LastSweep(ctx)
	switch {
	case err == nil:
		p.LastSweep = &sw
	case !errors.Is(err, models.ErrNotFound):
		return err
	}
	if p.Mismatches, err = s.store.RetentionMismatches(ctx); err != nil {
		return err
	}
	return render(c, status, views.RetentionSettings(s.chrome(c, "Media retention", "settings"), p))
}
