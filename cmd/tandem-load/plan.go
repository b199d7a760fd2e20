package main

import "math"

// plan decides, for request i of a run, which endpoint it goes to and
// whose ids it carries: its own, or, for a duplicate, those of an
// earlier request of the same endpoint.
type plan struct {
	mix            Mix
	duplicateShare float64
}

// endpoint is where request i goes.
func (p plan) endpoint(i uint64) Endpoint { return p.mix.pick(i) }

// source is the request whose ids request i carries: i itself, or an
// earlier original of the same endpoint when i is a duplicate. The first
// cycle of the mix has nothing to repeat.
func (p plan) source(i uint64) (seq uint64, duplicate bool) {
	period := p.mix.period()
	if i < period || !p.isDuplicate(i) {
		return i, false
	}
	j := i - period
	for j >= period && p.isDuplicate(j) {
		j -= period
	}
	return j, true
}

// isDuplicate spreads duplicates evenly and reproducibly: a hash of i
// below the share.
func (p plan) isDuplicate(i uint64) bool {
	return p.duplicateShare > 0 && float64(splitmix64(i))/math.MaxUint64 < p.duplicateShare
}

// splitmix64 is a well-mixed hash of x (Steele, Lea and Flood, 2014).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
