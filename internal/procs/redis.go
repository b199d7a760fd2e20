package procs

import (
	"context"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a real redis-server of the test's own, on a free loopback port,
// with its data in a temp dir and the append-only file on and synced on
// every write: what it acknowledged survives Stop and Start (or a kill).
type Redis struct {
	*Proc
	Addr string
	Dir  string
}

// StartRedis starts redis-server (found on PATH) and waits until it answers.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("these tests start their own redis-server: %v", err)
	}
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	r := &Redis{Addr: addr, Dir: dir}
	r.Proc = Start(t, Spec{Name: "redis", Path: path, Args: []string{
		"--bind", host, "--port", port, "--dir", dir, "--save", "",
		"--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--protected-mode", "no",
	}})
	r.WaitReady()
	return r
}

// URL is the server as a REDIS_URL value.
func (r *Redis) URL() string { return "redis://" + r.Addr + "/0" }

// Client returns a go-redis client of the server; the caller closes it.
func (r *Redis) Client() *redis.Client { return redis.NewClient(&redis.Options{Addr: r.Addr}) }

// WaitReady waits until the server answers PING with its data loaded.
func (r *Redis) WaitReady() {
	r.t.Helper()
	c := r.Client()
	defer c.Close()
	r.waitUntil("PING", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return c.Ping(ctx).Err() // LOADING while it replays the AOF
	})
}

// Start starts the stopped server again on the same port and data dir.
func (r *Redis) Start() {
	r.t.Helper()
	r.Restart()
	r.WaitReady()
}
