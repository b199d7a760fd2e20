package throttle

import (
	"context"
	"sync"
	"time"
)

// lease is one held slot. Its heartbeat extends it in Redis until it is
// released.
type lease struct {
	sem         *Semaphore
	id          string
	stop        chan struct{}
	stopped     chan struct{}
	stopOnce    sync.Once
	releaseOnce sync.Once
}

// hold starts the heartbeat of the lease just granted as id.
func (s *Semaphore) hold(id string) *lease {
	l := &lease{sem: s, id: id, stop: make(chan struct{}), stopped: make(chan struct{})}
	go l.heartbeat()
	return l
}

func (l *lease) heartbeat() {
	defer close(l.stopped)
	tick := time.NewTicker(l.sem.cfg.LeaseTTL / heartbeatsPerTTL)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
			if !l.extend() {
				l.sem.leasesLost.Add(1)
				return
			}
		}
	}
}

// extend pushes the lease's expiry one LeaseTTL from now. It reports false
// only when the lease is gone; a Redis error is retried at the next beat.
func (l *lease) extend() bool {
	ctx, cancel := context.WithTimeout(context.Background(), l.sem.cfg.LeaseTTL/heartbeatsPerTTL)
	defer cancel()
	kept, err := heartbeatScript.Run(ctx, l.sem.rdb, []string{l.sem.cfg.Key},
		l.sem.cfg.LeaseTTL.Milliseconds(), l.id).Int()
	return err != nil || kept == 1
}

// stopHeartbeat stops extending the lease and waits for the heartbeat to
// end.
func (l *lease) stopHeartbeat() {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.stopped
}

// release gives the slot back and wakes a waiter in this process. Calling
// it again does nothing. If Redis cannot be reached the lease simply
// expires after LeaseTTL.
func (l *lease) release() {
	l.releaseOnce.Do(func() {
		l.stopHeartbeat()
		ctx, cancel := detached(context.Background())
		defer cancel()
		l.sem.rdb.ZRem(ctx, l.sem.cfg.Key, l.id)
		l.sem.signal()
	})
}
