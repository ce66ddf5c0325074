package models

import "time"

// Expiry states of a media item, as ExpiryState reports them.
const (
	// ExpiryUnknown: no expiry is known (a legacy item that carried no media id).
	ExpiryUnknown = ""
	// ExpiryActive: the item expires in Days whole calendar days (UTC), at least one.
	ExpiryActive = "active"
	// ExpiryToday: the item expires later today (UTC).
	ExpiryToday = "today"
	// ExpiryExpired: the item expired (or Chirp deleted it) Days calendar days ago.
	ExpiryExpired = "expired"
)

// Expiry is where a media item stands against its expiry at a moment.
type Expiry struct {
	State string
	// Days until the expiry (ExpiryActive) or since it (ExpiryExpired), in UTC calendar days.
	Days int
	// At is the expiry, or, for an item Chirp deleted before it, when Aviary found it gone.
	At time.Time
}

// ExpiryState says whether m has expired at now and how many days remain or have passed.
func ExpiryState(m Media, now time.Time) (state string, days int) {
	e := ExpiryOf(m.ExpiresAt, m.GoneAt, now)
	return e.State, e.Days
}

// ExpiryOf is ExpiryState from the two columns it needs: the expiry (Chirp's or
// predicted) and when Chirp answered 404, if it did.
func ExpiryOf(expiresAt, goneAt *time.Time, now time.Time) Expiry {
	now = now.UTC()
	switch {
	case goneAt != nil:
		at := goneAt.UTC()
		if expiresAt != nil && expiresAt.Before(at) {
			at = expiresAt.UTC()
		}
		return Expiry{State: ExpiryExpired, Days: calendarDays(at, now), At: at}
	case expiresAt == nil:
		return Expiry{State: ExpiryUnknown}
	case !expiresAt.After(now):
		return Expiry{State: ExpiryExpired, Days: calendarDays(*expiresAt, now), At: expiresAt.UTC()}
	}
	d := calendarDays(now, *expiresAt)
	if d == 0 {
		return Expiry{State: ExpiryToday, At: expiresAt.UTC()}
	}
	return Expiry{State: ExpiryActive, Days: d, At: expiresAt.UTC()}
}

// calendarDays counts the UTC date changes from a to b.
func calendarDays(a, b time.Time) int {
	a, b = a.UTC(), b.UTC()
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
