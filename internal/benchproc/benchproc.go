// Package benchproc lets a benchmark measure Tandem's heap alone: the
// sandboxes run in a child process (the test binary itself, told so by an
// environment variable), and a sampler records this process's peak heap.
package benchproc

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// Child starts the test binary again with env=value (its TestMain then
// calls Serve) and returns the words of the first line it prints: the
// sandboxes' URLs. The child runs until the benchmark ends.
func Child(tb testing.TB, env, value string) []string {
	tb.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), env+"="+value)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("starting the sandbox process: %v", err)
	}
	return strings.Fields(line)
}

// Serve is the child's side: it prints words on one line for Child and
// blocks until the parent closes stdin (it ends or dies).
func Serve(words ...string) {
	fmt.Println(strings.Join(words, " "))
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// HeapPeak samples the heap's live and not yet collected objects
// (HeapAlloc) every 20 ms until stopped; stop returns the highest sample.
// onPeak, if not nil, is called (on the sampler's goroutine) at each new
// peak, e.g. to write a heap profile.
func HeapPeak(onPeak func(bytes uint64)) (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
				if onPeak != nil {
					onPeak(v)
				}
			}
			select {
			case <-quit:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(quit); <-done; return peak }
}
