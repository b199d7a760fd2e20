package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// EchoTTL is how long Tandem remembers what it last wrote to a record.
const EchoTTL = 24 * time.Hour

// WriteMemo is what Tandem last wrote to one target record: a hash of the
// mapped payload and the record's identity in the target system.
type WriteMemo struct {
	Hash   string `json:"hash"`
	ID     string `json:"id"`
	Number string `json:"number,omitempty"`
}

// EchoGuard remembers, per target record, the hash of the payload Tandem
// last wrote. A change whose mapped payload hashes the same is an echo (of
// Tandem's own write, or a re-send) and needs no write.
type EchoGuard struct {
	rdb redis.UniversalClient
	ttl time.Duration
}

// NewEchoGuard returns a guard storing memos in rdb for EchoTTL.
func NewEchoGuard(rdb redis.UniversalClient) *EchoGuard {
	return &EchoGuard{rdb: rdb, ttl: EchoTTL}
}

func echoKey(target string) string { return "tandem:echo:" + target }

// PayloadHash is the hash of a payload's canonical JSON (map keys sorted).
func PayloadHash(payload any) (string, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("hashing payload: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Last returns the memo for target, if Tandem wrote it within the TTL.
func (g *EchoGuard) Last(ctx context.Context, target string) (WriteMemo, bool, error) {
	var m WriteMemo
	b, err := g.rdb.Get(ctx, echoKey(target)).Bytes()
	if errors.Is(err, redis.Nil) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("reading write memo of %s: %w", target, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, false, nil // unreadable memo: behave as if none, and overwrite it
	}
	return m, true, nil
}

// Remember stores the memo for target.
func (g *EchoGuard) Remember(ctx context.Context, target string, m WriteMemo) error {
	b, _ := json.Marshal(m)
	if err := g.rdb.Set(ctx, echoKey(target), b, g.ttl).Err(); err != nil {
		return fmt.Errorf("storing write memo of %s: %w", target, err)
	}
	return nil
}
