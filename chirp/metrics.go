package chirp

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// resolverMetrics are the Resolver's Prometheus metrics. They always exist;
// they are registered only when ResolverConfig.Registerer is set.
type resolverMetrics struct {
	calls       *prometheus.CounterVec // by outcome
	hits        prometheus.Counter
	misses      prometheus.Counter
	latency     prometheus.Histogram
	budgetWaits prometheus.Counter
}

// Call outcomes, the values of the "outcome" label.
const (
	outcomeOK           = "ok"
	outcomeGone         = "gone"
	outcomeUnauthorized = "unauthorized"
	outcomeRateLimited  = "rate_limited"
	outcomeTransient    = "transient"
)

func newResolverMetrics(reg prometheus.Registerer) *resolverMetrics {
	m := &resolverMetrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aviary_chirp_media_calls_total",
			Help: "Calls to Chirp's Media API by outcome (ok, gone, unauthorized, rate_limited, transient).",
		}, []string{"outcome"}),
		hits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "aviary_chirp_url_cache_hits_total",
			Help: "Media resolved from the URL cache without calling Chirp.",
		}),
		misses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "aviary_chirp_url_cache_misses_total",
			Help: "Media not in the URL cache (or whose URL had too little validity left).",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "aviary_chirp_resolve_duration_seconds",
			Help:    "Time to resolve a batch (or one media) into URLs, placeholders or pending.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, .8, 1, 2.5, 5, 10},
		}),
		budgetWaits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "aviary_chirp_budget_waits_total",
			Help: "Chirp calls that had to wait for the per-key call budget or a Retry-After pause.",
		}),
	}
	for _, o := range []string{outcomeOK, outcomeGone, outcomeUnauthorized, outcomeRateLimited, outcomeTransient} {
		m.calls.WithLabelValues(o)
	}
	if reg != nil {
		m.calls = register(reg, m.calls)
		m.hits = register(reg, m.hits)
		m.misses = register(reg, m.misses)
		m.latency = register(reg, m.latency)
		m.budgetWaits = register(reg, m.budgetWaits)
	}
	return m
}

// register registers c, or returns the collector already registered under
// the same name (several Resolvers may share a registry, as in tests). Any
// other registration error is a programming mistake and panics, as with
// MustRegister.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic(err)
}

// outcome names the result of a call for the calls metric.
func outcome(err error) string {
	switch {
	case err == nil:
		return outcomeOK
	case errors.Is(err, ErrGone):
		return outcomeGone
	case errors.Is(err, ErrUnauthorized):
		return outcomeUnauthorized
	case errors.Is(err, ErrRateLimited):
		return outcomeRateLimited
	default:
		return outcomeTransient
	}
}
