package models

import "context"

// WithSweepHook returns a context under which SweepExpired calls hook while it holds the
// sweep lock, so tests can make a sweep slow.
func WithSweepHook(ctx context.Context, hook func()) context.Context {
	return context.WithValue(ctx, sweepHookKey{}, hook)
}

// PGTextDocumentForTest exposes the indexed text expression to the external tests.
const PGTextDocumentForTest = pgTextDocument
