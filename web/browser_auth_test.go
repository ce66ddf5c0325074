package web

import (
	"strings"
	"testing"
)

// TestBrowserSignInJourney: a wrong password shows an error, the right one signs in,
// and signing out returns to the login page.
func TestBrowserSignInJourney(t *testing.T) {
	e := newTestEnv(t)
	e.user("ada@example.com", "viewer")
	b := newBrowser(t, e.listen())
	b.signIn("ada@example.com", "not-the-password")
	if msg := b.text(`[data-testid="login-error"]`); !strings.Contains(msg, "do not match") {
		t.Errorf("wrong password message %q", msg)
	}
	b.screenshot("wrong-password")
	b.signIn("ada@example.com", "password-viewer")
	if path := b.path(); path != "/" {
		t.Errorf("after sign-in at %q, want /", path)
	}
	if nav := b.text(`[data-testid="nav"]`); !strings.Contains(nav, "Gallery") || strings.Contains(nav, "Settings") {
		t.Errorf("viewer nav %q (no Settings for a viewer)", nav)
	}
	b.screenshot("signed-in")
	b.submit(`[data-testid="sign-out"]`)
	if path := b.path(); path != "/login" {
		t.Errorf("after sign-out at %q, want /login", path)
	}
	b.open("/gallery")
	if path := b.path(); path != "/login" {
		t.Errorf("signed-out /gallery went to %q, want the login page", path)
	}
}
