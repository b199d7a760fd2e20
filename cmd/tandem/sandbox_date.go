package main

import (
	"sync/atomic"
	"time"
)

// sandboxDate is the NetSuite sandbox's business date (its Config.Today):
// the wall clock, moved on by what a test lets pass, so invoices fall due
// without waiting and without moving the time TBA checks Tandem's
// signatures against.
type sandboxDate struct{ passed atomic.Int64 }

func (d *sandboxDate) now() time.Time { return time.Now().Add(time.Duration(d.passed.Load())) }

// advance lets time pass for the A/R figures (overdue balance, days overdue).
func (d *sandboxDate) advance(by time.Duration) { d.passed.Add(int64(by)) }
