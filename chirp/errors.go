package chirp

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Sentinel outcomes of a Chirp call, for errors.Is. Every *APIError unwraps
// to exactly one of them.
var (
	// ErrGone means Chirp answered 404: the media was deleted by retention,
	// never existed, or belongs to another app (Chirp does not tell these
	// apart, so callers must always use the key of the app that received it).
	ErrGone = errors.New("chirp: media gone")
	// ErrUnauthorized means Chirp answered 401 or 403: a wrong, revoked or
	// wrong-type key.
	ErrUnauthorized = errors.New("chirp: unauthorized")
	// ErrRateLimited means Chirp answered 429; APIError.RetryAfter says how
	// long to pause the key.
	ErrRateLimited = errors.New("chirp: rate limited")
	// ErrTransient means Chirp could not answer now: 5xx, a timeout, a network
	// failure, an unexpected status or an undecodable body. Retrying later may work.
	ErrTransient = errors.New("chirp: temporarily unavailable")
)

// APIError describes a failed Chirp call. Status is 0 when no HTTP answer was
// received. Its text never contains a presigned URL.
type APIError struct {
	Status     int           // HTTP status, 0 for network failures and timeouts
	Type       string        // Chirp's error type, e.g. "invalid_request_error"
	Code       string        // Chirp's error code, when given
	Message    string        // Chirp's message, or a description of the failure
	RetryAfter time.Duration // from Retry-After (or the message) on 429
	kind       error         // one of the sentinels
	cause      error         // underlying network or context error, if any
}

// Error describes the failure, e.g. "chirp: media gone: 404 invalid_request_error: No such media: med_…".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.kind.Error())
	b.WriteString(":")
	if e.Status != 0 {
		b.WriteString(" ")
		b.WriteString(strconv.Itoa(e.Status))
	}
	if e.Type != "" {
		b.WriteString(" ")
		b.WriteString(e.Type)
	}
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	if e.Message != "" {
		if e.Status != 0 || e.Type != "" {
			b.WriteString(":")
		}
		b.WriteString(" ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after " + e.RetryAfter.String() + ")")
	}
	return b.String()
}

// Unwrap returns the sentinel (ErrGone, ErrUnauthorized, ErrRateLimited or
// ErrTransient) this error is an instance of.
func (e *APIError) Unwrap() error { return e.kind }

// Is reports whether the underlying network or context error matches target,
// so errors.Is(err, context.DeadlineExceeded) works for timeouts.
func (e *APIError) Is(target error) bool {
	return e.cause != nil && errors.Is(e.cause, target)
}

// kindForStatus maps an HTTP status to a sentinel.
func kindForStatus(status int) error {
	switch {
	case status == 404 || status == 410:
		return ErrGone
	case status == 401 || status == 403:
		return ErrUnauthorized
	case status == 429:
		return ErrRateLimited
	default:
		// 5xx, 408, and statuses Chirp does not document for this call: none
		// of them says the media is gone, so report them as temporary.
		return ErrTransient
	}
}

// parseRetryAfter reads a Retry-After header (seconds or an HTTP date).
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil {
		return time.Duration(max(secs, 0)) * time.Second
	}
	if t, err := time.Parse(time.RFC1123, h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

var tryAgainIn = regexp.MustCompile(`(?i)try again in (\d+) seconds?`)

// retryAfterFromMessage reads "Try again in N seconds" from a bare 429 body.
func retryAfterFromMessage(msg string) time.Duration {
	m := tryAgainIn.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	secs, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	return time.Duration(secs) * time.Second
}

// urlWithQuery matches a URL with a query string, so the query (where a
// presigned URL keeps its signature) can be cut out of anything that ends up
// in an error.
var urlWithQuery = regexp.MustCompile(`(?i)(https?://[^\s"'?#]+)\?[^\s"']*`)

// redact removes query strings from URLs inside s.
func redact(s string) string {
	if !strings.Contains(s, "?") {
		return s
	}
	return urlWithQuery.ReplaceAllString(s, "${1}")
}

// transientError builds a transient error for a failure without a usable answer.
func transientError(msg string, cause error) *APIError {
	return &APIError{Message: redact(msg), kind: ErrTransient, cause: cause}
}

// describe renders err for a message, without any URL query.
func describe(err error) string {
	return redact(fmt.Sprint(err))
}
