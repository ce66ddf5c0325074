package models

import (
	"context"
	"fmt"
)

// Record appends an event to the audit log. The time is set by the store.
func (s *Store) Record(ctx context.Context, ev AuditEvent) error {
	ev.ID = 0
	ev.At = s.clock()
	if ev.Action == "" {
		return fmt.Errorf("models: audit event without action: %w", ErrInvalid)
	}
	if err := s.db.WithContext(ctx).Create(&ev).Error; err != nil {
		return fmt.Errorf("models: record audit %s: %w", ev.Action, translate(err))
	}
	return nil
}
