package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// terminalProgress is a progress bar of an unknown total, counting unit,
// when out is a terminal: set moves it, finish clears it. Elsewhere (a
// pipe, a log) both do nothing and ok is false.
func terminalProgress(out io.Writer, description, unit string) (set func(int), finish func(), ok bool) {
	f, isFile := out.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		return func(int) {}, func() {}, false
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString(unit),
		progressbar.OptionClearOnFinish())
	return func(n int) { _ = bar.Set(n) }, func() { _ = bar.Finish() }, true
}
