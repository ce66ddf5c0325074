package models

import (
	"context"
	"fmt"
	"time"
)

// Retention bounds, in days.
const (
	DefaultRetentionDays = 90
	MinRetentionDays     = 1
	MaxRetentionDays     = 3650
)

// Organization returns the organization's settings.
func (s *Store) Organization(ctx context.Context) (Organization, error) {
	var o Organization
	if err := s.db.WithContext(ctx).First(&o, 1).Error; err != nil {
		return Organization{}, fmt.Errorf("models: organization: %w", translate(err))
	}
	return o, nil
}

// ExpiryFor predicts when Chirp deletes media received at createdAt under a retention of days.
func ExpiryFor(createdAt time.Time, days int) time.Time {
	return createdAt.Add(time.Duration(days) * 24 * time.Hour)
}
