// Package chirp is Aviary's integration with the Chirp messaging API: the
// Media API client with typed errors, webhook payload decoding, and the
// Resolver that turns stored media ids into fresh presigned URLs.
//
// Decisions where Chirp's documentation is silent:
//   - 404 (and 410) is ErrGone whatever the cause. Chirp answers media of another app
//     with the same 404 as deleted media, so the two cannot be told apart on
//     the wire; Aviary always calls with the key of the app that received the
//     media (Ref.AppKey), and the Resolver caches per key so a result obtained
//     with a wrong key does not outlive the fix.
//   - 401 and 403 are ErrUnauthorized; 429 is ErrRateLimited, with Retry-After
//     read from the header (seconds or HTTP date) or else from the message
//     ("Try again in N seconds"); everything else that is not 200 (5xx, 408,
//     undocumented statuses), timeouts, network failures and undecodable
//     bodies are ErrTransient. Nothing else is ever reported as gone.
//   - Timestamps in a 200 answer that do not parse are left zero; an answer
//     without a url is ErrTransient.
//   - Error texts never contain a URL query: presigned URLs are secrets.
package chirp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds each Chirp call unless WithTimeout says otherwise.
const DefaultTimeout = 5 * time.Second

// maxBody bounds how much of an answer is read.
const maxBody = 1 << 20

// Client calls the Chirp API. It is safe for concurrent use.
type Client struct {
	baseURL string
	http    *http.Client
	timeout time.Duration
}

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithHTTPClient makes the client send requests through hc. Per-call
// timeouts still come from WithTimeout.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *Client) {
		if hc != nil {
			c.http = hc
		}
	}
}

// WithTimeout bounds each call (default 5s); d <= 0 keeps the default.
func WithTimeout(d time.Duration) ClientOption {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// NewClient returns a client of the Chirp API at baseURL, e.g.
// "https://api.buildwithchirp.com".
func NewClient(baseURL string, opts ...ClientOption) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// A gallery page resolves dozens of media at once through a few keys.
	tr.MaxIdleConnsPerHost = 64
	c := &Client{
		baseURL: strings.TrimRight(baseURL, "/"),
		http:    &http.Client{Transport: tr},
		timeout: DefaultTimeout,
	}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// Timeout returns the per-call timeout.
func (c *Client) Timeout() time.Duration { return c.timeout }

// Media is the Media API's answer for one media file.
type Media struct {
	ID        string
	URL       string // presigned download URL, valid about one hour: never store or log it
	MimeType  string
	FileSize  int64
	CreatedAt time.Time
	ExpiresAt time.Time // when Chirp deletes the file (zero if absent)
}

// mediaAnswer is the JSON of GET /v1/media/{id}.
type mediaAnswer struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	MimeType  string `json:"mimeType"`
	FileSize  int64  `json:"fileSize"`
	CreatedAt string `json:"createdAt"`
	ExpiresAt string `json:"expiresAt"`
}

// GetMedia asks the Media API for a fresh presigned URL of mediaID, with the
// key of the app that received the media. Failures are *APIError values that
// unwrap to ErrGone, ErrUnauthorized, ErrRateLimited or ErrTransient; an
// empty mediaID is refused without a call.
func (c *Client) GetMedia(ctx context.Context, appKey, mediaID string) (Media, error) {
	if mediaID == "" {
		return Media{}, errors.New("chirp: get media: empty media id")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		c.baseURL+"/v1/media/"+url.PathEscape(mediaID), nil)
	if err != nil {
		return Media{}, transientError("get media "+mediaID+": "+describe(err), err)
	}
	req.Header.Set("Authorization", "Bearer "+appKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "aviary")

	resp, err := c.http.Do(req)
	if err != nil {
		return Media{}, c.requestError(ctx, mediaID, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Media{}, c.requestError(ctx, mediaID, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Media{}, answerError(resp, body)
	}
	return decodeMedia(mediaID, body)
}

// requestError describes a call that got no (complete) answer.
func (c *Client) requestError(ctx context.Context, mediaID string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		// Drop the URL: it carries no secret here, but the rule is simpler
		// kept everywhere (and the inner error still names the failure).
		err = ue.Err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return transientError("get media "+mediaID+": no answer within "+c.timeout.String(),
			context.DeadlineExceeded)
	}
	return transientError("get media "+mediaID+": "+describe(err), err)
}

// decodeMedia parses a 200 answer; one without id or url is transient.
func decodeMedia(mediaID string, body []byte) (Media, error) {
	var a mediaAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return Media{}, transientError("get media "+mediaID+": undecodable answer: "+describe(err), nil)
	}
	if a.URL == "" {
		return Media{}, transientError("get media "+mediaID+": answer without url", nil)
	}
	if a.ID == "" {
		a.ID = mediaID
	}
	// Timestamps are informative: an unparsable one is left zero rather than
	// making a usable URL unavailable.
	return Media{
		ID:        a.ID,
		URL:       a.URL,
		MimeType:  a.MimeType,
		FileSize:  a.FileSize,
		CreatedAt: apiTime(a.CreatedAt),
		ExpiresAt: apiTime(a.ExpiresAt),
	}, nil
}

// apiTime reads a Media API timestamp; a missing or malformed one is the zero time.
func apiTime(s string) time.Time {
	t, err := parseTime(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// errorBody is Chirp's error shape with an object; the bare-string shape
// {"error":"…"} is handled separately.
type errorBody struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param"`
}

// answerError turns a non-200 answer into an *APIError.
func answerError(resp *http.Response, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, kind: kindForStatus(resp.StatusCode)}
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Error) > 0 {
		var msg string
		var obj errorBody
		switch {
		case json.Unmarshal(env.Error, &msg) == nil:
			e.Message = msg
		case json.Unmarshal(env.Error, &obj) == nil:
			e.Type, e.Code, e.Message = obj.Type, obj.Code, obj.Message
			if obj.Param != "" && e.Message != "" {
				e.Message += " (param " + obj.Param + ")"
			}
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = redact(e.Message)
	if e.Status == http.StatusTooManyRequests {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if e.RetryAfter == 0 {
			e.RetryAfter = retryAfterFromMessage(e.Message)
		}
	}
	return e
}
