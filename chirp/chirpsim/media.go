package chirpsim

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// mediaItem is a file held by the simulator.
type mediaItem struct {
	id        string
	appID     string
	kind      string
	mimeType  string
	filename  string
	ext       string
	data      []byte
	createdAt time.Time
}

// filePath is the path of the file's presigned download URL.
func (m *mediaItem) filePath(org string) string {
	return "/files/" + org + "/" + m.appID + "/" + m.id + "." + m.ext
}

// AddMedia stores a file for the app and returns its med_… id. It panics if
// the app is unknown, which is a mistake in the caller's setup.
func (s *Sim) AddMedia(appID string, spec MediaSpec) (id string) {
	created := spec.CreatedAt
	if created.IsZero() {
		created = s.Now()
	}
	m := &mediaItem{
		id:        "med_" + newKSUID(created),
		appID:     appID,
		kind:      spec.Kind,
		mimeType:  spec.MimeType,
		filename:  spec.Filename,
		data:      bytes.Clone(spec.Data),
		createdAt: created.UTC(),
	}
	if m.mimeType == "" {
		m.mimeType = guessMimeType(spec.Kind, spec.Filename)
	}
	m.ext = extension(m.mimeType, spec.Filename)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apps[appID] == nil {
		panic(fmt.Sprintf("chirpsim: AddMedia: unknown app %q", appID))
	}
	s.media[m.id] = m
	return m.id
}

// deletedAt is when retention removes m.
func (s *Sim) deletedAt(m *mediaItem) time.Time {
	s.mu.Lock()
	days := s.retentionDays
	s.mu.Unlock()
	return m.createdAt.AddDate(0, 0, days)
}

// lookupMedia returns the media with id, or nil.
func (s *Sim) lookupMedia(id string) *mediaItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.media[id]
}

// mediaJSON is the Media API's answer.
type mediaJSON struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	MimeType  string `json:"mimeType"`
	FileSize  int    `json:"fileSize"`
	CreatedAt string `json:"createdAt"`
	ExpiresAt string `json:"expiresAt"`
}

// jsonTimeFormat is RFC 3339 with milliseconds, as in Chirp's payloads.
const jsonTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// getMedia serves GET /v1/media/{id}.
func (s *Sim) getMedia(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.count(func(c *Counters) { c.Media[id]++ })
	if !s.delay(r) {
		writeAPIError(w, http.StatusServiceUnavailable, "api_error", "", "Service shutting down.")
		return
	}
	if s.injectFault(w, r) {
		return
	}
	app := s.authenticate(w, r)
	if app == nil {
		return
	}
	s.count(func(c *Counters) { c.App[app.ID]++ })
	if s.rateLimited(w, app.Key) {
		return
	}
	m := s.lookupMedia(id)
	now := s.Now()
	if m == nil || m.appID != app.ID || !now.Before(s.deletedAt(m)) {
		// Another app's media is indistinguishable from unknown media, as in Chirp.
		writeAPIError(w, http.StatusNotFound, "invalid_request_error", "resource_not_found",
			"No such media: "+id)
		return
	}
	base := s.URL()
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	writeJSON(w, http.StatusOK, mediaJSON{
		ID:        m.id,
		URL:       s.presign(base, m, now),
		MimeType:  m.mimeType,
		FileSize:  len(m.data),
		CreatedAt: m.createdAt.Format(jsonTimeFormat),
		ExpiresAt: s.deletedAt(m).UTC().Format(jsonTimeFormat),
	})
}

// authenticate returns the app of the request's Bearer key or answers 401.
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request) *App {
	auth := r.Header.Get("Authorization")
	key, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(key) == "" {
		writeAPIError(w, http.StatusUnauthorized, "authentication_error", "missing_api_key",
			"No API key provided. Send it as 'Authorization: Bearer KEY'.")
		return nil
	}
	app := s.appForKey(strings.TrimSpace(key))
	if app == nil {
		writeAPIError(w, http.StatusUnauthorized, "authentication_error", "invalid_api_key",
			"Invalid API key provided.")
		return nil
	}
	return app
}

// getFile serves a presigned download: GET /files/{org}/{app}/{file}.
func (s *Sim) getFile(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	ext := path.Ext(file)
	id := strings.TrimSuffix(file, ext)
	m := s.lookupMedia(id)
	if m == nil || r.PathValue("org") != s.org || r.PathValue("app") != m.appID || ext != "."+m.ext {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	now := s.Now()
	switch s.verifyPresigned(r.URL.Path, r.URL.Query(), now) {
	case presignBadSignature:
		writeS3Error(w, http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided.")
		return
	case presignExpired:
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	if !now.Before(s.deletedAt(m)) {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	w.Header().Set("Content-Type", m.mimeType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	if m.filename != "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline",
			map[string]string{"filename": m.filename}))
	}
	http.ServeContent(w, r, "", m.createdAt, bytes.NewReader(m.data))
}

// guessMimeType derives a MIME type from a filename or, failing that, a kind.
func guessMimeType(kind, filename string) string {
	if t := mime.TypeByExtension(path.Ext(filename)); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	switch kind {
	case "image":
		return "image/jpeg"
	case "sticker":
		return "image/webp"
	case "video":
		return "video/mp4"
	case "audio":
		return "audio/ogg"
	case "document":
		return "application/pdf"
	}
	return "application/octet-stream"
}

// extension picks the file extension used in the download URL.
func extension(mimeType, filename string) string {
	known := map[string]string{
		"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
		"video/mp4": "mp4", "video/3gpp": "3gp", "audio/ogg": "ogg", "audio/mpeg": "mp3",
		"audio/aac": "aac", "audio/amr": "amr", "audio/mp4": "m4a", "application/pdf": "pdf",
		"text/plain": "txt", "text/vcard": "vcf",
	}
	base, _, _ := strings.Cut(mimeType, ";")
	if ext, ok := known[strings.TrimSpace(strings.ToLower(base))]; ok {
		return ext
	}
	if ext := strings.TrimPrefix(path.Ext(filename), "."); ext != "" && isAlnum(ext) {
		return strings.ToLower(ext)
	}
	return "bin"
}

func isAlnum(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
