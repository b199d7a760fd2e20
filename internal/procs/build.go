package procs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// Binary builds one Go command at most once per test binary, on first
// use, into a directory the test binary's TestMain removes at the end.
type Binary struct {
	pkg  string // import path or ./relative path, as for go build
	dir  string
	once sync.Once
	path string
	err  error
}

// NewBinary prepares a lazy build of pkg into dir.
func NewBinary(pkg, dir string) *Binary { return &Binary{pkg: pkg, dir: dir} }

// Path builds the command if it is not built yet and returns its path.
func (b *Binary) Path() (string, error) {
	b.once.Do(func() {
		out := filepath.Join(b.dir, filepath.Base(b.pkg))
		cmd := exec.Command("go", "build", "-o", out, b.pkg)
		cmd.Env = os.Environ()
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build %s: %w\n%s", b.pkg, err, msg)
			return
		}
		b.path = out
	})
	return b.path, b.err
}
