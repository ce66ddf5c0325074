package models

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"gorm.io/gorm"
)

// Sweep is one recorded run of the expiry sweeper.
type Sweep struct {
	ID         int64 `gorm:"primaryKey"`
	StartedAt  time.Time
	FinishedAt *time.Time
	// Changed counts media newly marked expired.
	Changed  int64
	Error    string
	Instance string
}

// TableName is the operator-facing table name.
func (Sweep) TableName() string { return "sweeps" }

// SweepResult is what SweepExpired did. Skipped means another instance was sweeping, so
// this call changed and recorded nothing.
type SweepResult struct {
	Sweep
	Skipped bool
}

// sweepLockKey is the Postgres advisory lock that lets one Aviary instance sweep at a time
// ("aviary s" in ASCII; any constant would do, it only has to be the same everywhere).
const sweepLockKey int64 = 0x61766961727973

// sweepsKept is how long sweep records are kept.
const sweepsKept = 90 * 24 * time.Hour

// sweepHookKey carries a test hook run while the sweep lock is held.
type sweepHookKey struct{}

// SweepExpired marks media whose expiry has passed at now as expired (expired_at = now),
// unless they are already marked or known gone, so that pages show the placeholder without
// asking Chirp. The run is recorded in the sweeps table, failed runs included.
//
// On Postgres, several Aviary instances may share the database: the sweep holds a
// transaction-scoped advisory lock (pg_try_advisory_xact_lock) and, when another instance
// holds it, returns at once with Skipped set. On SQLite there is one process, and SQLite
// transactions are serialised anyway.
func (s *Store) SweepExpired(ctx context.Context, now time.Time, instance string) (SweepResult, error) {
	begun := time.Now()
	now = now.UTC().Truncate(time.Microsecond)
	res := SweepResult{Sweep: Sweep{StartedAt: now, Instance: instance}}
	finished := func() *time.Time {
		t := now.Add(time.Since(begun)).Truncate(time.Microsecond)
		return &t
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == migrations.Postgres {
			var locked bool
			if err := tx.Raw(`SELECT pg_try_advisory_xact_lock(?)`, sweepLockKey).Scan(&locked).Error; err != nil {
				return err
			}
			if !locked {
				res.Skipped = true
				return nil
			}
		}
		if hook, ok := ctx.Value(sweepHookKey{}).(func()); ok {
			hook()
		}
		marked := tx.Exec(`UPDATE media SET expired_at = ?
			WHERE expired_at IS NULL AND gone_at IS NULL AND expires_at <= ?`, now, now)
		if marked.Error != nil {
			return marked.Error
		}
		res.Changed, res.FinishedAt = marked.RowsAffected, finished()
		if err := tx.Create(&res.Sweep).Error; err != nil {
			return err
		}
		return tx.Exec(`DELETE FROM sweeps WHERE started_at < ?`, now.Add(-sweepsKept)).Error
	})
	if err != nil {
		err = fmt.Errorf("models: sweep expired media: %w", translate(err))
		failed := Sweep{StartedAt: now, FinishedAt: finished(), Error: truncateRunes(err.Error(), 500), Instance: instance}
		recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = s.db.WithContext(recCtx).Create(&failed).Error // best effort: the database may be down
		return SweepResult{Sweep: failed}, err
	}
	return res, nil
}

// LastSweep is the most recent recorded sweep; ErrNotFound before the first.
func (s *Store) LastSweep(ctx context.Context) (Sweep, error) {
	var sw Sweep
	if err := s.db.WithContext(ctx).Order("started_at DESC, id DESC").Take(&sw).Error; err != nil {
		return Sweep{}, fmt.Errorf("models: last sweep: %w", translate(err))
	}
	return sw, nil
}

// Sweeper runs SweepExpired once at start and then every Interval until its context ends.
type Sweeper struct {
	Store *Store
	// Interval between sweeps (AVIARY_SWEEP_INTERVAL); one hour when zero.
	Interval time.Duration
	// Instance names this process in the sweeps table; host name and pid when empty.
	Instance string
	// Now is the clock; time.Now when nil.
	Now    func() time.Time
	Logger *slog.Logger
}

// Run sweeps until ctx is cancelled. Failures are logged and retried at the next tick.
func (w *Sweeper) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = time.Hour
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		w.SweepOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// SweepOnce runs one sweep and logs its outcome.
func (w *Sweeper) SweepOnce(ctx context.Context) (SweepResult, error) {
	now, log, instance := time.Now, w.Logger, w.Instance
	if w.Now != nil {
		now = w.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if instance == "" {
		host, _ := os.Hostname()
		instance = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	res, err := w.Store.SweepExpired(ctx, now(), instance)
	switch {
	case err != nil && ctx.Err() != nil:
		// Shutting down: not worth an error line.
	case err != nil:
		log.Error("expiry sweep failed", "err", err)
	case res.Skipped:
		log.Info("expiry sweep skipped: another instance is sweeping")
	case res.Changed > 0:
		log.Info("expiry sweep marked media expired", "changed", res.Changed)
	}
	return res, err
}
