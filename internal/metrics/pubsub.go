package metrics

// PubSubReplayExpiredTotal counts expired Pub/Sub API replay ids by topic.
const PubSubReplayExpiredTotal = "tandem_pubsub_replay_expired_total"

// PubSubReplayExpired counts a stored replay id the Pub/Sub API no longer had.
func (m *Metrics) PubSubReplayExpired(topic string) { m.pubsubExpired.WithLabelValues(topic).Inc() }
