package reconcile

import "flag"

// update rewrites golden files from what the code gives now:
// go test ./jobs/reconcile/ -run TestChartGolden -update
var update = flag.Bool("update", false, "rewrite the golden files")
