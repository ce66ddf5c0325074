package chirpsim

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
)

// routes builds the simulator's handler: the Media API and presigned
// downloads, with every request and response counted.
func (s *Sim) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(EndpointMedia, s.getMedia)
	mux.HandleFunc(EndpointFiles, s.getFile)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "invalid_request_error", "route_not_found",
			"Unrecognized request URL ("+r.Method+" "+r.URL.Path+").")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		endpoint := pattern
		if endpoint != EndpointMedia && endpoint != EndpointFiles {
			endpoint = EndpointOther
		}
		s.count(func(c *Counters) { c.Endpoint[endpoint]++ })
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		s.count(func(c *Counters) { c.Status[rec.status]++ })
	})
}

// count updates the counters under the lock.
func (s *Sim) count(f func(*Counters)) {
	s.mu.Lock()
	f(&s.counters)
	s.mu.Unlock()
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is the body of Chirp's error answers.
type apiError struct {
	Type    string `json:"type"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	DocURL  string `json:"doc_url,omitempty"`
}

// writeAPIError answers with Chirp's error shape {"error":{...}}.
func writeAPIError(w http.ResponseWriter, status int, typ, code, msg string) {
	e := apiError{Type: typ, Code: code, Message: msg}
	if code != "" {
		e.DocURL = "https://docs.buildwithchirp.com/api_reference/errors#" + code
	}
	writeJSON(w, status, map[string]apiError{"error": e})
}

// writeS3Error answers like the object store behind presigned URLs.
func writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
	}{Code: code, Message: msg})
}
