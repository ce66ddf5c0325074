package main

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aviaryhq/aviary/models"
)

// TestDemoSeedsHistoryThroughWebhooks runs "aviary demo" as a user would, waits for the
// banner, and checks what the simulator delivered through the real webhook endpoint:
// the database, the simulator's answers for recent and old media, and /media/:id.
func TestDemoSeedsHistoryThroughWebhooks(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	env := envOf(map[string]string{"AVIARY_ADDR": "127.0.0.1:0", "AVIARY_SECRET_KEY": testSecretKey})
	go func() { done <- run(ctx, []string{"aviary", "demo", "--dir", dir}, env, strings.NewReader(""), &out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo ended with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("demo did not stop within 30s of its context ending")
		}
	})

	start := time.Now()
	m := waitForOutput(t, &out, done, regexp.MustCompile(`(?s)running at (http://\S+)\n\s+sign in as (\S+) with password (\S+).*seeded (\d+) conversations, (\d+) messages and (\d+) media.*Chirp simulator: (http://\S+)`), 3*time.Minute)
	t.Logf("demo ready in %v:\n%s", time.Since(start), out.String())
	base, email, password, simURL := m[1], m[2], m[3], m[7]
	if n, _ := strconv.Atoi(m[4]); n < 25 {
		t.Errorf("banner says %d conversations", n)
	}
	if !strings.Contains(out.String(), "removed by retention") {
		t.Errorf("banner does not explain the media past retention")
	}
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}

	store, err := models.Open(ctx, "sqlite://"+filepath.Join(dir, "demo.db"), models.Options{SecretKey: mustKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	db, err := store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	checkDemoCounts(t, db)
	checkNoPresignedURLs(t, db)

	media := demoMedia(t, db)
	keys := appKeys(t, ctx, store)
	now := time.Now()
	var old, recent []demoMediaRow
	for _, r := range media {
		switch age := now.Sub(r.createdAt); {
		case age > 90*24*time.Hour+time.Minute:
			old = append(old, r)
		case age < 89*24*time.Hour:
			recent = append(recent, r)
		}
	}
	if frac := float64(len(old)) / float64(len(media)); frac < 0.10 || frac > 0.20 {
		t.Errorf("%d of %d media with an id are older than 90 days (%.0f%%), want about 15%%", len(old), len(media), 100*frac)
	}
	// The simulator's rate limit is 120 calls a minute per key: check every old media
	// and a sample of recent ones.
	for _, r := range old {
		if got := simStatus(t, simURL, keys[r.appID], r.mediaID); got != http.StatusNotFound {
			t.Errorf("sim answers %d for %s from %s, want 404", got, r.mediaID, r.createdAt)
		}
	}
	for _, r := range recent[:min(20, len(recent))] {
		if got := simStatus(t, simURL, keys[r.appID], r.mediaID); got != http.StatusOK {
			t.Errorf("sim answers %d for %s from %s, want 200", got, r.mediaID, r.createdAt)
		}
	}

	// Through Aviary: a recent media redirects to the simulator, an old one is a placeholder.
	c := signIn(t, base, email, password)
	resp := c.get(t, base+"/media/"+recent[0].mediaID)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, simURL+"/files/") {
		t.Errorf("GET /media/<recent>: %d to %q, want 302 to the simulator", resp.StatusCode, loc)
	}
	resp = c.get(t, base+"/media/"+old[0].mediaID)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") ||
		resp.Header.Get("X-Aviary-Media-State") != "gone" || !strings.Contains(string(body), "retention") {
		t.Errorf("GET /media/<old>: %d %s state %q\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Aviary-Media-State"), body)
	}
	if resp := c.get(t, base+"/gallery"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /gallery: %d", resp.StatusCode)
	}
}

