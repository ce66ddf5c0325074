// Package views holds Aviary's templ components. Components take typed parameters and
// render plain data; they never reach into the database or Chirp.
package views

// Viewer is the signed-in person looking at a page (nil when signed out).
type Viewer struct {
	ID    int64
	Email string
	Name  string
	Role  string
}

// CanSearch reports whether the viewer may use support lookup and exports.
func (v *Viewer) CanSearch() bool { return v != nil && (v.Role == "support" || v.Role == "admin") }

// IsAdmin reports whether the viewer may change settings.
func (v *Viewer) IsAdmin() bool { return v != nil && v.Role == "admin" }

// Label is how the viewer is named in the header.
func (v *Viewer) Label() string {
	if v == nil {
		return ""
	}
	if v.Name != "" {
		return v.Name
	}
	return v.Email
}

// Chrome is what every page's frame needs.
type Chrome struct {
	Title  string
	Active string // nav entry: conversations, gallery, search, settings
	Viewer *Viewer
	CSRF   string
	Flash  string
}

// navItem is one entry of the main navigation.
type navItem struct {
	Key, Label, Href string
}

// nav lists the entries the viewer may use.
func (c Chrome) nav() []navItem {
	items := []navItem{{"conversations", "Conversations", "/"}, {"gallery", "Gallery", "/gallery"}}
	if c.Viewer.CanSearch() {
		items = append(items, navItem{"search", "Search", "/search"})
	}
	if c.Viewer.IsAdmin() {
		items = append(items, navItem{"settings", "Settings", "/settings/retention"})
	}
	return items
}

func navClass(active bool) string {
	if active {
		return "rounded-lg px-3 py-2 text-sm font-medium bg-brand-50 text-brand-700 dark:bg-slate-700 dark:text-white"
	}
	return "rounded-lg px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
}

func pageTitle(t string) string {
	if t == "" {
		return "Aviary"
	}
	return t + " · Aviary"
}
