package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/tandem-sync/tandem/internal/procs"
)

// tandemBinary is bin/tandem built for this test binary, on the first test
// that runs it as a child process.
var tandemBinary *procs.Binary

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tandem-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tandemBinary = procs.NewBinary("github.com/tandem-sync/tandem/cmd/tandem", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
