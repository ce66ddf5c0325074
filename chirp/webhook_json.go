package chirp

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Limits applied while decoding webhook payloads. Values beyond them are not
// something Chirp sends, so they are reported as malformed instead of stored.
const (
	maxIDLen    = 128      // message, media and app ids
	maxShortLen = 256      // phone numbers, types, mime types, hashes
	maxNameLen  = 1024     // filenames
	maxTextLen  = 64 << 10 // message text, captions, subjects, error messages
	maxMedia    = 32       // attachments per message (MMS allows 10)
	maxFileSize = 1 << 40  // 1 TiB: far above any attachment Chirp accepts
	maxTimeLen  = 64       // timestamps
)

// object is one decoded JSON object together with its path in the payload, so
// that every error can name the field it is about without quoting its value
// (values may be presigned URLs, which must never reach an error or a log).
type object struct {
	path string
	m    map[string]any
}

// malformed builds an ErrMalformed error for the field key of o.
func (o object) malformed(key, reason string) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformed, o.child(key), reason)
}

func (o object) child(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// jsonType names the JSON type of a decoded value for error messages.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func (o object) wrongType(key, want string) error {
	return o.malformed(key, "want "+want+", got "+jsonType(o.m[key]))
}

// has reports whether key is present and not null.
func (o object) has(key string) bool {
	v, ok := o.m[key]
	return ok && v != nil
}

// obj returns the object at key; ok is false when the key is absent or null.
func (o object) obj(key string) (object, bool, error) {
	v, present := o.m[key]
	if !present || v == nil {
		return object{}, false, nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return object{}, false, o.wrongType(key, "object")
	}
	return object{path: o.child(key), m: m}, true, nil
}

// str returns the string at key ("" when absent or null), rejecting other
// types and strings longer than max bytes. NUL characters are removed: no
// database column wants them and Chirp never means them.
func (o object) str(key string, max int) (string, error) {
	v, present := o.m[key]
	if !present || v == nil {
		return "", nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", o.wrongType(key, "string")
	}
	if len(s) > max {
		return "", o.malformed(key, fmt.Sprintf("longer than %d bytes", max))
	}
	return strings.ReplaceAll(s, "\x00", ""), nil
}

// token returns a string at key that must be an identifier: at most maxIDLen
// bytes of [A-Za-z0-9_-]. That admits msg_…, med_…, app_… ids and UUIDs, and
// keeps URLs (which contain ':' and '/') from ever being taken for an id.
func (o object) token(key string) (string, error) {
	s, err := o.str(key, maxIDLen)
	if err != nil || s == "" {
		return s, err
	}
	if !isToken(s) {
		return "", o.malformed(key, "not an id (want letters, digits, '_' or '-')")
	}
	return s, nil
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// boolean returns the boolean at key (false when absent or null).
func (o object) boolean(key string) (bool, error) {
	v, present := o.m[key]
	if !present || v == nil {
		return false, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, o.wrongType(key, "boolean")
	}
	return b, nil
}

// size returns a byte count at key: a non-negative integer, given as a JSON
// number or a string of digits, no larger than maxFileSize.
func (o object) size(key string) (int64, error) {
	v, present := o.m[key]
	if !present || v == nil {
		return 0, nil
	}
	var text string
	switch n := v.(type) {
	case json.Number:
		text = n.String()
	case string:
		text = strings.TrimSpace(n)
		if text == "" {
			return 0, nil
		}
	default:
		return 0, o.wrongType(key, "number")
	}
	size, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		// 1.5e3 and friends: accept whole numbers written as floats.
		f, ferr := strconv.ParseFloat(text, 64)
		switch {
		case ferr != nil && !errors.Is(ferr, strconv.ErrRange):
			return 0, o.malformed(key, "not a number")
		case ferr != nil || f < 0 || f > maxFileSize:
			return 0, o.malformed(key, "size out of range")
		case f != math.Trunc(f):
			return 0, o.malformed(key, "not a whole number of bytes")
		}
		size = int64(f)
	}
	if size < 0 || size > maxFileSize {
		return 0, o.malformed(key, "size out of range")
	}
	return size, nil
}

// strList returns the strings at key, which may hold one string, an array of
// strings, or null. Empty strings are dropped.
func (o object) strList(key string, max int) ([]string, error) {
	v, present := o.m[key]
	if !present || v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case string:
		s, err := o.str(key, max)
		if s == "" {
			return nil, err
		}
		return []string{s}, err
	case []any:
		if len(x) > maxMedia {
			return nil, o.malformed(key, fmt.Sprintf("more than %d entries", maxMedia))
		}
		out := make([]string, 0, len(x))
		for i, e := range x {
			if e == nil {
				continue
			}
			s, isStr := e.(string)
			if !isStr {
				return nil, o.malformed(fmt.Sprintf("%s[%d]", key, i), "want string, got "+jsonType(e))
			}
			if len(s) > max {
				return nil, o.malformed(fmt.Sprintf("%s[%d]", key, i), fmt.Sprintf("longer than %d bytes", max))
			}
			if s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	return nil, o.wrongType(key, "string or array of strings")
}

// objList returns the objects at key, which may hold one object, an array of
// objects, or null.
func (o object) objList(key string) ([]object, error) {
	v, present := o.m[key]
	if !present || v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case map[string]any:
		return []object{{path: o.child(key), m: x}}, nil
	case []any:
		if len(x) > maxMedia {
			return nil, o.malformed(key, fmt.Sprintf("more than %d entries", maxMedia))
		}
		out := make([]object, 0, len(x))
		for i, e := range x {
			if e == nil {
				continue
			}
			m, isObj := e.(map[string]any)
			if !isObj {
				return nil, o.malformed(fmt.Sprintf("%s[%d]", key, i), "want object, got "+jsonType(e))
			}
			out = append(out, object{path: fmt.Sprintf("%s[%d]", o.child(key), i), m: m})
		}
		return out, nil
	}
	return nil, o.wrongType(key, "object or array of objects")
}

// timeAt returns the first timestamp present among keys, in UTC. RFC 3339 with
// or without fractional seconds is accepted, as is the same without a zone
// (taken as UTC).
func (o object) timeAt(keys ...string) (time.Time, error) {
	for _, k := range keys {
		s, err := o.str(k, maxTimeLen)
		if err != nil {
			return time.Time{}, err
		}
		if s == "" {
			continue
		}
		t, perr := parseTime(s)
		if perr != nil {
			return time.Time{}, o.malformed(k, "not an RFC 3339 timestamp")
		}
		return t, nil
	}
	return time.Time{}, nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse("2006-01-02T15:04:05.999999999", s)
	}
	return t.UTC(), err
}
