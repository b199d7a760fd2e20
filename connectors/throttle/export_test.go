package throttle

import "context"

// AcquireAbandoned takes a lease and stops its heartbeat without releasing
// it: what a crashed process leaves behind in Redis. It returns the lease
// id.
func (s *Semaphore) AcquireAbandoned(ctx context.Context) (string, error) {
	l, err := s.acquire(ctx)
	if err != nil {
		return "", err
	}
	l.stopHeartbeat()
	return l.id, nil
}
