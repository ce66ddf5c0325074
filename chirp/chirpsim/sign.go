package chirpsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"time"
)

// amzDateFormat is the layout of X-Amz-Date.
const amzDateFormat = "20060102T150405Z"

// PresignedURL returns a fresh presigned download URL (valid one hour on the
// sim's clock) for an existing media file, as Chirp puts in webhook payloads
// and Media API answers. It returns "" for an unknown media id. The URL starts
// with s.URL(); call it after Start or with Options.BaseURL set.
func (s *Sim) PresignedURL(mediaID string) string {
	s.mu.Lock()
	m := s.media[mediaID]
	base := s.baseURL
	s.mu.Unlock()
	if m == nil {
		return ""
	}
	return s.presign(base, m, s.Now())
}

// presign builds the URL of m's file under base, signed at issued.
func (s *Sim) presign(base string, m *mediaItem, issued time.Time) string {
	path := m.filePath(s.org)
	date := issued.UTC().Format(amzDateFormat)
	expires := strconv.Itoa(int(presignExpiry / time.Second))
	// All parts are URL-safe, and the order is the documented one.
	return base + path + "?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Date=" + date + "&X-Amz-Expires=" + expires +
		"&X-Amz-Signature=" + s.signature(path, date, expires)
}

// signature is the hex HMAC-SHA256 over the path, date and expiry.
func (s *Sim) signature(path, date, expires string) string {
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte("AWS4-HMAC-SHA256\n" + path + "\n" + date + "\n" + expires))
	return hex.EncodeToString(mac.Sum(nil))
}

// presignCheck is the outcome of verifying a presigned request.
type presignCheck int

const (
	presignOK presignCheck = iota
	presignBadSignature
	presignExpired
)

// verifyPresigned checks the signature and expiry of a download request for
// path at now.
func (s *Sim) verifyPresigned(path string, q url.Values, now time.Time) presignCheck {
	date, expires, sig := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires"), q.Get("X-Amz-Signature")
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" || date == "" || expires == "" {
		return presignBadSignature
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return presignBadSignature
	}
	want, _ := hex.DecodeString(s.signature(path, date, expires))
	if !hmac.Equal(got, want) {
		return presignBadSignature
	}
	issued, err := time.Parse(amzDateFormat, date)
	if err != nil {
		return presignBadSignature
	}
	secs, err := strconv.Atoi(expires)
	if err != nil || secs < 0 {
		return presignBadSignature
	}
	if !now.Before(issued.Add(time.Duration(secs) * time.Second)) {
		return presignExpired
	}
	return presignOK
}
