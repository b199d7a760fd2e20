package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/config"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// faultSpec is a parsed TANDEM_SANDBOX_*_FAULTS value:
// "5xx=0.10,429=0.05,timeout=0.02[,hold=2s][,seed=7]".
type faultSpec struct {
	rate5xx, rate429, rateTimeout float64
	hold                          time.Duration
	seed                          int64
}

func parseFaultSpec(spec string) (faultSpec, error) {
	var f faultSpec
	for _, part := range strings.Split(spec, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		key, value, ok := strings.Cut(part, "=")
		if !ok {
			return f, fmt.Errorf("%q is not key=value", part)
		}
		var err error
		switch key {
		case "5xx":
			f.rate5xx, err = parseRate(value)
		case "429":
			f.rate429, err = parseRate(value)
		case "timeout":
			f.rateTimeout, err = parseRate(value)
		case "hold":
			f.hold, err = time.ParseDuration(value)
		case "seed":
			f.seed, err = strconv.ParseInt(value, 10, 64)
		default:
			err = fmt.Errorf("unknown key (want 5xx, 429, timeout, hold, seed)")
		}
		if err != nil {
			return f, fmt.Errorf("%s: %w", part, err)
		}
	}
	if sum := f.rate5xx + f.rate429 + f.rateTimeout; sum > 1 {
		return f, fmt.Errorf("the rates add up to %.2f, more than 1", sum)
	}
	return f, nil
}

func parseRate(s string) (float64, error) {
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || r < 0 || r > 1 {
		return 0, fmt.Errorf("%q is not a rate between 0 and 1", s)
	}
	return r, nil
}

// sandboxFaults reads both sandboxes' fault settings.
func sandboxFaults(cfg *config.Config) (sfsandbox.Faults, nssandbox.Faults, error) {
	return faultsOf(cfg.Sandbox.SFFaults, cfg.Sandbox.NSFaults)
}

// faultsOf is both sandboxes' faults for TANDEM_SANDBOX_SF_FAULTS and
// TANDEM_SANDBOX_NS_FAULTS values (the chaos suite sets them later too).
func faultsOf(sfSpec, nsSpec string) (sfsandbox.Faults, nssandbox.Faults, error) {
	sf, err := parseFaultSpec(sfSpec)
	if err != nil {
		return sfsandbox.Faults{}, nssandbox.Faults{}, fmt.Errorf("TANDEM_SANDBOX_SF_FAULTS: %w", err)
	}
	ns, err := parseFaultSpec(nsSpec)
	if err != nil {
		return sfsandbox.Faults{}, nssandbox.Faults{}, fmt.Errorf("TANDEM_SANDBOX_NS_FAULTS: %w", err)
	}
	return sfsandbox.Faults{Rate5xx: sf.rate5xx, Rate429: sf.rate429, RateTimeout: sf.rateTimeout, Timeout: sf.hold, Rand: sf.seed},
		nssandbox.Faults{Rate5xx: ns.rate5xx, Rate429: ns.rate429, RateTimeout: ns.rateTimeout, Timeout: ns.hold, Rand: ns.seed},
		nil
}
