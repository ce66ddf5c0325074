package models

import (
	"context"
	"fmt"
)

// Record appends an event to the audit log. The time is set by the store.
func (s *Store) Record(ctx context.Context, ev AuditEvent) error {
	ev.ID = 0
	ev.At = s.clock()
	// Audit text often echoes user input (a mistyped email); keep it storable.
	ev.ActorEmail, ev.Target, ev.Details = cleanText(ev.ActorEmail, 254), cleanText(ev.Target, 500), cleanText(ev.Details, 4000)
	ev.ClientIP = cleanText(ev.ClientIP, 64)
	if ev.Action == "" {
		return fmt.Errorf("models: audit event without action: %w", ErrInvalid)
	}
	if err := s.db.WithContext(ctx).Create(&ev).Error; err != nil {
		return fmt.Errorf("models: record audit %s: %w", ev.Action, translate(err))
	}
	return nil
}
