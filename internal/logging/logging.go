// Package logging builds Tandem's slog logger: coloured text (tint) on a
// terminal, JSON otherwise, and a correlation id taken from the context on
// every line logged with a *Context method, so one webhook, its jobs and
// their API calls can be followed as one story.
package logging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/lmittmann/tint"
)

// New returns a logger writing to w. format is "auto", "text" or "json";
// auto means text when w is a terminal.
func New(w io.Writer, format, level string) *slog.Logger {
	lvl := parseLevel(level)
	var h slog.Handler
	if format == "text" || (format == "auto" && isTerminal(w)) {
		h = tint.NewHandler(w, &tint.Options{Level: lvl, TimeFormat: time.TimeOnly, NoColor: !isTerminal(w)})
	} else {
		h = slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl})
	}
	return slog.New(correlated{h})
}

// Discard is a logger that writes nothing, for tests and benchmarks.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func parseLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

type ctxKey struct{}

// WithCorrelation returns ctx carrying the correlation id.
func WithCorrelation(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// Correlation returns the correlation id in ctx, or "".
func Correlation(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// NewCorrelationID returns a fresh random id.
func NewCorrelationID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// correlated adds correlation_id from the context to every record.
type correlated struct{ slog.Handler }

func (h correlated) Handle(ctx context.Context, r slog.Record) error {
	if id := Correlation(ctx); id != "" {
		r.AddAttrs(slog.String("correlation_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h correlated) WithAttrs(as []slog.Attr) slog.Handler {
	return correlated{h.Handler.WithAttrs(as)}
}

func (h correlated) WithGroup(name string) slog.Handler {
	return correlated{h.Handler.WithGroup(name)}
}
