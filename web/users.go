package web

import (
	"errors"
	"strings"
	"unicode"

	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

const usersPath = "/settings/users"

// showUsers renders the Users page.
func (s *Server) showUsers(c *fiber.Ctx) error {
	return s.renderUsers(c, fiber.StatusOK, views.UsersView{New: views.NewUserForm{Role: models.RoleViewer}})
}

// createUser adds a user with an initial password.
func (s *Server) createUser(c *fiber.Ctx) error {
	f := views.NewUserForm{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role")}
	password := c.FormValue("password")
	if !checkNewUser(&f, password) {
		return s.renderUsers(c, fiber.StatusUnprocessableEntity, views.UsersView{New: f})
	}
	u, err := s.store.CreateUser(c.UserContext(), models.NewUser{Email: f.Email, Name: f.Name, Password: password, Role: f.Role})
	if errors.Is(err, models.ErrConflict) {
		f.EmailError = "There is already a user with this email."
		return s.renderUsers(c, fiber.StatusUnprocessableEntity, views.UsersView{New: f})
	}
	if err != nil {
		return err
	}
	s.audit(c, "user.create", u.Email, "role "+u.Role)
	flash(c, "Added "+u.Email+" as "+u.Role+".")
	return c.Redirect(usersPath, fiber.StatusSeeOther)
}

// changeUserRole gives a user another role (never leaving Aviary without an active admin).
func (s *Server) changeUserRole(c *fiber.Ctx) error {
	before, err := s.targetUser(c)
	if err != nil {
		return err
	}
	u, err := s.store.SetRole(c.UserContext(), before.ID, c.FormValue("role"))
	if err != nil {
		return s.refuseUserChange(c, before.ID, err, "Choose admin, support or viewer.")
	}
	s.audit(c, "user.role", u.Email, "role "+before.Role+" → "+u.Role)
	flash(c, u.Email+" is now "+u.Role+".")
	if isSelf(c, u) && u.Role != models.RoleAdmin {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return c.Redirect(usersPath, fiber.StatusSeeOther)
}

// disableUser stops a user signing in and ends their sessions.
func (s *Server) disableUser(c *fiber.Ctx) error { return s.setDisabled(c, true) }

// enableUser lets a disabled user sign in again.
func (s *Server) enableUser(c *fiber.Ctx) error { return s.setDisabled(c, false) }

func (s *Server) setDisabled(c *fiber.Ctx, disabled bool) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	u, err := s.store.SetDisabled(c.UserContext(), id, disabled)
	if err != nil {
		return s.refuseUserChange(c, id, err, "")
	}
	action, msg := "user.enable", u.Email+" can sign in again."
	if disabled {
		action, msg = "user.disable", u.Email+" is disabled and signed out everywhere."
	}
	s.audit(c, action, u.Email, "")
	flash(c, msg)
	if isSelf(c, u) && disabled {
		return signedOutSelf(c, "Your account is disabled; you are signed out.")
	}
	return c.Redirect(usersPath, fiber.StatusSeeOther)
}

// resetUserPassword sets a new password for a user and ends their sessions.
func (s *Server) resetUserPassword(c *fiber.Ctx) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	u, err := s.store.ResetPassword(c.UserContext(), id, c.FormValue("password"))
	if err != nil {
		return s.refuseUserChange(c, id, err, "")
	}
	s.audit(c, "user.password_reset", u.Email, "sessions ended")
	flash(c, "New password set for "+u.Email+"; their sessions have ended.")
	if isSelf(c, u) {
		s.startSession(c, u) // this browser stays signed in with the new epoch
	}
	return c.Redirect(usersPath, fiber.StatusSeeOther)
}

// signOutUser ends every session of a user.
func (s *Server) signOutUser(c *fiber.Ctx) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	u, err := s.store.SignOutEverywhere(c.UserContext(), id)
	if err != nil {
		return s.refuseUserChange(c, id, err, "")
	}
	s.audit(c, "user.signout_all", u.Email, "")
	flash(c, u.Email+" is signed out everywhere.")
	if isSelf(c, u) {
		return signedOutSelf(c, "You are signed out everywhere.")
	}
	return c.Redirect(usersPath, fiber.StatusSeeOther)
}

// signOutEverywhere ends every session of the signed-in user, this one included.
func (s *Server) signOutEverywhere(c *fiber.Ctx) error {
	if _, err := s.store.SignOutEverywhere(c.UserContext(), currentUser(c).ID); err != nil {
		return err
	}
	s.audit(c, "user.signout_all", currentUser(c).Email, "own sessions")
	return signedOutSelf(c, "You are signed out everywhere.")
}

// isSelf reports whether u is the signed-in user.
func isSelf(c *fiber.Ctx, u models.User) bool {
	me := currentUser(c)
	return me != nil && me.ID == u.ID
}

// signedOutSelf ends this browser's session too, after a change that ended all of them.
func signedOutSelf(c *fiber.Ctx, msg string) error {
	endSession(c)
	flash(c, msg)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// refuseUserChange maps a refused change to the page with the reason on the user's row.
func (s *Server) refuseUserChange(c *fiber.Ctx, id int64, err error, invalid string) error {
	p := views.RowProblem{UserID: id}
	switch {
	case errors.Is(err, models.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, models.ErrLastAdmin):
		p.Message = "This is the last active admin: make someone else an admin first."
	case errors.Is(err, models.ErrInvalid):
		p.Message = invalid
		if p.Message == "" {
			p.Message = reason(err)
		}
	default:
		return err
	}
	return s.renderUsers(c, fiber.StatusUnprocessableEntity, views.UsersView{New: views.NewUserForm{Role: models.RoleViewer}, Problem: p, Error: p.Message})
}

func (s *Server) renderUsers(c *fiber.Ctx, status int, v views.UsersView) error {
	users, err := s.store.Users(c.UserContext())
	if err != nil {
		return err
	}
	me := currentUser(c)
	for _, u := range users {
		v.Users = append(v.Users, views.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role,
			Disabled: u.Disabled, LastLogin: u.LastLoginAt, IsSelf: me != nil && me.ID == u.ID})
	}
	return render(c, status, views.UsersPage(s.chrome(c, "Users", "settings"), v))
}

func (s *Server) targetUser(c *fiber.Ctx) (models.User, error) {
	id, err := userIDParam(c)
	if err != nil {
		return models.User{}, err
	}
	return s.store.UserByID(c.UserContext(), id)
}

func userIDParam(c *fiber.Ctx) (int64, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return int64(id), nil
}

// checkNewUser fills the form's field errors from the models' rules; false when any.
func checkNewUser(f *views.NewUserForm, password string) bool {
	if _, err := models.NormalizeEmail(f.Email); err != nil {
		f.EmailError = reason(err)
	}
	if len(f.Name) > 200 {
		f.NameError = "Keep the name under 200 characters."
	}
	if !models.ValidRole(f.Role) {
		f.RoleError = "Choose admin, support or viewer."
	}
	if err := models.CheckPassword(password); err != nil {
		f.PasswordError = reason(err)
	}
	return f.EmailError == "" && f.NameError == "" && f.RoleError == "" && f.PasswordError == ""
}

// reason is a models validation error as a sentence for people: the message without
// the "models: …:" context and the sentinel suffix.
func reason(err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+models.ErrInvalid.Error())
	for strings.HasPrefix(msg, "models: ") {
		_, rest, ok := strings.Cut(msg[len("models: "):], ": ")
		if !ok {
			break
		}
		msg = rest
	}
	if msg == "" {
		return "That value is not accepted."
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	return string(r) + "."
}
