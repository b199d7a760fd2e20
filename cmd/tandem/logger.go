package main

import (
	"log/slog"
	"os"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/internal/logging"
)

func newLogger(cfg *config.Config) *slog.Logger {
	return logging.New(os.Stderr, cfg.LogFormat, cfg.LogLevel)
}
