package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testSecretKey is base64 of 32 bytes, a valid AVIARY_SECRET_KEY.
const testSecretKey = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="

// envOf turns a map into a getenv function.
func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// syncBuffer is a bytes.Buffer that a running command may write while the test reads.
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

// runCmd runs one aviary command to completion and returns its output.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out syncBuffer
	err := run(ctx, append([]string{"aviary"}, args...), envOf(env), strings.NewReader(stdin), &out)
	return out.String(), err
}

// waitForOutput polls out until re matches, the command ends, or the timeout passes.
func waitForOutput(t *testing.T, out *syncBuffer, done <-chan error, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		select {
		case err := <-done:
			t.Fatalf("command ended before printing %q: %v\n%s", re, err, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("no %q within %v; output so far:\n%s", re, timeout, out.String())
	return nil
}
