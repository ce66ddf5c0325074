package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ParseRetentionDays reads a retention form value. It returns the days, or a problem
// worded for the person who typed the value (empty when the value is good).
func ParseRetentionDays(raw string) (int, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return 0, "Enter how many days Chirp keeps media, for example 90."
	}
	days, err := strconv.Atoi(v)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Sprintf("Enter a number of days from %d to %d.", MinRetentionDays, MaxRetentionDays)
	case err != nil:
		return 0, "Enter a whole number of days, without decimals or units, for example 90."
	case days < MinRetentionDays || days > MaxRetentionDays:
		return 0, fmt.Sprintf("Enter a number of days from %d to %d.", MinRetentionDays, MaxRetentionDays)
	}
	return days, ""
}

// RetentionChange is what UpdateRetention did.
type RetentionChange struct {
	OldDays, NewDays int
	// Recomputed counts media whose predicted expiry was recomputed.
	Recomputed int64
}

// UpdateRetention stores the organization's media retention with who changed it and when,
// and recomputes every predicted expiry (expires_at = created_at + days) in the same
// transaction. Expiries Chirp reported are left alone. A predicted "expired" mark whose
// new expiry lies after now is cleared: that media may well still exist at Chirp, and the
// media handler will ask.
func (s *Store) UpdateRetention(ctx context.Context, days int, by string, now time.Time) (RetentionChange, error) {
	if days < MinRetentionDays || days > MaxRetentionDays {
		return RetentionChange{}, fmt.Errorf("models: update retention to %d days: %w", days, ErrInvalid)
	}
	now = now.UTC().Truncate(time.Microsecond)
	ch := RetentionChange{NewDays: days}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var org Organization
		q := tx.Select("media_retention_days")
		if s.dialect == migrations.Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&org, 1).Error; err != nil {
			return err
		}
		ch.OldDays = org.MediaRetentionDays
		err := tx.Model(&Organization{}).Where("id = 1").Updates(map[string]any{
			"media_retention_days": days, "retention_updated_by": by, "retention_updated_at": now, "updated_at": now}).Error
		if err != nil {
			return err
		}
		query, args := s.recomputeSQL(days, now)
		res := tx.Exec(query, args...)
		ch.Recomputed = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return RetentionChange{}, fmt.Errorf("models: update retention to %d days: %w", days, translate(err))
	}
	return ch, nil
}

// recomputeSQL is the one UPDATE that re-predicts expiries, with its arguments.
func (s *Store) recomputeSQL(days int, now time.Time) (string, []any) {
	if s.dialect == migrations.Postgres {
		// Hours, not days: a day interval follows the session's time zone across DST.
		return `UPDATE media SET
			expires_at = created_at + make_interval(hours => 24 * ?),
			expired_at = CASE WHEN created_at + make_interval(hours => 24 * ?) > ? THEN NULL ELSE expired_at END
			WHERE expiry_from_chirp = false`, []any{days, days, now}
	}
	// The driver writes UTC times as "2006-01-02 15:04:05.999999999+00:00". Adding whole
	// days in UTC changes only the date, so the time of day is kept verbatim: SQLite's date
	// functions would round it to milliseconds and change the text, and the other queries
	// compare these columns as text.
	modifier := fmt.Sprintf("+%d days", days)
	return `UPDATE media SET
		expires_at = CASE WHEN created_at LIKE '%+00:00'
			THEN strftime('%Y-%m-%d', created_at, ?) || substr(created_at, 11)
			ELSE strftime('%Y-%m-%d %H:%M:%f+00:00', created_at, ?) END,
		expired_at = CASE WHEN julianday(created_at, ?) > julianday(?) THEN NULL ELSE expired_at END
		WHERE expiry_from_chirp = 0`, []any{modifier, modifier, modifier, now}
}

// RetentionImpact is what shortening the retention would make unavailable.
type RetentionImpact struct {
	Days int
	// Cutoff: media received before it fall outside the new retention.
	Cutoff time.Time
	Media  int64
	Bytes  int64
}

// RetentionImpact counts the media that a retention of days would make unavailable at
// now: media with a Chirp id, not yet gone or marked expired, received before now − days.
func (s *Store) RetentionImpact(ctx context.Context, days int, now time.Time) (RetentionImpact, error) {
	imp := RetentionImpact{Days: days, Cutoff: now.UTC().Truncate(time.Microsecond).Add(-time.Duration(days) * 24 * time.Hour)}
	var row struct {
		N     int64
		Bytes int64
	}
	err := s.db.WithContext(ctx).Model(&Media{}).
		Select("count(*) AS n, coalesce(sum(size_bytes), 0) AS bytes").
		Where("created_at < ? AND gone_at IS NULL AND expired_at IS NULL AND media_id IS NOT NULL", imp.Cutoff).
		Scan(&row).Error
	if err != nil {
		return RetentionImpact{}, fmt.Errorf("models: retention impact of %d days: %w", days, translate(err))
	}
	imp.Media, imp.Bytes = row.N, row.Bytes
	return imp, nil
}

// RetentionMismatch is a retention Chirp's Media API answers imply that differs from the
// organization's setting.
type RetentionMismatch struct {
	// ChirpDays is round(expiresAt − createdAt) in days, as Chirp reported it.
	ChirpDays int
	Media     int64
	// Since is the earliest check among these answers.
	Since time.Time
}

// RetentionMismatches groups the media whose Chirp-reported expiry implies a retention
// other than the organization's, most frequent first. Empty when Chirp agrees.
func (s *Store) RetentionMismatches(ctx context.Context) ([]RetentionMismatch, error) {
	days := "CAST(round(julianday(expires_at) - julianday(created_at)) AS integer)"
	fromChirp := "expiry_from_chirp = 1"
	if s.dialect == migrations.Postgres {
		days = "CAST(round(extract(epoch from (expires_at - created_at)) / 86400) AS integer)"
		fromChirp = "expiry_from_chirp = true"
	}
	rows, err := s.db.WithContext(ctx).Raw(`SELECT ` + days + ` AS days, count(*) AS n, min(last_checked_at) AS since
		FROM media
		WHERE ` + fromChirp + ` AND expires_at IS NOT NULL AND last_checked_at IS NOT NULL
		AND ` + days + ` <> (SELECT media_retention_days FROM organization WHERE id = 1)
		GROUP BY 1 ORDER BY n DESC, days`).Rows()
	if err != nil {
		return nil, fmt.Errorf("models: retention mismatches: %w", translate(err))
	}
	defer rows.Close()
	var out []RetentionMismatch
	for rows.Next() {
		var m RetentionMismatch
		var since any
		if err := rows.Scan(&m.ChirpDays, &m.Media, &since); err != nil {
			return nil, fmt.Errorf("models: retention mismatches: %w", err)
		}
		if m.Since, err = dbTime(since); err != nil {
			return nil, fmt.Errorf("models: retention mismatches: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("models: retention mismatches: %w", translate(err))
	}
	return out, nil
}

// dbTime reads a time from an expression column: Postgres gives a time.Time, SQLite the
// text its driver wrote (expressions carry no declared type for the driver to parse).
func dbTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	}
	return time.Time{}, fmt.Errorf("unexpected time value %T", v)
}

func parseSQLiteTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}
