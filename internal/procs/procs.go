// Package procs runs Tandem's processes (and a real redis-server) as
// child processes for tests: built once, started with their output captured
// to files, waited on until ready, stopped, killed and restarted at will,
// and always killed when the test ends, passed or failed.
package procs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Limits of waiting on a child. They guard against hangs only: nothing
// asserts how fast a process starts or stops.
const (
	// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	StopTimeout = 90 * time.Second
	// ReadyTimeout is how long the Wait* helpers poll.
	ReadyTimeout = 2 * time.Minute
	// logTail is how much of each output file a failed test prints.
	logTail   = 16 << 10
	pollEvery = 50 * time.Millisecond
)

// Spec is how to start one process.
type Spec struct {
	Name string   // for logs and file names: "serve", "work-1"
	Path string   // the executable
	Args []string // after the executable's name
	Env  []string // KEY=value added to (and overriding) the test's environment
	Dir  string   // working directory; "" = the test's
}

// Proc is one child process, restartable. Its methods are safe for
// concurrent use.
type Proc struct {
	t    testing.TB
	spec Spec
	dir  string // where its output files go

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{} // closed when the current run exits
	exitErr error
	runs    int
}

// Start starts a process and registers its cleanup: killed (with its whole
// process group) when the test ends, its output printed if the test failed.
func Start(t testing.TB, spec Spec) *Proc {
	t.Helper()
	p := &Proc{t: t, spec: spec, dir: t.TempDir()}
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			p.printLogs()
		}
	})
	if err := p.start(); err != nil {
		t.Fatalf("starting %s: %v", spec.Name, err)
	}
	return p
}

// Name is the process's name in the spec.
func (p *Proc) Name() string { return p.spec.Name }

func (p *Proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running() {
		return fmt.Errorf("%s is already running", p.spec.Name)
	}
	p.runs++
	out, err := p.openLog("stdout")
	if err != nil {
		return err
	}
	errOut, err := p.openLog("stderr")
	if err != nil {
		out.Close()
		return err
	}
	cmd := exec.Command(p.spec.Path, p.spec.Args...)
	cmd.Env = append(os.Environ(), p.spec.Env...)
	cmd.Dir = p.spec.Dir
	cmd.Stdout, cmd.Stderr = out, errOut
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		out.Close()
		errOut.Close()
		return err
	}
	done := make(chan struct{})
	p.cmd, p.done, p.exitErr = cmd, done, nil
	go func() {
		err := cmd.Wait()
		out.Close()
		errOut.Close()
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

// openLog opens the run's output file, appending a banner so the runs of
// a restarted process stay apart.
func (p *Proc) openLog(stream string) (*os.File, error) {
	f, err := os.OpenFile(p.logPath(stream), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening %s's %s: %w", p.spec.Name, stream, err)
	}
	fmt.Fprintf(f, "=== %s run %d, %s\n", p.spec.Name, p.runs, time.Now().Format(time.RFC3339Nano))
	return f, nil
}

func (p *Proc) logPath(stream string) string {
	return filepath.Join(p.dir, p.spec.Name+"."+stream)
}

// running reports whether the current run has not exited. Caller holds p.mu.
func (p *Proc) running() bool {
	if p.done == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Running reports whether the process is running now.
func (p *Proc) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running()
}

// Signal sends sig to the process (not its group).
func (p *Proc) Signal(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running() {
		_ = p.cmd.Process.Signal(sig)
	}
}

// Stop sends SIGTERM and waits for the process to exit (SIGKILL after
// StopTimeout). It returns the exit error: nil for a clean exit.
func (p *Proc) Stop() error {
	p.Signal(syscall.SIGTERM)
	if err := p.WaitExit(StopTimeout); err != nil {
		p.Kill()
		return fmt.Errorf("%s did not exit within %s of SIGTERM; killed", p.spec.Name, StopTimeout)
	}
	return p.ExitErr()
}

// Kill sends SIGKILL to the process group and waits for the exit.
func (p *Proc) Kill() {
	p.mu.Lock()
	cmd, done, running := p.cmd, p.done, p.running()
	p.mu.Unlock()
	if !running {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// WaitExit waits for the current run to exit.
func (p *Proc) WaitExit(timeout time.Duration) error {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("%s still running after %s", p.spec.Name, timeout)
	}
}

// ExitErr is how the last run ended: nil for exit status 0.
func (p *Proc) ExitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exitErr
}

// Restart starts the process again after it exited (or was stopped).
func (p *Proc) Restart() {
	p.t.Helper()
	if err := p.start(); err != nil {
		p.t.Fatalf("restarting %s: %v", p.spec.Name, err)
	}
}

// Logs is everything the process wrote to stdout and stderr so far.
func (p *Proc) Logs() string {
	var b strings.Builder
	for _, stream := range []string{"stdout", "stderr"} {
		data, _ := os.ReadFile(p.logPath(stream))
		b.Write(data)
	}
	return b.String()
}

func (p *Proc) printLogs() {
	for _, stream := range []string{"stdout", "stderr"} {
		data, err := os.ReadFile(p.logPath(stream))
		if err != nil || len(data) == 0 {
			continue
		}
		cut := ""
		if len(data) > logTail {
			data, cut = data[len(data)-logTail:], " (last part)"
		}
		p.t.Logf("--- %s %s%s:\n%s", p.spec.Name, stream, cut, data)
	}
}

// errNotYet is what a readiness probe returns until it holds.
var errNotYet = errors.New("not yet")