func mustKey(t *testing.T) []byte {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(testSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// checkDemoCounts checks the size and variety of the seeded history.
func checkDemoCounts(t *testing.T, db *sql.DB) {
	t.Helper()
	count := func(query string) int {
		var n int
		if err := db.QueryRow(query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM conversations`); n < 25 {
		t.Errorf("%d conversations, want at least 25", n)
	}
	if n := count(`SELECT count(*) FROM messages`); n < 400 {
		t.Errorf("%d messages, want at least 400", n)
	}
	if n := count(`SELECT count(*) FROM media`); n < 150 {
		t.Errorf("%d media, want at least 150", n)
	}
	for _, kind := range []string{"image", "video", "audio", "document", "sticker"} {
		if n := count(`SELECT count(*) FROM media WHERE kind = '` + kind + `'`); n < 5 {
			t.Errorf("%d %s media, want several", n, kind)
		}
	}
	if n := count(`SELECT count(*) FROM media WHERE media_id IS NULL`); n < 3 {
		t.Errorf("%d legacy media without a media_id, want a few", n)
	}
	for _, ch := range []string{"sms", "whatsapp"} {
		if n := count(`SELECT count(*) FROM conversations WHERE channel = '` + ch + `'`); n < 5 {
			t.Errorf("%d %s conversations", n, ch)
		}
	}
	for _, st := range []string{"received", "sent", "delivered", "read", "failed"} {
		if n := count(`SELECT count(*) FROM messages WHERE status = '` + st + `'`); n == 0 {
			t.Errorf("no %s messages", st)
		}
	}
	if n := count(`SELECT count(*) FROM messages WHERE direction = 'outbound'`); n < 100 {
		t.Errorf("%d outbound messages", n)
	}
}

// checkNoPresignedURLs scans every text value of every table for presigned or media URLs.
func checkNoPresignedURLs(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	cells := 0
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for rows.Next() {
			for i := range vals {
				vals[i] = new(any)
			}
			if err := rows.Scan(vals...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				s := fmt.Sprint(*v.(*any))
				if b, ok := (*v.(*any)).([]byte); ok {
					s = string(b)
				}
				cells++
				if strings.Contains(s, "X-Amz-") || strings.Contains(s, "http://") || strings.Contains(s, "https://") {
					t.Errorf("%s.%s holds a URL: %q", table, cols[i], s)
				}
			}
		}
		rows.Close()
	}
	if cells < 5000 {
		t.Errorf("scanned only %d values", cells)
	}
}

type demoMediaRow struct {
	mediaID   string
	appID     int64
	createdAt time.Time
}

// demoMedia returns every media that has a media id.
func demoMedia(t *testing.T, db *sql.DB) []demoMediaRow {
	t.Helper()
	rows, err := db.Query(`SELECT media_id, app_id, created_at FROM media WHERE media_id IS NOT NULL ORDER BY created_at DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []demoMediaRow
	for rows.Next() {
		var r demoMediaRow
		if err := rows.Scan(&r.mediaID, &r.appID, &r.createdAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// appKeys opens the sealed app keys, by the apps table's id.
func appKeys(t *testing.T, ctx context.Context, store *models.Store) map[int64]string {
	t.Helper()
	apps, err := store.Apps(ctx)
	if err != nil || len(apps) != 2 {
		t.Fatalf("apps: %v %v", apps, err)
	}
	keys := map[int64]string{}
	for _, a := range apps {
		key, err := store.AppKey(a)
		if err != nil {
			t.Fatal(err)
		}
		keys[a.ID] = key
	}
	return keys
}

// simStatus asks the simulator's Media API for a media, with the app's key.
func simStatus(t *testing.T, simURL, key, mediaID string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, simURL+"/v1/media/"+mediaID, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// browser is a cookie-carrying client that does not follow redirects.
type browser struct{ http *http.Client }

func (b browser) get(t *testing.T, u string) *http.Response {
	t.Helper()
	resp, err := b.http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// signIn logs in through the login form, as a browser does.
func signIn(t *testing.T, base, email, password string) browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := browser{&http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	page, _ := io.ReadAll(b.get(t, base+"/login").Body)
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page:\n%s", page)
	}
	resp, err := b.http.PostForm(base+"/login", url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /login: %d, want 303", resp.StatusCode)
	}
	return b
}
