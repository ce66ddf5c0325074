package chirp

import (
	"net/url"
	"strconv"
	"time"
)

// presignedLifetime is how long Chirp's presigned URLs live when the URL does
// not say.
const presignedLifetime = time.Hour

// maxPresignedSeconds is S3's longest presigned lifetime (7 days); larger
// X-Amz-Expires values are capped to it.
const maxPresignedSeconds = 7 * 24 * 3600

// URLValidUntil returns when a presigned URL stops working: X-Amz-Date
// (20060102T150405Z) plus X-Amz-Expires (seconds) from its query when present,
// else issued.Add(time.Hour). A URL with X-Amz-Date but no usable
// X-Amz-Expires is taken to live one hour from X-Amz-Date.
func URLValidUntil(rawURL string, issued time.Time) time.Time {
	u, err := url.Parse(rawURL)
	if err != nil {
		return issued.Add(presignedLifetime)
	}
	q := u.Query()
	date, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return issued.Add(presignedLifetime)
	}
	secs, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	if err != nil || secs < 0 {
		return date.Add(presignedLifetime)
	}
	secs = min(secs, maxPresignedSeconds)
	return date.Add(time.Duration(secs) * time.Second)
}
