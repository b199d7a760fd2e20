package handlers

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// signatureVector is the SuiteScript's own test vector
// (deploy/netsuite/testdata): its Jest tests produce this header.
type signatureVector struct {
	Secret    string `json:"secret"`
	Timestamp int64  `json:"timestamp"`
	Body      string `json:"body"`
	Header    string `json:"header"`
}

func readSignatureVector(t testing.TB) signatureVector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "deploy", "netsuite", "testdata", "signature-vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v signatureVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSignatureMatchesTheSuiteScriptVector(t *testing.T) {
	v := readSignatureVector(t)
	at := time.Unix(v.Timestamp, 0)
	if got := Sign(v.Secret, at, []byte(v.Body)); got != v.Header {
		t.Errorf("Sign = %s\nSuiteScript: %s", got, v.Header)
	}
	if err := VerifySignature(v.Header, v.Secret, []byte(v.Body), at.Add(time.Minute)); err != nil {
		t.Errorf("the SuiteScript's header does not verify: %v", err)
	}
}

func TestVerifySignatureRefuses(t *testing.T) {
	const secret = "whsec_test"
	body := []byte(`{"eventId":"e1"}`)
	now := time.Unix(1768471560, 0)
	good := Sign(secret, now, body)
	mac := good[strings.Index(good, "v1=")+3:]
	tests := []struct {
		name, header, secret string
		body                 []byte
		now                  time.Time
		want                 string
	}{
		{"no header", "", secret, body, now, "no X-Tandem-Signature header"},
		{"tampered body", good, secret, []byte(`{"eventId":"e2"}`), now, "no v1 signature matches"},
		{"wrong secret", good, "whsec_other", body, now, "no v1 signature matches"},
		{"no secret configured", good, "", body, now, "no signing secret"},
		{"stale", good, secret, body, now.Add(SignatureTolerance + time.Second), "5m1s away"},
		{"from the future", good, secret, body, now.Add(-SignatureTolerance - time.Second), "5m1s away"},
		{"upper-case hex", "t=1768471560,v1=" + strings.ToUpper(mac), secret, body, now, "lower-case hex"},
		{"short mac", "t=1768471560,v1=" + mac[:63], secret, body, now, "lower-case hex"},
		{"no v1", "t=1768471560", secret, body, now, "t and v1 are both required"},
		{"no t", "v1=" + mac, secret, body, now, "t and v1 are both required"},
		{"t twice", "t=1768471560,t=1768471560,v1=" + mac, secret, body, now, "t appears twice"},
		{"leading zero", "t=01768471560,v1=" + mac, secret, body, now, "unix seconds"},
		{"signed t", "t=+1768471560,v1=" + mac, secret, body, now, "unix seconds"},
		{"spaces", "t=1768471560, v1=" + mac, secret, body, now, "item 2"},
		{"unknown scheme", "t=1768471560,v0=" + mac, secret, body, now, "item 2"},
		{"too many v1", "t=1768471560" + strings.Repeat(",v1="+mac, maxSignatures+1), secret, body, now, "more than 4 v1"},
		{"oversize", "t=1768471560,v1=" + mac + strings.Repeat(",", maxSignatureHeaderBytes), secret, body, now, "over 512 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifySignature(tt.header, tt.secret, tt.body, tt.now)
			if !errors.Is(err, ErrSignature) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrSignature saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

func TestVerifySignatureAcceptsEitherSecretWhileRotating(t *testing.T) {
	body := []byte(`{"eventId":"e1"}`)
	now := time.Unix(1768471560, 0)
	oldSig, newSig := Sign("old-secret", now, body), Sign("new-secret", now, body)
	rotating := oldSig + newSig[strings.Index(newSig, ",v1="):]
	for _, secret := range []string{"old-secret", "new-secret"} {
		if err := VerifySignature(rotating, secret, body, now); err != nil {
			t.Errorf("secret %s: %v", secret, err)
		}
	}
	if err := VerifySignature(rotating, "third-secret", body, now); !errors.Is(err, ErrSignature) {
		t.Errorf("a third secret verified: %v", err)
	}
	// At the edge of the window, both ways.
	for _, skew := range []time.Duration{SignatureTolerance, -SignatureTolerance} {
		if err := VerifySignature(oldSig, "old-secret", body, now.Add(skew)); err != nil {
			t.Errorf("skew %s: %v", skew, err)
		}
	}
}

var (
	fuzzSignatureSecret = "whsec_fuzz_ключ"
	fuzzSignatureNow    = time.Unix(1768471560, 0)
)

// FuzzSignatureHeader: verification never panics and accepts only a
// header carrying the MAC Sign computes for that timestamp, body and
// secret.
func FuzzSignatureHeader(f *testing.F) {
	v := readSignatureVector(f)
	f.Add(v.Header, []byte(v.Body))
	body := []byte(`{"eventId":"e1"}`)
	good := Sign(fuzzSignatureSecret, fuzzSignatureNow, body)
	f.Add(good, body)
	f.Add(good+good[strings.Index(good, ",v1="):], body)
	f.Add("t=1768471560,v1=", body)
	f.Add("t=99999999999999999999,v1=00", []byte{})
	f.Add(strings.Repeat("v1=,", 200), body)
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		if err := VerifySignature(Sign(fuzzSignatureSecret, fuzzSignatureNow, body), fuzzSignatureSecret, body, fuzzSignatureNow); err != nil {
			t.Fatalf("Sign's own header refused: %v", err)
		}
		err := VerifySignature(header, fuzzSignatureSecret, body, fuzzSignatureNow)
		if err != nil {
			if !errors.Is(err, ErrSignature) {
				t.Fatalf("error without ErrSignature: %v", err)
			}
			return
		}
		sig, perr := parseSignature(header)
		if perr != nil {
			t.Fatalf("verified a header that does not parse: %v", perr)
		}
		produced := Sign(fuzzSignatureSecret, time.Unix(sig.timestamp, 0), body)
		items := strings.Split(header, ",")
		if !strings.HasPrefix(produced, "t="+sig.ts+",") || !slices.Contains(items, produced[strings.Index(produced, "v1="):]) {
			t.Fatalf("accepted %q, which does not carry %q", header, produced)
		}
	})
}
