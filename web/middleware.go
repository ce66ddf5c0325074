package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// observe logs each request once and records its metrics. It logs the path and never
// the query string: queries carry phone numbers and, on /media, could carry URLs.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	route := routeName(c)
	s.metrics.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(c.Method(), route).Observe(elapsed.Seconds())
	if route != "/healthz" && route != "/metrics" && !strings.HasPrefix(route, "/static") {
		s.log.Info("request", "method", c.Method(), "path", safePath(c.Path()), "route", route,
			"status", status, "ms", float64(elapsed.Microseconds())/1000, "ip", c.IP())
	}
	return nil
}

// routeName is the matched route pattern (bounded cardinality for metrics).
func routeName(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || (r.Path == "/" && c.Path() != "/") {
		return "unmatched"
	}
	return r.Path
}

// safePath trims what a log line should never hold.
func safePath(p string) string {
	if i := strings.Index(p, "X-Amz-"); i >= 0 {
		p = p[:i] + "[redacted]"
	}
	if len(p) > 200 {
		p = p[:200] + "…"
	}
	return p
}

// secureHeaders sets the headers every answer carries.
func (s *Server) secureHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", s.csp)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if strings.HasPrefix(s.cfg.BaseURL, "https://") {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

// contentSecurityPolicy allows scripts and styles from self only, and images and media
// from self plus the origins that serve Chirp's presigned URLs.
func contentSecurityPolicy(mediaOrigins []string) string {
	media := strings.TrimSpace("'self' data: " + strings.Join(mediaOrigins, " "))
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + media +
		"; media-src " + media + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}
