package metrics

// DriftPairsTotal counts linked pairs the drift audit (jobs/drift) found
// differing and those it enqueued a healing sync job for, by pair type.
const DriftPairsTotal = "tandem_drift_pairs_total" // {pair, outcome: found|healed}

// DriftFound counts n pairs of a type the drift audit found differing.
func (m *Metrics) DriftFound(pair string, n int) {
	m.drift.WithLabelValues(pair, "found").Add(float64(n))
}

// DriftHealed counts n pairs of a type the drift audit enqueued a sync job for.
func (m *Metrics) DriftHealed(pair string, n int) {
	m.drift.WithLabelValues(pair, "healed").Add(float64(n))
}
