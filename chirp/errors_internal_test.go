package chirp

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestErrorTextHasNoPresignedURL(t *testing.T) {
	presigned := "https://media.buildwithchirp.com/org_x/app_y/med_z.jpg?X-Amz-Date=20240115T100000Z&X-Amz-Signature=deadbeef"
	tests := []struct {
		name string
		err  error
	}{
		{"url.Error", (&Client{timeout: DefaultTimeout}).requestError(t.Context(), "med_z",
			&url.Error{Op: "Get", URL: presigned, Err: errors.New("connection reset")})},
		{"url inside a cause", transientError("get media med_z: "+describe(errors.New(`Get "`+presigned+`": EOF`)), nil)},
		{"url inside a message", &APIError{Status: 500, Message: redact("cannot sign " + presigned), kind: ErrTransient}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.err.Error()
			if strings.Contains(text, "X-Amz") || strings.Contains(text, "deadbeef") {
				t.Errorf("error text leaks the signature: %s", text)
			}
			if !strings.HasPrefix(text, "chirp: ") {
				t.Errorf("error text %q lacks the package prefix", text)
			}
		})
	}
	if got := redact("Why? No idea."); got != "Why? No idea." {
		t.Errorf("redact changed plain text: %q", got)
	}
}
