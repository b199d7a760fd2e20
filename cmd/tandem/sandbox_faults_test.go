package main

import (
	"testing"
	"time"
)

func TestFaultSpecs(t *testing.T) {
	t.Parallel()
	f, err := parseFaultSpec("5xx=0.10, 429=0.05,timeout=0.02,hold=2s,seed=7")
	if err != nil || f != (faultSpec{rate5xx: 0.10, rate429: 0.05, rateTimeout: 0.02, hold: 2 * time.Second, seed: 7}) {
		t.Errorf("parsed %+v, %v", f, err)
	}
	if f, err := parseFaultSpec(""); err != nil || f != (faultSpec{}) {
		t.Errorf("empty spec: %+v, %v", f, err)
	}
	for _, bad := range []string{"5xx", "5xx=ten", "5xx=1.5", "503=0.1", "5xx=0.6,429=0.6", "hold=soon"} {
		if _, err := parseFaultSpec(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
