package main

import (
	"fmt"

	"github.com/alicebob/miniredis/v2"

	"github.com/tandem-sync/tandem/jobs"
)

// startEmbeddedRedis runs an in-process Redis (miniredis) on a loopback
// port: the zero-setup default of `tandem run`. Nothing survives a restart.
// It lives here, not in jobs, so that no production package but the tandem
// binary links miniredis, a test double.
func startEmbeddedRedis() (*jobs.Redis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		return nil, fmt.Errorf("starting embedded Redis: %w", err)
	}
	r, err := jobs.OpenRedis("redis://" + m.Addr())
	if err != nil {
		m.Close()
		return nil, err
	}
	r.StopOnClose(m.Close)
	return r, nil
}
