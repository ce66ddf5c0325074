package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Cursor is a keyset position in a list ordered by (time, id): the last item a page
// showed. Pages continue strictly after it, so items sharing a timestamp are neither
// repeated nor skipped.
type Cursor struct {
	At time.Time
	ID int64
}

// String encodes the cursor for a URL: microseconds since the epoch, a dot, the row id.
func (c Cursor) String() string {
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseCursor decodes a cursor made by Cursor.String. Anything else is ErrInvalid.
func ParseCursor(raw string) (Cursor, error) {
	us, id, ok := strings.Cut(raw, ".")
	t, err1 := strconv.ParseInt(us, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return Cursor{}, fmt.Errorf("models: cursor %q: %w", raw, ErrInvalid)
	}
	return Cursor{At: time.UnixMicro(t).UTC(), ID: n}, nil
}

// before restricts q to rows strictly before c in (col DESC, id DESC) order. Written
// without row values so both dialects use the (time, id) indexes the same way.
func before(q *gorm.DB, timeCol, idCol string, c Cursor) *gorm.DB {
	at := c.At.UTC()
	return q.Where("("+timeCol+" < ? OR ("+timeCol+" = ? AND "+idCol+" < ?))", at, at, c.ID)
}

// after restricts q to rows strictly after c in (col ASC, id ASC) order.
func after(q *gorm.DB, timeCol, idCol string, c Cursor) *gorm.DB {
	at := c.At.UTC()
	return q.Where("("+timeCol+" > ? OR ("+timeCol+" = ? AND "+idCol+" > ?))", at, at, c.ID)
}

// clampLimit keeps a page size within reason.
func clampLimit(n, def, most int) int {
	if n <= 0 {
		return def
	}
	return min(n, most)
}
