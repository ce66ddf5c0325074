package views

// Part is a piece of highlighted text; Mark parts are rendered inside <mark>. Every
// part is escaped like any other text.
type Part struct {
	Text string
	Mark bool
}

// SearchForm is the support lookup form as the URL describes it.
type SearchForm struct {
	Q         string
	App       string
	Channel   string
	Direction string
	HasMedia  bool
	From, To  string // YYYY-MM-DD
	Apps      []Option
	Error     string
}

// MediaBadge is a media reference: never a URL, only what it is and whether Chirp still has it.
type MediaBadge struct {
	MediaID string // empty for legacy attachments
	Kind    string
	State   string // available, expired, gone, not retrievable
	Expires string // YYYY-MM-DD, empty when unknown
}

// Hit is one message in a result list.
type Hit struct {
	URL        string // the conversation, around this message
	Contact    []Part
	ContactURL string
	Channel    string
	AppName    string
	Direction  string
	SentAt     string // for people
	SentISO    string // for <time datetime>
	Snippet    []Part
	Media      []MediaBadge
}

// ContactLink is a contact a phone lookup matched.
type ContactLink struct {
	Number   []Part
	URL      string
	Channel  string
	AppName  string
	Messages int
}

// SearchResults is what a lookup found.
type SearchResults struct {
	Understood      string // how the box was read, e.g. "Phone numbers containing 4567"
	Hits            []Hit
	Contacts        []ContactLink
	TooManyContacts bool
	NextURL         string
	FirstURL        string // set on pages after the first
	ExportCSV       string
	ExportJSON      string
}

// ContactView is a contact's timeline page.
type ContactView struct {
	Number        string // formatted for humans
	Conversations []ContactLink
	Hits          []Hit
	NextURL       string
	FirstURL      string
	ExportCSV     string
	ExportJSON    string
}

// TranscriptView is a printable conversation transcript.
type TranscriptView struct {
	Title      string
	Contact    string
	Business   string
	Channel    string
	AppName    string
	Generated  string
	Messages   []TranscriptLine
	NextURL    string
	BackURL    string
	ExportCSV  string
	ExportJSON string
}

// TranscriptLine is one message of a transcript.
type TranscriptLine struct {
	SentAt    string
	SentISO   string
	Direction string
	Status    string
	Text      string
	Media     []MediaBadge
}

func mediaBadgeClass(state string) string {
	switch state {
	case "available":
		return "badge bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300"
	case "expired", "gone":
		return "badge bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300"
	}
	return "badge bg-slate-100 text-slate-600 dark:bg-slate-700 dark:text-slate-300"
}
