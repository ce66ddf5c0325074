package web

import (
	"errors"
	"strings"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

const (
	appsPath   = "/settings/apps"
	reenterKey = "Enter the key again: Aviary never sends a key back to the browser."
)

// showApps renders the Apps page.
func (s *Server) showApps(c *fiber.Ctx) error {
	return s.renderApps(c, fiber.StatusOK, views.AppForm{})
}

// createApp adds a Chirp app and shows its webhook URL and secret, once.
func (s *Server) createApp(c *fiber.Ctx) error {
	f := views.AppForm{AppID: strings.TrimSpace(c.FormValue("app_id")), Name: strings.TrimSpace(c.FormValue("name"))}
	key := strings.TrimSpace(c.FormValue("key"))
	if !checkAppForm(&f, key, true) {
		return s.renderApps(c, fiber.StatusUnprocessableEntity, f)
	}
	a, secret, err := s.store.CreateApp(c.UserContext(), models.NewApp{AppID: f.AppID, Name: f.Name, Key: key})
	switch {
	case errors.Is(err, models.ErrConflict):
		f.AppIDError = "This app is already added."
		return s.renderApps(c, fiber.StatusUnprocessableEntity, f)
	case errors.Is(err, models.ErrInvalid):
		f.NameError, f.KeyError = reason(err), reenterKey
		return s.renderApps(c, fiber.StatusUnprocessableEntity, f)
	case err != nil:
		return err
	}
	s.audit(c, "app.create", a.AppID, "name "+a.Name+", "+a.Mode+" key "+a.KeyPreview)
	return s.renderSecret(c, a, secret, false)
}

// showEditApp renders one app's edit page.
func (s *Server) showEditApp(c *fiber.Ctx) error {
	a, err := s.store.AppByAppID(c.UserContext(), c.Params("appID"))
	if err != nil {
		return err
	}
	return s.renderEditApp(c, fiber.StatusOK, a, views.AppForm{Name: a.Name})
}

// updateApp renames an app and, when a key is given, replaces its key.
func (s *Server) updateApp(c *fiber.Ctx) error {
	a, err := s.store.AppByAppID(c.UserContext(), c.Params("appID"))
	if err != nil {
		return err
	}
	f := views.AppForm{AppID: a.AppID, Name: strings.TrimSpace(c.FormValue("name"))}
	key := strings.TrimSpace(c.FormValue("key"))
	if !checkAppForm(&f, key, false) {
		return s.renderEditApp(c, fiber.StatusUnprocessableEntity, a, f)
	}
	u, err := s.store.UpdateApp(c.UserContext(), a.AppID, models.AppChange{Name: f.Name, Key: key})
	if errors.Is(err, models.ErrInvalid) {
		f.NameError = reason(err)
		if key != "" {
			f.KeyError = reenterKey
		}
		return s.renderEditApp(c, fiber.StatusUnprocessableEntity, a, f)
	} else if err != nil {
		return err
	}
	details := "name " + u.Name
	if key != "" {
		details += ", key replaced by " + u.Mode + " key " + u.KeyPreview
	}
	s.audit(c, "app.update", u.AppID, details)
	flash(c, "Saved "+u.Name+".")
	return c.Redirect(appsPath, fiber.StatusSeeOther)
}

// rotateAppSecret gives an app a new webhook secret and shows it, once.
func (s *Server) rotateAppSecret(c *fiber.Ctx) error {
	a, secret, err := s.store.RotateWebhookSecret(c.UserContext(), c.Params("appID"))
	if err != nil {
		return err
	}
	s.audit(c, "app.rotate_secret", a.AppID, "")
	return s.renderSecret(c, a, secret, true)
}

// deleteApp removes an app (and its history in Aviary) once the admin has confirmed.
func (s *Server) deleteApp(c *fiber.Ctx) error {
	a, err := s.store.AppByAppID(c.UserContext(), c.Params("appID"))
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		f := views.AppForm{Name: a.Name, ConfirmError: "Tick the box to confirm that this app's history goes too."}
		return s.renderEditApp(c, fiber.StatusUnprocessableEntity, a, f)
	}
	if err := s.store.DeleteApp(c.UserContext(), a.AppID); err != nil {
		return err
	}
	s.audit(c, "app.delete", a.AppID, "name "+a.Name)
	flash(c, "Removed "+a.Name+".")
	return c.Redirect(appsPath, fiber.StatusSeeOther)
}

func (s *Server) renderApps(c *fiber.Ctx, status int, f views.AppForm) error {
	apps, err := s.store.Apps(c.UserContext())
	if err != nil {
		return err
	}
	v := views.AppsView{New: f}
	for _, a := range apps {
		v.Apps = append(v.Apps, s.appRow(a))
	}
	return render(c, status, views.AppsPage(s.chrome(c, "Apps", "settings"), v))
}

func (s *Server) renderEditApp(c *fiber.Ctx, status int, a models.App, f views.AppForm) error {
	return render(c, status, views.AppEditPage(s.chrome(c, a.Name, "settings"), views.AppEditView{App: s.appRow(a), Form: f}))
}

// renderSecret shows the webhook secret; the page must not be cached anywhere.
func (s *Server) renderSecret(c *fiber.Ctx, a models.App, secret string, rotated bool) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	v := views.WebhookSecretView{App: s.appRow(a), Secret: secret, Rotated: rotated}
	return render(c, fiber.StatusOK, views.WebhookSecretPage(s.chrome(c, a.Name, "settings"), v))
}

func (s *Server) appRow(a models.App) views.AppRow {
	return views.AppRow{AppID: a.AppID, Name: a.Name, Mode: a.Mode, KeyPreview: a.KeyPreview,
		WebhookURL: strings.TrimRight(s.cfg.BaseURL, "/") + "/webhooks/chirp/" + a.AppID, UpdatedAt: a.UpdatedAt}
}

// checkAppForm fills the form's field errors from the models' rules; false when any.
// A key pasted into the app id field is not echoed back.
func checkAppForm(f *views.AppForm, key string, adding bool) bool {
	if adding {
		if strings.HasPrefix(f.AppID, "sk_") {
			f.AppID, f.AppIDError = "", "That looks like an app key. The app id starts with app_."
		} else if err := models.CheckAppID(f.AppID); err != nil {
			f.AppIDError = reason(err)
		}
	}
	if f.Name == "" {
		f.NameError = "Give the app a name people will recognise."
	}
	if key != "" || adding {
		if _, err := models.KeyMode(key); err != nil {
			f.KeyError = reason(err)
		}
	}
	if f.KeyError == "" && key != "" && (f.AppIDError != "" || f.NameError != "") {
		f.KeyError = reenterKey
	}
	return f.AppIDError == "" && f.NameError == "" && f.KeyError == ""
}
