package main

import "net/http"

// Where `tandem sandbox` serves the sandboxes' control surfaces when
// TANDEM_SANDBOX_CONTROL=on: a test aid for drivers in other processes,
// kept apart from the emulated APIs' paths.
const (
	controlSalesforcePath = "/_sandbox/salesforce"
	controlNetSuitePath   = "/_sandbox/netsuite"
)

// controlMounts are the control surfaces of the sandboxes that run.
func (sb *sandboxes) controlMounts() map[string]http.Handler {
	m := map[string]http.Handler{}
	if sb.sf != nil {
		m[controlSalesforcePath] = sb.sf.ControlHandler()
	}
	if sb.ns != nil {
		m[controlNetSuitePath] = sb.ns.ControlHandler()
	}
	return m
}
