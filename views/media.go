package views

import (
	"fmt"
	"strconv"
	"time"
)

// MediaState is what a page can show for one media.
type MediaState string

// The states of a media on a page.
const (
	MediaReady          MediaState = "ready"           // URL is a fresh presigned URL
	MediaPending        MediaState = "pending"         // not resolved by the render deadline: load through /media/:id
	MediaGone           MediaState = "gone"            // Chirp answered 404: removed by retention
	MediaExpired        MediaState = "expired"         // past its expiry by Aviary's reckoning (sweeper); not yet confirmed
	MediaUnavailable    MediaState = "unavailable"     // timeout, 5xx, 429: try again later
	MediaNotRetrievable MediaState = "not_retrievable" // legacy payload without a media id
)

// MediaItem is one media as a page shows it. URL is set only when State is MediaReady and
// is never stored anywhere.
type MediaItem struct {
	ID             int64 // row id
	MediaID        string
	MessageID      int64
	ChirpMessageID string
	ConversationID int64
	Kind           string
	MimeType       string
	Filename       string
	Caption        string
	SizeBytes      int64
	IsVoiceNote    bool
	State          MediaState
	URL            string
	ReceivedAt     time.Time
	ExpiresAt      *time.Time
	GoneAt         *time.Time
	RetentionDays  int
	LastError      string
	Now            time.Time
}

// Src is what an element loads: the fresh URL when ready, else Aviary's own /media/:id,
// which redirects to a fresh URL or answers with a placeholder image.
func (m MediaItem) Src() string {
	if m.State == MediaReady && m.URL != "" {
		return m.URL
	}
	return m.Href()
}

// Href is the media's stable Aviary URL.
func (m MediaItem) Href() string {
	if m.MediaID == "" {
		return "/media/none-" + strconv.FormatInt(m.ID, 10)
	}
	return "/media/" + m.MediaID
}

// DownloadHref leads to the original file for download.
func (m MediaItem) DownloadHref() string { return m.Href() + "?download=1" }

// Showable reports whether the media can be shown (now or after a redirect).
func (m MediaItem) Showable() bool { return m.State == MediaReady || m.State == MediaPending }

// Alt is the image's alternative text.
func (m MediaItem) Alt() string {
	if m.Caption != "" {
		return m.Caption
	}
	if m.Filename != "" {
		return m.Kind + " " + m.Filename
	}
	return m.Kind + " received " + m.ReceivedAt.UTC().Format("2 Jan 2006")
}

// Reason says, for people, why the media cannot be shown.
func (m MediaItem) Reason() string {
	switch m.State {
	case MediaGone:
		if m.RetentionDays > 0 {
			return fmt.Sprintf("Removed by Chirp's %d-day retention", m.RetentionDays)
		}
		return "Removed by Chirp's retention period"
	case MediaExpired:
		return "Expired: past the retention period"
	case MediaUnavailable:
		return "Temporarily unavailable — try again"
	case MediaNotRetrievable:
		return "Not retrievable: this message carried no media id"
	}
	return ""
}

// Detail is the second line of a placeholder: the dates that explain the reason.
func (m MediaItem) Detail() string {
	received := "received " + m.ReceivedAt.UTC().Format("2 Jan 2006")
	switch m.State {
	case MediaGone:
		if m.GoneAt != nil && m.ExpiresAt != nil && m.ExpiresAt.Before(*m.GoneAt) {
			return received + " · removed on " + m.ExpiresAt.UTC().Format("2 Jan 2006")
		}
		if m.GoneAt != nil {
			return received + " · gone by " + m.GoneAt.UTC().Format("2 Jan 2006")
		}
	case MediaExpired:
		if m.ExpiresAt != nil {
			return received + " · expired on " + m.ExpiresAt.UTC().Format("2 Jan 2006")
		}
	}
	return received
}

// HumanSize formats a byte count.
func HumanSize(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.0f KB", float64(n)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1024*1024*1024))
}

func placeholderTone(s MediaState) string {
	switch s {
	case MediaUnavailable:
		return "border-amber-300 bg-amber-50 text-amber-800 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
	case MediaNotRetrievable:
		return "border-slate-300 bg-slate-100 text-slate-600 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-300"
	}
	return "border-rose-200 bg-rose-50 text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
}

func mediaBoxClass(kind string) string {
	if kind == "sticker" {
		return "h-32 w-32 overflow-hidden rounded-lg"
	}
	return "aspect-[4/3] w-full overflow-hidden rounded-lg bg-slate-100 dark:bg-slate-800"
}

func docName(m MediaItem) string {
	if m.Filename != "" {
		return m.Filename
	}
	return "Document"
}

func docMeta(m MediaItem) string {
	s := m.MimeType
	if size := HumanSize(m.SizeBytes); size != "" {
		if s != "" {
			s += " · "
		}
		s += size
	}
	return s
}
