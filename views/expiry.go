package views

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aviaryhq/aviary/models"
)

// Display helpers for expiry dates and sizes. All dates are shown in UTC, the zone the
// expiry maths counts calendar days in (models.ExpiryOf).

// ExpiryText words an expiry for people: "expires in 3 days", "expires today",
// "expired on 2 Jan 2026"; empty when no expiry is known.
func ExpiryText(e models.Expiry) string {
	switch e.State {
	case models.ExpiryActive:
		return "expires in " + Plural(e.Days, "day")
	case models.ExpiryToday:
		return "expires today"
	case models.ExpiryExpired:
		return "expired on " + FormatDate(e.At)
	}
	return ""
}

// FormatDate is a day as "2 Jan 2026" (UTC).
func FormatDate(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// FormatDateTime is a moment as "2 Jan 2026 15:04 UTC".
func FormatDateTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04") + " UTC" }

// FormatMB is a size in megabytes (10⁶ bytes) with one decimal: "12.3 MB".
func FormatMB(bytes int64) string {
	if bytes > 0 && bytes < 50_000 {
		return "< 0.1 MB"
	}
	return fmt.Sprintf("%.1f MB", float64(bytes)/1e6)
}

// Plural is "1 day", "2 days".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func plural64(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(n, 10) + " " + noun + "s"
}
