package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestServeRefusesBadConfig(t *testing.T) {
	sqlite := "sqlite://" + filepath.Join(t.TempDir(), "aviary.db")
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no secret key", map[string]string{"AVIARY_DATABASE_URL": sqlite}, "AVIARY_SECRET_KEY is required"},
		{"short secret key", map[string]string{"AVIARY_DATABASE_URL": sqlite, "AVIARY_SECRET_KEY": "c2hvcnQ="}, "AVIARY_SECRET_KEY must be base64 of at least 32 bytes"},
		{"malformed database URL", map[string]string{"AVIARY_DATABASE_URL": "mysql://db/aviary", "AVIARY_SECRET_KEY": testSecretKey}, "AVIARY_DATABASE_URL"},
		{"bad address", map[string]string{"AVIARY_ADDR": "8080", "AVIARY_SECRET_KEY": testSecretKey}, "AVIARY_ADDR must be host:port"},
		{"bad Chirp URL", map[string]string{"AVIARY_CHIRP_API_URL": "api.buildwithchirp.com", "AVIARY_SECRET_KEY": testSecretKey}, "AVIARY_CHIRP_API_URL"},
		{"unmigrated database", map[string]string{"AVIARY_DATABASE_URL": sqlite, "AVIARY_SECRET_KEY": testSecretKey, "AVIARY_ADDR": "127.0.0.1:0"}, `run "aviary migrate" first`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runCmd(t, tt.env, "", "serve")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("serve: err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestMigrateAndCreateUser(t *testing.T) {
	env := map[string]string{"AVIARY_DATABASE_URL": "sqlite://" + filepath.Join(t.TempDir(), "fresh.db")}

	out, err := runCmd(t, env, "", "migrate", "status")
	if err != nil || !strings.Contains(out, "schema version 0 of") || !strings.Contains(out, `run "aviary migrate"`) {
		t.Fatalf("status before migrating: %v\n%s", err, out)
	}
	if _, err := runCmd(t, env, "correct horse battery staple\n", "user", "create", "--email", "a@example.com", "--role", "admin"); err == nil || !strings.Contains(err.Error(), `run "aviary migrate" first`) {
		t.Fatalf("user create on an unmigrated database: err = %v, want a hint to migrate", err)
	}
	if out, err := runCmd(t, env, "", "migrate"); err != nil || !strings.Contains(out, "applied migrations") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, err := runCmd(t, env, "", "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %v\n%s", err, out)
	}
	if out, err := runCmd(t, env, "", "migrate", "status"); err != nil || !strings.Contains(out, "; up to date") {
		t.Fatalf("status after migrating: %v\n%s", err, out)
	}

	out, err = runCmd(t, env, "correct horse battery staple\n", "user", "create", "--email", "Ada@Example.com", "--role", "admin", "--name", "Ada")
	if err != nil || !strings.Contains(out, "created admin user ada@example.com") {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	if _, err := runCmd(t, env, "another long password\n", "user", "create", "--email", "ada@example.com", "--role", "viewer"); err == nil {
		t.Errorf("a second user with the same email (other case) was created")
	}
	if _, err := runCmd(t, env, "", "user", "create", "--email", "b@example.com", "--role", "viewer"); err == nil || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("user create without a password: err = %v, want it to mention stdin", err)
	}
	if _, err := runCmd(t, env, "pw\n", "user", "create", "--email", "b@example.com", "--role", "owner"); err == nil || !strings.Contains(err.Error(), "--role") {
		t.Errorf("user create with a bad role: err = %v", err)
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "aviary demo"},
		{[]string{"help"}, "AVIARY_SECRET_KEY"},
		{[]string{"serve", "--help"}, "Usage: aviary serve"},
		{[]string{"migrate", "--help"}, "Usage: aviary migrate [up|status]"},
		{[]string{"user", "--help"}, "Usage: aviary user create"},
		{[]string{"user", "create", "--help"}, "-email"},
		{[]string{"app", "--help"}, "Usage: aviary app add"},
		{[]string{"app", "add", "--help"}, "-webhook-secret-file"},
		{[]string{"demo", "--help"}, "Chirp simulator"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := runCmd(t, nil, "", tt.args...)
			if err != nil || !strings.Contains(out, tt.want) {
				t.Errorf("err = %v, want %q in:\n%s", err, tt.want, out)
			}
		})
	}
	if _, err := runCmd(t, nil, "", "frobnicate"); err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: err = %v", err)
	}
}
