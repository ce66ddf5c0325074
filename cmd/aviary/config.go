package main

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/models"
)

// Config is everything read from the environment, validated once.
type Config struct {
	Addr          string
	DatabaseURL   string
	SecretKey     []byte
	ChirpAPIURL   string
	BaseURL       string
	MediaOrigins  []string
	SweepInterval time.Duration
}

// Defaults of the operator contract (DESIGN §4).
const (
	defaultAddr         = "127.0.0.1:8080"
	defaultDatabaseURL  = "sqlite://aviary.db"
	defaultChirpAPIURL  = "https://api.buildwithchirp.com"
	defaultMediaOrigins = "https://media.buildwithchirp.com https://cdn.buildwithchirp.com"
)

// loadConfig reads and validates the environment. needSecret is false for commands that
// never seal or sign anything (migrate, user).
func loadConfig(getenv func(string) string, needSecret bool) (Config, error) {
	c := Config{
		Addr:        envOr(getenv, "AVIARY_ADDR", defaultAddr),
		DatabaseURL: envOr(getenv, "AVIARY_DATABASE_URL", defaultDatabaseURL),
		ChirpAPIURL: strings.TrimRight(envOr(getenv, "AVIARY_CHIRP_API_URL", defaultChirpAPIURL), "/"),
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return Config{}, fmt.Errorf("AVIARY_ADDR must be host:port, like 127.0.0.1:8080 (got %q)", c.Addr)
	}
	if _, _, err := models.ParseDatabaseURL(c.DatabaseURL); err != nil {
		return Config{}, fmt.Errorf("AVIARY_DATABASE_URL %v", err)
	}
	if err := checkHTTPURL(c.ChirpAPIURL); err != nil {
		return Config{}, fmt.Errorf("AVIARY_CHIRP_API_URL %v", err)
	}
	c.BaseURL = strings.TrimRight(envOr(getenv, "AVIARY_BASE_URL", "http://"+c.Addr), "/")
	if err := checkHTTPURL(c.BaseURL); err != nil {
		return Config{}, fmt.Errorf("AVIARY_BASE_URL %v", err)
	}
	for _, o := range strings.Fields(envOr(getenv, "AVIARY_MEDIA_ORIGINS", defaultMediaOrigins)) {
		if err := checkHTTPURL(o); err != nil {
			return Config{}, fmt.Errorf("AVIARY_MEDIA_ORIGINS %v", err)
		}
		c.MediaOrigins = append(c.MediaOrigins, strings.TrimRight(o, "/"))
	}
	interval := envOr(getenv, "AVIARY_SWEEP_INTERVAL", "1h")
	d, err := time.ParseDuration(interval)
	if err != nil || d < time.Minute {
		return Config{}, fmt.Errorf("AVIARY_SWEEP_INTERVAL must be a duration of at least 1m, like 1h (got %q)", interval)
	}
	c.SweepInterval = d
	raw := strings.TrimSpace(getenv("AVIARY_SECRET_KEY"))
	switch {
	case raw == "" && needSecret:
		return Config{}, fmt.Errorf("AVIARY_SECRET_KEY is required: set it to base64 of at least 32 random bytes (openssl rand -base64 32)")
	case raw != "":
		key, err := decodeSecret(raw)
		if err != nil {
			return Config{}, err
		}
		c.SecretKey = key
	}
	return c, nil
}

func decodeSecret(raw string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(raw); err == nil {
			if len(key) < 32 {
				break
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("AVIARY_SECRET_KEY must be base64 of at least 32 bytes (openssl rand -base64 32)")
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return fmt.Errorf("must be an http(s) URL without query, like https://example.com (got %q)", raw)
	}
	return nil
}

func envOr(getenv func(string) string, name, def string) string {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v
	}
	return def
}
