package chirp

import (
	"fmt"
	"path"
	"strings"
)

// maxURLLen bounds media URLs; they are read only for their extension.
const maxURLLen = 8 << 10

// parseMedia collects a message's attachments from every place Chirp has put
// them: nested objects (data.message.media, or a field named after the type,
// e.g. data.message.audio, each possibly an array) and flat fields (mediaId,
// mediaUrl, mediaIds, mediaUrls, each a string or an array). URLs are read
// only to guess kind and MIME type, then dropped.
func parseMedia(msg object, msgType string) ([]MediaRef, error) {
	var withID, withoutID []MediaRef
	keys := []string{"media"}
	if isMediaKind(msgType) {
		keys = append(keys, msgType)
	}
	for _, key := range keys {
		objs, err := msg.objList(key)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			ref, url, err := nestedMedia(o, key, msgType)
			if err != nil {
				return nil, err
			}
			switch {
			case ref.MediaID != "":
				withID = appendNew(withID, ref)
			case url != "":
				withoutID = append(withoutID, ref)
			}
		}
	}
	flatWithID, flatWithoutID, err := flatMedia(msg, msgType)
	if err != nil {
		return nil, err
	}
	for _, ref := range flatWithID {
		withID = appendNew(withID, ref)
	}
	withoutID = append(withoutID, flatWithoutID...)
	// A URL beside an id is that id's URL, not another attachment: id-less
	// references are kept only when the message carries no media id at all.
	refs := withID
	if len(refs) == 0 {
		refs = withoutID
	}
	if len(refs) > maxMedia {
		return nil, msg.malformed("media", fmt.Sprintf("more than %d attachments", maxMedia))
	}
	return refs, nil
}

// appendNew appends ref unless refs already holds its media id.
func appendNew(refs []MediaRef, ref MediaRef) []MediaRef {
	for _, r := range refs {
		if r.MediaID == ref.MediaID {
			return refs
		}
	}
	return append(refs, ref)
}

// nestedMedia reads one media object found under key.
func nestedMedia(o object, key, msgType string) (ref MediaRef, url string, err error) {
	if ref.MediaID, err = o.token("id"); err != nil {
		return ref, "", err
	}
	if url, err = o.str("url", maxURLLen); err != nil {
		return ref, "", err
	}
	if ref.MimeType, err = mimeType(o, "mimeType"); err != nil {
		return ref, "", err
	}
	if ref.FileSize, err = o.size("fileSize"); err != nil {
		return ref, "", err
	}
	if ref.Filename, err = o.str("filename", maxNameLen); err != nil {
		return ref, "", err
	}
	if ref.Caption, err = o.str("caption", maxTextLen); err != nil {
		return ref, "", err
	}
	if ref.SHA256, err = o.str("sha256", maxShortLen); err != nil {
		return ref, "", err
	}
	if ref.IsVoiceNote, err = o.boolean("isVoiceNote"); err != nil {
		return ref, "", err
	}
	kindHint := msgType
	if key != "media" {
		kindHint = key
	}
	ref.Kind, ref.MimeType = guessKind(kindHint, ref.MimeType, url)
	return ref, url, nil
}

// flatMedia reads mediaId/mediaIds and mediaUrl/mediaUrls. Metadata fields
// beside them (mimeType, fileSize, …) apply when there is exactly one.
func flatMedia(msg object, msgType string) (withID, withoutID []MediaRef, err error) {
	ids, err := flatList(msg, maxIDLen, "mediaId", "mediaIds")
	if err != nil {
		return nil, nil, err
	}
	urls, err := flatList(msg, maxURLLen, "mediaUrl", "mediaUrls")
	if err != nil {
		return nil, nil, err
	}
	if len(ids) > 0 {
		for i, id := range ids {
			if !isToken(id) {
				return nil, nil, msg.malformed("mediaId", "not an id (want letters, digits, '_' or '-')")
			}
			ref := MediaRef{MediaID: id}
			url := ""
			if len(urls) == len(ids) {
				url = urls[i]
			}
			ref.Kind, ref.MimeType = guessKind(msgType, "", url)
			withID = append(withID, ref)
		}
	} else {
		for _, url := range urls {
			ref := MediaRef{}
			ref.Kind, ref.MimeType = guessKind(msgType, "", url)
			withoutID = append(withoutID, ref)
		}
	}
	if len(withID)+len(withoutID) == 1 {
		refs := withID
		if len(refs) == 0 {
			refs = withoutID
		}
		if err := flatMetadata(msg, &refs[0], msgType); err != nil {
			return nil, nil, err
		}
	}
	return withID, withoutID, nil
}

