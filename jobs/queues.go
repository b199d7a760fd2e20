package jobs

import (
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"
)

// asynqQueuesKey is the Redis set in which asynq records every queue it
// has enqueued to; Asynqmon and the Inspector list queues from it.
const asynqQueuesKey = "asynq:queues"

// RegisterQueues records every queue of Tandem's the way asynq does on a
// first enqueue, so Asynqmon shows a queue that has had no job yet as an
// empty queue instead of leaving it out. It only adds set members.
func RegisterQueues(ctx context.Context, client redis.UniversalClient) error {
	names := QueueNames()
	members := make([]any, len(names))
	for i, q := range names {
		members[i] = q
	}
	if err := client.SAdd(ctx, asynqQueuesKey, members...).Err(); err != nil {
		return fmt.Errorf("registering queues %v with asynq: %w", names, err)
	}
	return nil
}

// QueueNames are Tandem's queues in name order.
func QueueNames() []string {
	names := make([]string, 0, len(Queues))
	for q := range Queues {
		names = append(names, q)
	}
	slices.Sort(names)
	return names
}
