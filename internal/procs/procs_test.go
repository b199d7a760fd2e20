package procs

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRedisKeepsWhatItAcknowledged: a value Redis acknowledged survives a
// clean restart and a SIGKILL, on the same port and data dir.
func TestRedisKeepsWhatItAcknowledged(t *testing.T) {
	r := StartRedis(t)
	ctx := context.Background()
	c := r.Client()
	defer c.Close()
	if err := c.Set(ctx, "acknowledged", "yes", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(); err != nil {
		t.Fatalf("redis-server did not stop cleanly: %v", err)
	}
	r.Start()
	if err := c.Incr(ctx, "counter").Err(); err != nil {
		t.Fatal(err)
	}
	r.Kill()
	r.Start()
	if v, err := c.Get(ctx, "acknowledged").Result(); err != nil || v != "yes" {
		t.Errorf("after a restart: %q, %v", v, err)
	}
	if v, err := c.Get(ctx, "counter").Result(); err != nil || v != "1" {
		t.Errorf("after a SIGKILL: %q, %v", v, err)
	}
}

// TestKillReachesTheProcessGroup: what a child started dies with it.
func TestKillReachesTheProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "grandchild.pid")
	p := Start(t, Spec{Name: "sh", Path: "/bin/sh", Args: []string{"-c", "sleep 300 & echo $! > " + pidFile + "; echo started; wait"}})
	p.WaitLog("started")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	p.Kill()
	deadline := time.Now().Add(ReadyTimeout)
	for syscall.Kill(pid, 0) == nil { // gone, or a zombie until init reaps it
		if zombie(pid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the grandchild %d outlived the kill", pid)
		}
		time.Sleep(pollEvery)
	}
	if p.Running() {
		t.Error("still running after Kill")
	}
}

func zombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err != nil || strings.Contains(string(stat), ") Z ")
}

// TestStopReportsTheExit: Stop returns how the process ended.
func TestStopReportsTheExit(t *testing.T) {
	p := Start(t, Spec{Name: "sh", Path: "/bin/sh", Args: []string{"-c", "trap 'exit 3' TERM; echo ready; while :; do sleep 0.05; done"}})
	p.WaitLog("ready")
	if err := p.Stop(); err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("Stop = %v, want exit status 3", err)
	}
	p.Restart()
	p.WaitLog("=== sh run 2")
}
