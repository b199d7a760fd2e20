package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader signs a JSON webhook (the SuiteScript's posts, and
// Salesforce events in hmac mode):
//
//	X-Tandem-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>
//
// A sender rotating its secret may send one v1 per secret.
const SignatureHeader = "X-Tandem-Signature"

// SignatureTolerance is how far a signature's timestamp may be from
// Tandem's clock, either way: a captured request cannot be replayed later.
const SignatureTolerance = 5 * time.Minute

const (
	maxSignatureHeaderBytes = 512 // room for t and maxSignatures v1 values
	maxSignatures           = 4   // v1 values in one header
	maxTimestampDigits      = 12  // unix seconds until the year 33658
	signatureHexDigits      = 2 * sha256.Size
)

// ErrSignature marks a request whose signature is missing, malformed,
// stale or wrong.
var ErrSignature = errors.New("bad signature")

// Sign returns the X-Tandem-Signature value for body signed with secret
// at time t, as the SuiteScript computes it.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(signatureMAC(secret, ts, body))
}

// VerifySignature checks header against body: its timestamp within
// SignatureTolerance of now and one of its v1 values the HMAC of
// "<t>." + body under secret, compared in constant time. Every error
// wraps ErrSignature and is safe to show the sender.
func VerifySignature(header, secret string, body []byte, now time.Time) error {
	if secret == "" {
		return fmt.Errorf("%w: no signing secret is configured", ErrSignature)
	}
	sig, err := parseSignature(header)
	if err != nil {
		return err
	}
	skew := now.Sub(time.Unix(sig.timestamp, 0))
	if skew > SignatureTolerance || skew < -SignatureTolerance {
		return fmt.Errorf("%w: timestamp t=%s is %s away from Tandem's clock (at most %s allowed)",
			ErrSignature, sig.ts, skew.Abs().Round(time.Second), SignatureTolerance)
	}
	want := signatureMAC(secret, sig.ts, body)
	for _, got := range sig.v1 {
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("%w: no v1 signature matches the body", ErrSignature)
}

func signatureMAC(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return mac.Sum(nil)
}

// signature is a parsed X-Tandem-Signature.
type signature struct {
	ts        string // the digits as sent: they are what was signed
	timestamp int64
	v1        [][]byte
}

// parseSignature accepts exactly t=<digits> once and v1=<64 lower-case
// hex> one to maxSignatures times, comma-separated, nothing else.
func parseSignature(header string) (signature, error) {
	var sig signature
	if header == "" {
		return sig, fmt.Errorf("%w: no %s header", ErrSignature, SignatureHeader)
	}
	if len(header) > maxSignatureHeaderBytes {
		return sig, fmt.Errorf("%w: %s is over %d bytes", ErrSignature, SignatureHeader, maxSignatureHeaderBytes)
	}
	for i, item := range strings.Split(header, ",") {
		key, value, _ := strings.Cut(item, "=")
		switch {
		case key == "t" && sig.ts == "":
			ts, ok := parseUnixSeconds(value)
			if !ok {
				return sig, malformedSignature("t must be unix seconds")
			}
			sig.ts, sig.timestamp = value, ts
		case key == "t":
			return sig, malformedSignature("t appears twice")
		case key == "v1" && len(sig.v1) == maxSignatures:
			return sig, malformedSignature(fmt.Sprintf("more than %d v1 values", maxSignatures))
		case key == "v1":
			mac, ok := parseLowerHex(value)
			if !ok {
				return sig, malformedSignature(fmt.Sprintf("v1 must be %d lower-case hex digits", signatureHexDigits))
			}
			sig.v1 = append(sig.v1, mac)
		default:
			return sig, malformedSignature(fmt.Sprintf("item %d is not t=… or v1=…", i+1))
		}
	}
	if sig.ts == "" || len(sig.v1) == 0 {
		return sig, malformedSignature("t and v1 are both required")
	}
	return sig, nil
}

func malformedSignature(problem string) error {
	return fmt.Errorf("%w: malformed %s (want t=<unix seconds>,v1=<hex>): %s", ErrSignature, SignatureHeader, problem)
}

// parseUnixSeconds accepts 1 to maxTimestampDigits digits, no sign and no
// leading zero, so each timestamp has a single spelling.
func parseUnixSeconds(s string) (int64, bool) {
	if len(s) == 0 || len(s) > maxTimestampDigits || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func parseLowerHex(s string) ([]byte, bool) {
	if len(s) != signatureHexDigits {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return nil, false
		}
	}
	b, err := hex.DecodeString(s)
	return b, err == nil
}
