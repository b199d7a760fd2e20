// Package sfid makes and checks Salesforce record ids: a 3-character key
// prefix naming the object, 12 more case-sensitive base-62 characters, and a
// 3-character suffix that encodes the case of the first 15 so that the
// 18-character form survives case-insensitive tools.
package sfid

import (
	"strings"
)

const (
	// Len15 is the length of the case-sensitive id.
	Len15 = 15
	// Len18 is the length of the case-insensitive id (15 + checksum).
	Len18 = 18

	base62         = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	suffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	// pod is the instance part of every id the sandbox makes (as in the
	// default org id 00D5e…).
	pod = "5e0"
)

// Suffix is the 3-character case checksum of a 15-character id: each
// 5-character chunk becomes one letter whose bits mark the upper-case
// letters of the chunk.
func Suffix(id15 string) string {
	var b strings.Builder
	for chunk := 0; chunk < 3; chunk++ {
		n := 0
		for i := 0; i < 5; i++ {
			c := id15[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				n |= 1 << i
			}
		}
		b.WriteByte(suffixAlphabet[n])
	}
	return b.String()
}

// New makes the 18-character id of the n-th record with the given key
// prefix. The same prefix and n always give the same id.
func New(prefix string, n uint64) string {
	body := make([]byte, Len15-len(prefix)-len(pod))
	for i := len(body) - 1; i >= 0; i-- {
		body[i] = base62[n%62]
		n /= 62
	}
	id15 := prefix + pod + string(body)
	return id15 + Suffix(id15)
}

// Normalize returns the 18-character form of a 15- or 18-character id.
// An 18-character id whose suffix does not match the case of its first 15
// characters is not an id (Salesforce answers MALFORMED_ID for it).
func Normalize(s string) (id string, ok bool) {
	if (len(s) != Len15 && len(s) != Len18) || !isBase62(s) {
		return "", false
	}
	id = s[:Len15] + Suffix(s[:Len15])
	if len(s) == Len18 && s != id {
		return "", false
	}
	return id, true
}

// Prefix is the key prefix of an id (its first three characters).
func Prefix(id string) string {
	if len(id) < 3 {
		return ""
	}
	return id[:3]
}

// Equal reports whether two ids name the same record (15 or 18 chars).
func Equal(a, b string) bool {
	na, okA := Normalize(a)
	nb, okB := Normalize(b)
	return okA && okB && na == nb
}

func isBase62(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(base62, s[i]) < 0 {
			return false
		}
	}
	return true
}
