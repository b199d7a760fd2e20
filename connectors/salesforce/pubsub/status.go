package pubsub

import (
	"context"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Status is what the subscribers of all processes left in Redis: where
// each topic resumes, who streams it, and the gaps an expired replay id
// left (GET /admin/pubsub).
type Status struct {
	Topics []TopicStatus `json:"topics"`
	Gaps   []Gap         `json:"gaps"` // newest first, the last 100
}

// TopicStatus is one configured topic's position and lease.
type TopicStatus struct {
	Topic string `json:"topic"`
	// ReplayID is the stored replay id (decimal) a restart resumes
	// after; "" before the first stored batch.
	ReplayID string `json:"replay_id"`
	// Holder is the Owner of the process streaming it; "" when none does.
	Holder string `json:"holder"`
}

// ReadStatus reads the status of topics from Redis.
func ReadStatus(ctx context.Context, rdb redis.UniversalClient, topics []string) (Status, error) {
	st := Status{Topics: make([]TopicStatus, 0, len(topics))}
	for _, topic := range topics {
		ts := TopicStatus{Topic: topic}
		raw, ok, err := StoredReplayID(ctx, rdb, topic)
		if err != nil {
			return Status{}, err
		}
		if ok {
			id, err := ReplayID(raw)
			if err != nil {
				return Status{}, err
			}
			ts.ReplayID = strconv.FormatUint(id, 10)
		}
		if ts.Holder, _, err = LeaseHolder(ctx, rdb, topic); err != nil {
			return Status{}, err
		}
		st.Topics = append(st.Topics, ts)
	}
	gaps, err := Gaps(ctx, rdb)
	if err != nil {
		return Status{}, err
	}
	st.Gaps = gaps
	return st, nil
}