func flatList(msg object, max int, keys ...string) ([]string, error) {
	var all []string
	for _, key := range keys {
		list, err := msg.strList(key, max)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	if len(all) > maxMedia {
		return nil, msg.malformed(keys[0], fmt.Sprintf("more than %d attachments", maxMedia))
	}
	return all, nil
}

func flatMetadata(msg object, ref *MediaRef, msgType string) error {
	mime, err := mimeType(msg, "mimeType")
	if err != nil {
		return err
	}
	if mime != "" {
		ref.MimeType = mime
		if !isMediaKind(msgType) {
			ref.Kind, _ = guessKind("", mime, "")
		}
	}
	if ref.FileSize, err = msg.size("fileSize"); err != nil {
		return err
	}
	if ref.Filename, err = msg.str("filename", maxNameLen); err != nil {
		return err
	}
	if ref.Caption, err = msg.str("caption", maxTextLen); err != nil {
		return err
	}
	if ref.SHA256, err = msg.str("sha256", maxShortLen); err != nil {
		return err
	}
	ref.IsVoiceNote, err = msg.boolean("isVoiceNote")
	return err
}

// mimeType reads a MIME type, lower-cased and without parameters
// ("audio/ogg; codecs=opus" → "audio/ogg").
func mimeType(o object, key string) (string, error) {
	s, err := o.str(key, maxShortLen)
	if err != nil || s == "" {
		return "", err
	}
	s, _, _ = strings.Cut(s, ";")
	s = strings.ToLower(strings.TrimSpace(s))
	typ, sub, ok := strings.Cut(s, "/")
	if !ok || !isMimeToken(typ) || !isMimeToken(sub) {
		return "", o.malformed(key, "not a MIME type")
	}
	return s, nil
}

func isMimeToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&^_.+-", c) >= 0) {
			return false
		}
	}
	return s != ""
}

func isMediaKind(s string) bool {
	switch s {
	case "image", "video", "audio", "document", "sticker":
		return true
	}
	return false
}

// guessKind decides an attachment's kind from, in order, a media type name,
// its MIME type, or its URL's extension, defaulting to "image". It also
// returns the MIME type, guessed from the extension when none was given.
func guessKind(typeHint, mime, rawURL string) (kind, mimeOut string) {
	if mime == "" {
		mime = mimeFromURL(rawURL)
	}
	if isMediaKind(typeHint) {
		return typeHint, mime
	}
	top, _, _ := strings.Cut(mime, "/")
	switch top {
	case "image", "video", "audio":
		return top, mime
	case "application", "text":
		return "document", mime
	}
	return "image", mime
}

// mimeFromURL guesses a MIME type from the extension of a URL's path. A fixed
// table keeps the answer the same on every machine (mime.TypeByExtension
// reads the system's tables).
func mimeFromURL(rawURL string) string {
	p, _, _ := strings.Cut(rawURL, "?")
	p, _, _ = strings.Cut(p, "#")
	switch strings.ToLower(path.Ext(p)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".heic":
		return "image/heic"
	case ".mp4":
		return "video/mp4"
	case ".3gp":
		return "video/3gpp"
	case ".mov":
		return "video/quicktime"
	case ".webm":
		return "video/webm"
	case ".mp3":
		return "audio/mpeg"
	case ".ogg", ".opus":
		return "audio/ogg"
	case ".amr":
		return "audio/amr"
	case ".m4a":
		return "audio/mp4"
	case ".wav":
		return "audio/wav"
	case ".pdf":
		return "application/pdf"
	case ".vcf":
		return "text/vcard"
	case ".txt":
		return "text/plain"
	}
	return ""
}
