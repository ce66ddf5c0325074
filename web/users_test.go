package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aviaryhq/aviary/models"
)

func TestAdminManagesUsers(t *testing.T) {
	for name, opt := range map[string]func(*envOptions){"postgres": func(*envOptions) {}, "sqlite": onSQLite} {
		t.Run(name, func(t *testing.T) { testAdminManagesUsers(t, newTestEnv(t, opt)) })
	}
}

func testAdminManagesUsers(t *testing.T, e *testEnv) {
	ctx := context.Background()
	admin := e.as(models.RoleAdmin)
	admin.ip = "127.0.0.42"

	resp := admin.post("/settings/users", url.Values{"email": {" Bo@Example.com "}, "name": {"Bo"}, "role": {"support"}, "password": {"initial password"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings/users" {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	bo, err := e.store.UserByEmail(ctx, "bo@example.com")
	if err != nil || bo.Role != models.RoleSupport || bo.Name != "Bo" {
		t.Fatalf("created user %+v %v", bo, err)
	}
	ev := e.lastAudit("user.create")
	if ev.ActorEmail != "admin@example.com" || ev.Target != "bo@example.com" || ev.Details != "role support" || ev.ClientIP != "127.0.0.42" {
		t.Errorf("user.create audit %+v", ev)
	}

	d := doc(t, admin.get("/settings/users"))
	if d.Find(`[data-testid="settings-nav-users"][aria-current="page"]`).Length() != 1 {
		t.Error("settings sub-navigation does not mark Users")
	}
	row := d.Find(`[data-testid="user-` + itoa(bo.ID) + `"]`)
	if !strings.Contains(row.Text(), "bo@example.com") || row.Find(`[data-testid="user-role"]`).Text() != "support" ||
		row.Find(`[data-testid="user-status"]`).Text() != "active" || row.Find(`[data-testid="user-last-login"]`).Text() != "never" {
		t.Errorf("Bo's row: %q", strings.Join(strings.Fields(row.Text()), " "))
	}
	if strings.Contains(d.Text(), "initial password") {
		t.Error("the password is shown on the page")
	}

	id := itoa(bo.ID)
	steps := []struct {
		path    string
		form    url.Values
		action  string
		details string
		check   func(models.User) bool
	}{
		{"/role", url.Values{"role": {"admin"}}, "user.role", "role support → admin", func(u models.User) bool { return u.Role == models.RoleAdmin }},
		{"/disable", nil, "user.disable", "", func(u models.User) bool { return u.Disabled }},
		{"/enable", nil, "user.enable", "", func(u models.User) bool { return !u.Disabled }},
		{"/password", url.Values{"password": {"a second password"}}, "user.password_reset", "sessions ended", func(u models.User) bool { return true }},
		{"/signout", nil, "user.signout_all", "", func(u models.User) bool { return true }},
	}
	for _, st := range steps {
		before, _ := e.store.UserByID(ctx, bo.ID)
		resp := admin.post("/settings/users/"+id+st.path, st.form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", st.path, resp.StatusCode, readBody(t, resp))
		}
		after, _ := e.store.UserByID(ctx, bo.ID)
		if !st.check(after) {
			t.Errorf("%s: user is now %+v", st.path, after)
		}
		ev := e.lastAudit(st.action)
		if ev.ActorEmail != "admin@example.com" || ev.Target != "bo@example.com" || ev.Details != st.details || ev.ClientIP != "127.0.0.42" {
			t.Errorf("%s audit %+v", st.action, ev)
		}
		if st.action != "user.role" && st.action != "user.enable" && after.SessionEpoch != before.SessionEpoch+1 {
			t.Errorf("%s did not end Bo's sessions (epoch %d → %d)", st.path, before.SessionEpoch, after.SessionEpoch)
		}
	}
	if resp := e.client().login("bo@example.com", "initial password"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password still works: %d", resp.StatusCode)
	}
	if resp := e.client().login("bo@example.com", "a second password"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("new password does not work: %d", resp.StatusCode)
	}
	if resp := admin.post("/settings/users/999999/role", url.Values{"role": {"viewer"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown user: %d", resp.StatusCode)
	}
	if resp := admin.post("/settings/users/abc/disable", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bad id: %d", resp.StatusCode)
	}
}

func TestNewUserFormShowsFieldErrors(t *testing.T) {
	e := newTestEnv(t)
	admin := e.as(models.RoleAdmin)
	resp := admin.post("/settings/users", url.Values{"email": {"not-an-email"}, "name": {"Cy"}, "role": {"root"}, "password": {"short pw"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	d := doc(t, resp)
	for _, id := range []string{"new-email-error", "new-role-error", "new-password-error"} {
		if strings.TrimSpace(d.Find(`[data-testid="`+id+`"]`).Text()) == "" {
			t.Errorf("no %s", id)
		}
	}
	if v, _ := d.Find("#new-email").Attr("value"); v != "not-an-email" {
		t.Errorf("email not kept: %q", v)
	}
	if v, _ := d.Find("#new-name").Attr("value"); v != "Cy" {
		t.Errorf("name not kept: %q", v)
	}
	if strings.Contains(readBody(t, resp), "short pw") {
		t.Error("the password was echoed back")
	}
	if !strings.Contains(d.Find(`[data-testid="new-password-error"]`).Text(), "at least 10 characters") {
		t.Errorf("password error %q", d.Find(`[data-testid="new-password-error"]`).Text())
	}
	resp = admin.post("/settings/users", url.Values{"email": {"ADMIN@example.com"}, "role": {"viewer"}, "password": {"long enough pw"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, resp).Find(`[data-testid="new-email-error"]`).Text(), "already") {
		t.Errorf("duplicate email: %d", resp.StatusCode)
	}
	resp = admin.post("/settings/users/"+itoa(e.lastUserID())+"/password", url.Values{"password": {"tiny"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, resp).Find(`[data-testid="user-error"]`).Text(), "at least 10") {
		t.Errorf("short reset password: %d", resp.StatusCode)
	}
}

func (e *testEnv) lastUserID() int64 {
	users, err := e.store.Users(context.Background())
	if err != nil || len(users) == 0 {
		e.t.Fatal("no users", err)
	}
	return users[len(users)-1].ID
}

func TestLastAdminCannotBeDemotedOrDisabled(t *testing.T) {
	for name, opt := range map[string]func(*envOptions){"postgres": func(*envOptions) {}, "sqlite": onSQLite} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t, opt)
			admin := e.as(models.RoleAdmin)
			me, _ := e.store.UserByEmail(context.Background(), "admin@example.com")
			for path, form := range map[string]url.Values{"/role": {"role": {"viewer"}}, "/disable": nil} {
				resp := admin.post("/settings/users/"+itoa(me.ID)+path, form)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("%s on the last admin: %d, want 422", path, resp.StatusCode)
				}
				d := doc(t, resp)
				if msg := d.Find(`[data-testid="user-error"]`).Text(); !strings.Contains(msg, "last active admin") {
					t.Errorf("%s: message %q", path, msg)
				}
				if _, open := d.Find(`[data-testid="user-` + itoa(me.ID) + `"] details`).Attr("open"); !open {
					t.Errorf("%s: the row with the error is not opened", path)
				}
			}
			if u, _ := e.store.UserByID(context.Background(), me.ID); u.Role != models.RoleAdmin || u.Disabled {
				t.Fatalf("the last admin changed: %+v", u)
			}
			if !admin.signedIn() {
				t.Error("the last admin lost the session")
			}
			// With a second admin, demoting yourself works and leads home.
			other := e.user("second@example.com", models.RoleAdmin)
			resp := admin.post("/settings/users/"+itoa(me.ID)+"/role", url.Values{"role": {"support"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("self-demotion: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp := admin.get("/settings/users"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("demoted admin still sees users: %d", resp.StatusCode)
			}
			_ = other
		})
	}
}

func TestResettingYourOwnPasswordKeepsThisBrowser(t *testing.T) {
	e := newTestEnv(t)
	admin := e.as(models.RoleAdmin)
	elsewhere := e.client()
	elsewhere.login("admin@example.com", "password-admin")
	me, _ := e.store.UserByEmail(context.Background(), "admin@example.com")
	if resp := admin.post("/settings/users/"+itoa(me.ID)+"/password", url.Values{"password": {"my new password"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset own password: %d", resp.StatusCode)
	}
	if !admin.signedIn() {
		t.Error("this browser was signed out")
	}
	if elsewhere.signedIn() {
		t.Error("another browser kept its session after a password reset")
	}
}
