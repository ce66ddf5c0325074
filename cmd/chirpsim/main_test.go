package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesSeededAppAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"chirpsim", "-addr", "127.0.0.1:0", "-latency", "1ms", "-timeout", "1h"}, &out)
	}()

	re := regexp.MustCompile(`listening on (\S+)\napp id:\s+(app_\w{27})\napp key:\s+(sk_test_app_\w+)\nmedia id:\s+(med_\w{27})\n`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no banner; output:\n%s", out.String())
		}
		m = re.FindStringSubmatch(out.String())
	}
	base, key, mediaID := m[1], m[3], m[4]

	req, _ := http.NewRequest(http.MethodGet, base+"/v1/media/"+mediaID, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var media struct{ URL, MimeType string }
	err = json.NewDecoder(resp.Body).Decode(&media)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || media.MimeType != "image/png" || !strings.HasPrefix(media.URL, base+"/files/") {
		t.Fatalf("media: status %d, %+v, %v", resp.StatusCode, media, err)
	}
	resp, err = http.Get(media.URL)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.HasPrefix(img, []byte("\x89PNG")) {
		t.Fatalf("download: status %d, %d bytes", resp.StatusCode, len(img))
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if !strings.Contains(out.String(), "chirpsim stopped") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestFlagsAreValidated(t *testing.T) {
	for _, args := range [][]string{
		{"chirpsim", "-error-rate", "2"},
		{"chirpsim", "-timeout-rate", "-1"},
		{"chirpsim", "-retention-days", "0"},
		{"chirpsim", "-nope"},
	} {
		if err := run(context.Background(), args, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
