package web

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/aviaryhq/aviary/views"
	"github.com/gofiber/fiber/v2"
)

// sendPlaceholder answers with an SVG image that says why the media cannot be shown. It
// is served with 200 so every browser draws it in an <img>; the state is in a header.
func sendPlaceholder(c *fiber.Ctx, m views.MediaItem) error {
	c.Set("X-Aviary-Media-State", string(m.State))
	c.Set(fiber.HeaderContentType, "image/svg+xml; charset=utf-8")
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return c.Status(fiber.StatusOK).SendString(placeholderSVG(m))
}

// placeholderSVG draws the reason and the dates on a tinted card.
func placeholderSVG(m views.MediaItem) string {
	bg, fg := "#fff1f2", "#9f1239"
	switch m.State {
	case views.MediaUnavailable, views.MediaPending:
		bg, fg = "#fffbeb", "#92400e"
	case views.MediaNotRetrievable:
		bg, fg = "#f1f5f9", "#475569"
	}
	reason := m.Reason()
	if reason == "" {
		reason = "Temporarily unavailable — try again"
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300" role="img" aria-label="%[3]s">`+
		`<rect width="400" height="300" rx="12" fill="%[1]s"/>`+
		`<path d="M180 110l40 40M220 110l-40 40" stroke="%[2]s" stroke-width="6" stroke-linecap="round" opacity=".5"/>`+
		`<text x="200" y="190" text-anchor="middle" font-family="system-ui,sans-serif" font-size="17" font-weight="600" fill="%[2]s">%[3]s</text>`+
		`<text x="200" y="218" text-anchor="middle" font-family="system-ui,sans-serif" font-size="14" fill="%[2]s" opacity=".8">%[4]s</text>`+
		`</svg>`, bg, fg, html.EscapeString(reason), html.EscapeString(m.Detail()))
}

// sendDownload streams the original file from Chirp's presigned URL as an attachment,
// so the browser saves it under its filename. The URL itself is never shown or logged.
func (s *Server) sendDownload(c *fiber.Ctx, m views.MediaItem) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Minute)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.URL, nil)
	if err != nil {
		cancel()
		return err
	}
	resp, err := s.downloads.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		cancel()
		if resp != nil {
			resp.Body.Close()
		}
		m.State = views.MediaUnavailable
		return sendPlaceholder(c, m)
	}
	name := m.Filename
	if name == "" {
		name = m.MediaID + extensionFor(m.MimeType)
	}
	c.Set(fiber.HeaderContentType, resp.Header.Get("Content-Type"))
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	if n := resp.ContentLength; n >= 0 {
		c.Set(fiber.HeaderContentLength, strconv.FormatInt(n, 10))
	}
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		defer resp.Body.Close()
		_, _ = io.Copy(w, resp.Body)
		_ = w.Flush()
	})
	return nil
}

func extensionFor(mimeType string) string {
	if exts, _ := mime.ExtensionsByType(mimeType); len(exts) > 0 {
		return exts[0]
	}
	return ""
}
