// Package web is Aviary's HTTP layer: the Fiber app, its one route table, middleware,
// the session bridge and one file of handlers per resource.
package web

import (
	"net/http"

	"github.com/aviaryhq/aviary/chirp"
	"log/slog"
	"time"

	"github.com/aviaryhq/aviary/models"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Config is the part of Aviary's configuration the web layer uses.
type Config struct {
	// BaseURL is the public URL; https turns on Secure cookies.
	BaseURL string
	// SecretKey signs and encrypts session cookies (keys derived with HKDF).
	SecretKey []byte
	// MediaOrigins may serve images and media (Chirp's presigned URL hosts), for the CSP.
	MediaOrigins []string
}

// Deps are what the web layer needs from the rest of the program.
type Deps struct {
	Config Config
	Store  *models.Store
	Logger *slog.Logger
	// Registry collects metrics served at /metrics; a new one is made when nil.
	Registry *prometheus.Registry
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Resolver gets fresh presigned URLs from Chirp's Media API. Without one, media are
	// shown through /media/:id only and never resolved (used by tests of other pages).
	Resolver *chirp.Resolver
}

// Server holds the dependencies every handler uses.
type Server struct {
	cfg      Config
	store    *models.Store
	log      *slog.Logger
	now      func() time.Time
	registry *prometheus.Registry
	metrics  *metrics
	sessions *sessionStore
	throttle *loginThrottle
	csp      string
	static   fiber.Handler
	resolver *chirp.Resolver
	// downloads fetches originals for /media/:id?download=1.
	downloads *http.Client
}

// New builds the Fiber app with every route.
func New(d Deps) *fiber.App {
	s := newServer(d)
	app := fiber.New(fiber.Config{
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		Immutable:             true,
		BodyLimit:             4 << 20,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        16 << 10,
	})
	s.routes(app)
	return app
}

func newServer(d Deps) *Server {
	s := &Server{cfg: d.Config, store: d.Store, log: d.Logger, now: d.Now, registry: d.Registry, resolver: d.Resolver,
		downloads: &http.Client{Timeout: 2 * time.Minute}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
		s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s.metrics = newMetrics(s.registry)
	s.sessions = newSessionStore(d.Config.SecretKey, secureCookies(d.Config.BaseURL))
	s.throttle = newLoginThrottle(s.now)
	s.csp = contentSecurityPolicy(d.Config.MediaOrigins)
	s.static = newStaticHandler()
	return s
}
