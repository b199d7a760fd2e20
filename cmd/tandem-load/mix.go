package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Endpoint is one of Tandem's three webhook endpoints.
type Endpoint int

const (
	Outbound Endpoint = iota // Salesforce Outbound Messages (SOAP)
	Events                   // Salesforce change events (CDC JSON)
	NetSuite                 // NetSuite SuiteScript webhooks (signed JSON)
	endpointCount
)

var endpointNames = [endpointCount]string{"outbound", "events", "netsuite"}

func (e Endpoint) String() string { return endpointNames[e] }

// Mix is the share of requests per endpoint, as weights: {2, 1, 1} sends
// two Outbound Messages for each events POST and each NetSuite webhook.
type Mix [endpointCount]int

// period is the length of the cycle the mix repeats.
func (m Mix) period() uint64 {
	total := 0
	for _, w := range m {
		total += w
	}
	return uint64(total)
}

// pick is the endpoint of request i: the mix in a fixed cycle, so request
// i and request i-period() always go to the same endpoint.
func (m Mix) pick(i uint64) Endpoint {
	pos := int(i % m.period())
	for e, w := range m {
		if pos < w {
			return Endpoint(e)
		}
		pos -= w
	}
	panic("unreachable: pos < period")
}

func (m Mix) String() string {
	parts := make([]string, 0, len(m))
	for e, w := range m {
		if w > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", Endpoint(e), w))
		}
	}
	return strings.Join(parts, ",")
}

// parseMix reads "outbound=2,events=1,netsuite=1"; endpoints left out
// get no requests.
func parseMix(s string) (Mix, error) {
	var m Mix
	for _, part := range parseList(s) {
		name, weight, _ := strings.Cut(part, "=")
		e := endpointNamed(strings.TrimSpace(name))
		w, err := strconv.Atoi(strings.TrimSpace(weight))
		if e < 0 || err != nil || w < 0 {
			return Mix{}, fmt.Errorf("mix %q: want endpoint=weight with endpoints %s", s, strings.Join(endpointNames[:], ", "))
		}
		m[e] = w
	}
	if m.period() == 0 {
		return Mix{}, fmt.Errorf("mix %q sends nothing", s)
	}
	return m, nil
}

func endpointNamed(name string) Endpoint {
	for e, n := range endpointNames {
		if n == name {
			return Endpoint(e)
		}
	}
	return -1
}
