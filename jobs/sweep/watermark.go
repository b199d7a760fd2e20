package sweep

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// watermarks keeps, per account and record type, the lastmodifieddate of
// the last row whose jobs are stored (timestampFormat, UTC).
type watermarks struct {
	redis   redis.UniversalClient
	account string
}

func (w watermarks) key(recordType string) string {
	return "tandem:sweep:netsuite:" + w.account + ":" + recordType + ":watermark"
}

// get is the watermark of a record type; ok is false before its first sweep.
func (w watermarks) get(ctx context.Context, recordType string) (mark string, ok bool, err error) {
	mark, err = w.redis.Get(ctx, w.key(recordType)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading the %s sweep watermark: %w", recordType, err)
	}
	return mark, true, nil
}

// set stores a record type's watermark (kept with no expiry).
func (w watermarks) set(ctx context.Context, recordType, mark string) error {
	if err := w.redis.Set(ctx, w.key(recordType), mark, 0).Err(); err != nil {
		return fmt.Errorf("storing the %s sweep watermark %s: %w", recordType, mark, err)
	}
	return nil
}
