package tba_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite/tba"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// vectors mirrors tba-test-vectors.compiled.json.
type vectors struct {
	Credentials struct {
		ConsumerKey, ConsumerSecret, TokenID, TokenSecret, Nonce, Timestamp string
	}
	SigningKey string
	Vectors    []struct {
		Name, Realm, Method, URL, BaseString, Signature string
		SignaturePercentEncoded                         string
		AuthorizationHeader                             string
	}
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	var v vectors
	if err := json.Unmarshal(testfixtures.Read(t, "netsuite", "tba-test-vectors.compiled.json"), &v); err != nil {
		t.Fatalf("decoding vectors: %v", err)
	}
	if len(v.Vectors) < 7 {
		t.Fatalf("expected the 7 compiled vectors, got %d", len(v.Vectors))
	}
	return v
}

// oracleSigner is a Signer pinned to Oracle's published nonce and timestamp.
func oracleSigner(v vectors, realm string) *tba.Signer {
	c := v.Credentials
	ts, _ := time.Parse(time.RFC3339, "2017-10-17T12:11:46Z") // 1508242306
	return &tba.Signer{
		Realm: realm, ConsumerKey: c.ConsumerKey, ConsumerSecret: c.ConsumerSecret,
		TokenID: c.TokenID, TokenSecret: c.TokenSecret,
		Nonce: func() string { return c.Nonce },
		Now:   func() time.Time { return ts },
	}
}

func TestCompiledVectors(t *testing.T) {
	v := loadVectors(t)
	c := v.Credentials
	params := tba.Params{ConsumerKey: c.ConsumerKey, Token: c.TokenID, Nonce: c.Nonce, Timestamp: c.Timestamp}
	if got := tba.Encode(c.ConsumerSecret) + "&" + tba.Encode(c.TokenSecret); got != v.SigningKey {
		t.Errorf("signing key = %q, want %q", got, v.SigningKey)
	}
	for _, vec := range v.Vectors {
		t.Run(vec.Name, func(t *testing.T) {
			base := vec.BaseString
			if vec.URL != "" {
				got, err := tba.BaseString(vec.Method, vec.URL, params)
				if err != nil {
					t.Fatal(err)
				}
				if base != "" && got != base {
					t.Errorf("base string\n got %s\nwant %s", got, base)
				}
				base = got
			}
			if got := tba.Signature(base, c.ConsumerSecret, c.TokenSecret); got != vec.Signature {
				t.Errorf("signature = %s, want %s", got, vec.Signature)
			}
			if vec.SignaturePercentEncoded != "" && tba.Encode(vec.Signature) != vec.SignaturePercentEncoded {
				t.Errorf("encoded signature = %s, want %s", tba.Encode(vec.Signature), vec.SignaturePercentEncoded)
			}
			if vec.AuthorizationHeader == "" {
				return
			}
			got, err := oracleSigner(v, vec.Realm).Authorization(vec.Method, vec.URL)
			if err != nil {
				t.Fatal(err)
			}
			if got != vec.AuthorizationHeader {
				t.Errorf("header\n got %s\nwant %s", got, vec.AuthorizationHeader)
			}
		})
	}
}

// The three example files are Oracle's own text, independent of the
// compiled JSON.
func TestOracleExampleFiles(t *testing.T) {
	v := loadVectors(t)
	c := v.Credentials
	params := tba.Params{ConsumerKey: c.ConsumerKey, Token: c.TokenID, Nonce: c.Nonce, Timestamp: c.Timestamp}
	const restURL = "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40"
	const restletURL = "https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=6&deploy=1&customParam=someValue&testParam=someOtherValue"

	cases := []struct {
		file, method, url string
	}{
		{"oracle-tba-rest-base-string.example.txt", "GET", restURL},
		{"oracle-tba-restlet-base-string.example.txt", "POST", restletURL},
	}
	for _, tc := range cases {
		want := strings.TrimSpace(string(testfixtures.Read(t, "netsuite", tc.file)))
		got, err := tba.BaseString(tc.method, tc.url, params)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s\n got %s\nwant %s", tc.file, got, want)
		}
	}

	want := strings.TrimSpace(string(testfixtures.Read(t, "netsuite", "oracle-tba-rest-authorization-header.example.txt")))
	header, err := oracleSigner(v, "123456").Authorization("GET", restURL)
	if err != nil {
		t.Fatal(err)
	}
	if got := "Authorization: " + header; got != want {
		t.Errorf("header\n got %s\nwant %s", got, want)
	}
}

