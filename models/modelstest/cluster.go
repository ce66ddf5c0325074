package modelstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// cluster is a throwaway Postgres server started from the installed binaries.
type cluster struct {
	port   int
	dir    string
	bin    string
	url    string
	asUser string // run commands as this user (Postgres refuses to run as root)
}

// startCluster runs initdb and pg_ctl from the newest installed PostgreSQL into a
// temporary directory, listening on a free loopback port.
func startCluster() (*cluster, error) {
	bin, err := findPostgresBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "aviary-pg-")
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root and there is no postgres user to run the server as")
		}
		c.asUser = "postgres"
		if err := exec.Command("chown", "-R", "postgres", dir).Run(); err != nil {
			return nil, fmt.Errorf("chown %s: %w", dir, err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	c.port = port
	if out, err := c.start().CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	c.url = "postgres://postgres@127.0.0.1:" + strconv.Itoa(port) + "/postgres?sslmode=disable"
	fmt.Fprintf(os.Stderr, "modelstest: started a throwaway Postgres at 127.0.0.1:%d (%s)\n", port, dir)
	return c, nil
}

func (c *cluster) start() *exec.Cmd {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", c.port, c.dir)
	return c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start")
}

func (c *cluster) run(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.asUser != "" {
		return exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *cluster) stop() {
	_ = c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop").Run()
	time.Sleep(100 * time.Millisecond)
	_ = os.RemoveAll(c.dir)
}

func findPostgresBin() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", fmt.Errorf("no PostgreSQL server binaries installed (apt-get install postgresql)")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Cluster is a private Postgres server a test can stop and start again, for testing
// what happens while the database is down.
type Cluster struct {
	c *cluster
	t testing.TB
}

// NewCluster starts a private Postgres server with a migrated database "aviary" and
// stops it when the test ends. Without Postgres binaries it skips (fails in CI).
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	c, err := startCluster()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("modelstest: cannot start a Postgres cluster: %v", err)
		}
		t.Skipf("\n\n*** SKIPPING: cannot start a private Postgres cluster: %v\n", err)
	}
	t.Cleanup(c.stop)
	if err := makeTemplate(c.url, "aviary"); err != nil {
		t.Fatal(err)
	}
	return &Cluster{c: c, t: t}
}

// URL is the migrated database's URL.
func (k *Cluster) URL() string { return withDatabase(k.c.url, "aviary") }

// Stop shuts the server down immediately (connections are cut).
func (k *Cluster) Stop() {
	k.t.Helper()
	if out, err := k.c.run("pg_ctl", "-D", filepath.Join(k.c.dir, "data"), "-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
		k.t.Fatalf("pg_ctl stop: %v: %s", err, out)
	}
}

// Start starts the server again on the same port and data.
func (k *Cluster) Start() {
	k.t.Helper()
	if out, err := k.c.start().CombinedOutput(); err != nil {
		k.t.Fatalf("pg_ctl start: %v: %s", err, out)
	}
}
