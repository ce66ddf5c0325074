package views

import (
	"strconv"
	"time"
)

// settingsItem is one entry of the settings sub-navigation.
type settingsItem struct{ Key, Label, Href string }

// settingsItems are the admin's settings pages, in the order the sub-navigation shows them.
var settingsItems = []settingsItem{
	{"retention", "Retention", "/settings/retention"},
	{"apps", "Apps", "/settings/apps"},
	{"users", "Users", "/settings/users"},
	{"audit", "Audit log", "/audit"},
}

func settingsTabClass(active bool) string {
	if active {
		return "-mb-px whitespace-nowrap border-b-2 border-brand-600 px-3 py-2 text-sm font-medium text-brand-700 dark:border-brand-400 dark:text-brand-300"
	}
	return "-mb-px whitespace-nowrap border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
}

// UserRow is one user on the Users page.
type UserRow struct {
	ID        int64
	Email     string
	Name      string
	Role      string
	Disabled  bool
	LastLogin *time.Time
	IsSelf    bool
}

// NewUserForm is the "add a user" form with its field errors. The password is never
// echoed back.
type NewUserForm struct {
	Email, Name, Role                               string
	EmailError, NameError, RoleError, PasswordError string
}

// RowProblem is a refused change to one user, shown on that user's row.
type RowProblem struct {
	UserID  int64
	Message string
}

// UsersView is the Users page.
type UsersView struct {
	Users   []UserRow
	New     NewUserForm
	Problem RowProblem
	// Error is a page-level message (e.g. the last-admin rule).
	Error string
}

// AppRow is one Chirp app as admins see it: never the key, only its masked preview.
type AppRow struct {
	AppID      string
	Name       string
	Mode       string
	KeyPreview string
	WebhookURL string
	UpdatedAt  time.Time
}

// AppForm is the add or edit form for an app with its field errors. The app key is
// never echoed back into the form.
type AppForm struct {
	AppID, Name                     string
	AppIDError, NameError, KeyError string
	ConfirmError                    string
}

// AppsView is the Apps page.
type AppsView struct {
	Apps []AppRow
	New  AppForm
}

// AppEditView is the page to edit, rotate the secret of, or remove one app.
type AppEditView struct {
	App  AppRow
	Form AppForm
}

// WebhookSecretView shows an app's webhook URL and secret, once.
type WebhookSecretView struct {
	App     AppRow
	Secret  string
	Rotated bool
}

// AuditFilterForm is the audit log's filter form with its field errors.
type AuditFilterForm struct {
	Action, Actor, From, To string
	Actions                 []string
	FromError, ToError      string
}

// AuditRow is one audit event.
type AuditRow struct {
	At                                            time.Time
	ActorEmail, Action, Target, Details, ClientIP string
}

// AuditView is the audit log page.
type AuditView struct {
	Filter    AuditFilterForm
	Events    []AuditRow
	NextURL   string
	FirstURL  string
	ExportURL string
}

// formatWhen shows a time in UTC, or "never".
func formatWhen(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func formatStamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func roleBadge(role string) string {
	switch role {
	case "admin":
		return "badge bg-brand-100 text-brand-800 dark:bg-brand-900 dark:text-brand-100"
	case "support":
		return "badge bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-100"
	}
	return "badge bg-slate-100 text-slate-700 dark:bg-slate-700 dark:text-slate-200"
}

// roleChoices are the roles with what each may do, for the role selects.
var roleChoices = []struct{ Value, Label string }{
	{"viewer", "Viewer — conversations, gallery, media"},
	{"support", "Support — plus search and export"},
	{"admin", "Admin — plus settings, apps, users, audit"},
}
