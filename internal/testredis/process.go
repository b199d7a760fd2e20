package testredis

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/internal/procs"
)

// Throwaway servers: redis-server child processes (run by package procs:
// killed when the test ends, their output shown if it failed), each in
// its own temp directory on free loopback ports. The waits below only
// keep a broken set-up from hanging a test; they assert nothing about
// speed.
const (
	startTries  = 5                // new ports after "address in use"
	startWait   = 30 * time.Second // for a server to answer PING
	convergence = 2 * time.Minute  // for a cluster or Sentinels to agree
	pollEvery   = 50 * time.Millisecond
)

// server is one redis-server process: a data node or a Sentinel.
type server struct {
	*procs.Proc
	port int
}

func (s *server) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// startServer starts redis-server with the configuration conf returns
// for a free port (conf may take more free ports, e.g. a cluster bus),
// retrying on new ports if one was taken meanwhile. The configuration is
// a file, which Sentinels and cluster nodes rewrite as they learn.
func startServer(t testing.TB, name string, sentinel bool, conf func(port int) []string) *server {
	t.Helper()
	bin := binary(t, "redis-server")
	for try := 1; ; try++ {
		dir := t.TempDir()
		s := &server{port: freePort(t)}
		lines := append([]string{
			"port " + strconv.Itoa(s.port),
			"bind 127.0.0.1",
			"dir " + dir,
			`save ""`,
		}, conf(s.port)...)
		file := filepath.Join(dir, "redis.conf")
		if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{file}
		if sentinel {
			args = append(args, "--sentinel")
		}
		s.Proc = procs.Start(t, procs.Spec{Name: name, Path: bin, Args: args})
		err := s.awaitPing()
		if err == nil {
			return s
		}
		s.Kill()
		if try == startTries || !strings.Contains(s.Logs(), "Address already in use") {
			t.Fatalf("starting redis-server (%s): %v", name, err)
		}
	}
}

// restart starts the crashed or stopped process again on its
// configuration and data directory, as a supervisor would.
func (s *server) restart(t testing.TB) {
	t.Helper()
	s.Restart()
	if err := s.awaitPing(); err != nil {
		t.Fatalf("restarting redis-server (%s): %v", s.Name(), err)
	}
}

// awaitPing waits until the server answers PING (not LOADING), or exits.
func (s *server) awaitPing() error {
	c := redis.NewClient(&redis.Options{Addr: s.addr(), MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	var err error
	for end := time.Now().Add(startWait); time.Now().Before(end); time.Sleep(pollEvery) {
		if !s.Running() {
			return fmt.Errorf("exited: %v", s.ExitErr())
		}
		if err = c.Ping(context.Background()).Err(); err == nil {
			return nil
		}
	}
	return fmt.Errorf("no answer to PING after %s: %w", startWait, err)
}

// freePort is a loopback port nothing listens on right now.
func freePort(t testing.TB) int {
	t.Helper()
	addr, err := procs.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return n
}

// binary finds a Redis program; these tests start real servers, so its
// absence fails them.
func binary(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: the scale-out tests start their own Redis servers (Debian: apt-get install redis-server)", name)
	}
	return path
}

// until polls cond until it holds; the deadline only guards against a
// hang.
func until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(convergence); !cond(); time.Sleep(pollEvery) {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// info reads one field of an INFO section of the server at addr; "" if
// it cannot be read.
func info(addr, section, field string) string {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	text, err := c.Info(context.Background(), section).Result()
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(text, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	return ""
}