func TestEncodeIsRFC3986(t *testing.T) {
	cases := map[string]string{
		"a b":        "a%20b",
		"a+b":        "a%2Bb",
		"-._~":       "-._~",
		"eid:CID002": "eid%3ACID002",
		"é":          "%C3%A9",
		"x/y?z=1&w":  "x%2Fy%3Fz%3D1%26w",
	}
	for in, want := range cases {
		if got := tba.Encode(in); got != want {
			t.Errorf("Encode(%q) = %q, want %q", in, got, want)
		}
	}
}

// A query value arrives encoded; it must be decoded once before it is
// encoded for the base string, whichever way the space was written.
func TestQueryIsDecodedBeforeEncoding(t *testing.T) {
	p := tba.Params{ConsumerKey: "ck", Token: "tk", Nonce: "n", Timestamp: "1"}
	var bases []string
	for _, raw := range []string{
		"https://h.example/p?q=email%20START_WITH%20barbara",
		"https://h.example/p?q=email+START_WITH+barbara",
	} {
		base, err := tba.BaseString("GET", raw, p)
		if err != nil {
			t.Fatal(err)
		}
		bases = append(bases, base)
	}
	if bases[0] != bases[1] {
		t.Errorf("%%20 and + spell the same space:\n%s\n%s", bases[0], bases[1])
	}
	if !strings.Contains(bases[0], "q%3Demail%2520START_WITH%2520barbara") || strings.Contains(bases[0], "%252520") {
		t.Errorf("space must be %%2520 in the base string exactly once encoded: %s", bases[0])
	}
}

func TestBaseStringSortsRepeatedKeysByValue(t *testing.T) {
	p := tba.Params{ConsumerKey: "ck", Token: "tk", Nonce: "n", Timestamp: "1"}
	base, err := tba.BaseString("get", "HTTPS://H.Example:443/p?b=2&a=2&a=1", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "GET&https%3A%2F%2Fh.example%2Fp&a%3D1%26a%3D2%26b%3D2%26oauth_consumer_key") {
		t.Errorf("base string = %s", base)
	}
}

func TestEveryHeaderHasAFreshNonce(t *testing.T) {
	s := &tba.Signer{Realm: "123456_SB1", ConsumerKey: "ck", ConsumerSecret: "cs", TokenID: "tk", TokenSecret: "ts"}
	nonce := regexp.MustCompile(`oauth_nonce="([^"]*)"`)
	seen := map[string]bool{}
	for range 50 {
		h, err := s.Authorization("GET", "https://123456-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, `OAuth realm="123456_SB1", `) {
			t.Fatalf("header does not start with the realm: %s", h)
		}
		n := nonce.FindStringSubmatch(h)[1]
		if len(n) < 20 {
			t.Errorf("nonce %q shorter than 20 characters", n)
		}
		if seen[n] {
			t.Fatalf("nonce %q used twice", n)
		}
		seen[n] = true
	}
}

func BenchmarkAuthorization(b *testing.B) {
	s := &tba.Signer{Realm: "123456_SB1", ConsumerKey: "ck", ConsumerSecret: "cs", TokenID: "tk", TokenSecret: "ts"}
	const u = "https://123456-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=2000"
	for b.Loop() {
		if _, err := s.Authorization("POST", u); err != nil {
			b.Fatal(err)
		}
	}
}
