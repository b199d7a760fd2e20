package procs

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// WaitHTTP waits until GET url answers 200 (e.g. Tandem's /readyz), failing
// the test if the process exits first.
func (p *Proc) WaitHTTP(url string) {
	p.t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	p.waitUntil("GET "+url+" = 200", func() error {
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
}

// WaitLog waits until the process's output contains s.
func (p *Proc) WaitLog(s string) {
	p.t.Helper()
	p.waitUntil(fmt.Sprintf("%q in the output", s), func() error {
		if strings.Contains(p.Logs(), s) {
			return nil
		}
		return errNotYet
	})
}

// waitUntil polls ready until it returns nil, the process exits, or
// ReadyTimeout passes.
func (p *Proc) waitUntil(what string, ready func() error) {
	p.t.Helper()
	deadline := time.Now().Add(ReadyTimeout)
	for {
		err := ready()
		if err == nil {
			return
		}
		if !p.Running() {
			p.t.Fatalf("%s exited (%v) before %s", p.spec.Name, p.ExitErr(), what)
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: gave up waiting for %s: %v", p.spec.Name, what, err)
		}
		time.Sleep(pollEvery)
	}
}

// FreeAddr returns a loopback address with a port nothing listens on now.
// Another process could take it before the caller does; on a test machine
// that is rare enough.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
