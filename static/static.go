// Package static embeds Aviary's built CSS, vendored htmx, small scripts and images into
// the binary, and names each file by a content hash so it can be cached for a year.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed css js img
var files embed.FS

// FS is the embedded static tree (css/, js/, img/).
var FS fs.FS = files

// versions maps each embedded file to the first 10 hex digits of its SHA-256; it is
// computed once from the immutable embedded files.
var versions = func() map[string]string {
	v := map[string]string{}
	_ = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		v[path] = hex.EncodeToString(sum[:5])
		return nil
	})
	return v
}()

// URL returns the versioned URL of an embedded file, e.g. URL("css/app.css") is
// "/static/css/app.css?v=3f2a…". A changed file gets a new URL, so old ones can be
// cached forever.
func URL(name string) string {
	if v, ok := versions[name]; ok {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}
