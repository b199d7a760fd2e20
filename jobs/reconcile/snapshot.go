package reconcile

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// A report too large for one answer is paged from a snapshot: the first
// page's run stores every line in a Redis list (pushed as they come, so
// Tandem's memory stays bounded by a page) beside its summary, and the
// cursor names the snapshot and the next line. Later pages are ranges of
// that list: consistent with the first, and cheap.

// SnapshotTTL is how long a report's pages can be read after its first.
const SnapshotTTL = 30 * time.Minute

const snapshotPrefix = "tandem:report:bookings:"

// snapshotBatch lines go to Redis in one push.
const snapshotBatch = 500

// ErrBadCursor is a cursor that names no live snapshot or is malformed.
var ErrBadCursor = errors.New("bad or expired cursor")

// Snapshots store reports in Redis for paging.
type Snapshots struct {
	Redis redis.UniversalClient
	TTL   time.Duration // default SnapshotTTL
}

func (s Snapshots) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return SnapshotTTL
}

// Save runs a report (run calls line for each line) into a new snapshot
// and returns its id and summary.
func (s Snapshots) Save(ctx context.Context, run func(line func(Line) error) (*Summary, error)) (string, *Summary, error) {
	id := rand.Text()
	key := snapshotPrefix + id
	batch := make([]any, 0, snapshotBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		pipe := s.Redis.Pipeline()
		pipe.RPush(ctx, key+":lines", batch...)
		pipe.Expire(ctx, key+":lines", s.ttl())
		_, err := pipe.Exec(ctx)
		batch = batch[:0]
		if err != nil {
			return fmt.Errorf("storing the report's lines: %w", err)
		}
		return nil
	}
	sum, err := run(func(l Line) error {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		if batch = append(batch, b); len(batch) == snapshotBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		s.Redis.Del(context.WithoutCancel(ctx), key+":lines")
		return "", nil, err
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return "", nil, err
	}
	if err := s.Redis.Set(ctx, key+":summary", b, s.ttl()).Err(); err != nil {
		return "", nil, fmt.Errorf("storing the report's summary: %w", err)
	}
	return id, sum, nil
}

// Page reads n lines of snapshot id from offset, with its summary and its
// number of lines.
func (s Snapshots) Page(ctx context.Context, id string, offset, n int) ([]Line, *Summary, int, error) {
	key := snapshotPrefix + id
	pipe := s.Redis.Pipeline()
	sumCmd := pipe.Get(ctx, key+":summary")
	lenCmd := pipe.LLen(ctx, key+":lines")
	rangeCmd := pipe.LRange(ctx, key+":lines", int64(offset), int64(offset+n-1))
	if _, err := pipe.Exec(ctx); errors.Is(err, redis.Nil) {
		return nil, nil, 0, ErrBadCursor
	} else if err != nil {
		return nil, nil, 0, fmt.Errorf("reading report snapshot %s: %w", id, err)
	}
	var sum Summary
	if err := json.Unmarshal([]byte(sumCmd.Val()), &sum); err != nil {
		return nil, nil, 0, fmt.Errorf("reading report snapshot %s: %w", id, err)
	}
	lines := make([]Line, len(rangeCmd.Val()))
	for i, raw := range rangeCmd.Val() {
		if err := json.Unmarshal([]byte(raw), &lines[i]); err != nil {
			return nil, nil, 0, fmt.Errorf("reading report snapshot %s: %w", id, err)
		}
	}
	return lines, &sum, int(lenCmd.Val()), nil
}

// Cursor is the opaque position of a page in a snapshot.
func Cursor(id string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(id + ":" + strconv.Itoa(offset)))
}

// ParseCursor reads a Cursor.
func ParseCursor(c string) (id string, offset int, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, ErrBadCursor
	}
	id, off, ok := strings.Cut(string(raw), ":")
	if offset, err = strconv.Atoi(off); !ok || err != nil || offset < 0 || id == "" {
		return "", 0, ErrBadCursor
	}
	return id, offset, nil
}

// TTLText is how long snapshots live, for messages.
func (s Snapshots) TTLText() string { return s.ttl().String() }
