// Package tba signs NetSuite requests with Token-Based Authentication, the
// OAuth 1.0a profile NetSuite accepts: HMAC-SHA256 only, every query
// parameter signed, realm = account id (upper case, underscore), and the
// body never signed (it is JSON, not a form).
//
// Oracle: "The Signature for Web Services and RESTlets" (section_1534941088)
// and "REST Web Services Header Example" (section_1534941295).
package tba

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The protocol constants NetSuite requires.
const (
	SignatureMethod = "HMAC-SHA256"
	Version         = "1.0"
)

// Params are the per-request oauth_* values that go into the signature.
type Params struct {
	ConsumerKey string
	Token       string
	Nonce       string
	Timestamp   string
}

// Signer produces Authorization headers for one NetSuite account and token.
type Signer struct {
	Realm          string // account id as NetSuite spells it in the realm: "123456_SB1"
	ConsumerKey    string
	ConsumerSecret string
	TokenID        string
	TokenSecret    string

	// Nonce and Now default to 26 random base32 characters (crypto/rand)
	// and time.Now; tests pin them to reproduce Oracle's examples.
	Nonce func() string
	Now   func() time.Time
}

// Authorization returns the Authorization header value for one request,
// with a fresh nonce and timestamp: a header is never sent twice.
func (s *Signer) Authorization(method, rawURL string) (string, error) {
	p := Params{ConsumerKey: s.ConsumerKey, Token: s.TokenID, Nonce: s.nonce(), Timestamp: s.timestamp()}
	base, err := BaseString(method, rawURL, p)
	if err != nil {
		return "", err
	}
	sig := Signature(base, s.ConsumerSecret, s.TokenSecret)
	// Field order as in Oracle's published header example.
	fields := [][2]string{
		{"realm", s.Realm},
		{"oauth_token", p.Token},
		{"oauth_consumer_key", p.ConsumerKey},
		{"oauth_nonce", p.Nonce},
		{"oauth_timestamp", p.Timestamp},
		{"oauth_signature_method", SignatureMethod},
		{"oauth_version", Version},
		{"oauth_signature", sig},
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f[0] + `="` + Encode(f[1]) + `"`
	}
	return "OAuth " + strings.Join(parts, ", "), nil
}

func (s *Signer) nonce() string {
	if s.Nonce != nil {
		return s.Nonce()
	}
	return rand.Text()
}

func (s *Signer) timestamp() string {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return strconv.FormatInt(now().Unix(), 10)
}

// BaseString is the OAuth 1.0a signature base string of a request:
// METHOD&enc(scheme://host/path)&enc(sorted parameters), where the
// parameters are the decoded query parameters plus the oauth_* values.
func BaseString(method, rawURL string, p Params) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("tba: parsing request URL: %w", err)
	}
	params, err := queryPairs(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("tba: parsing query of %s: %w", u.Redacted(), err)
	}
	params = append(params,
		[2]string{"oauth_consumer_key", p.ConsumerKey},
		[2]string{"oauth_nonce", p.Nonce},
		[2]string{"oauth_signature_method", SignatureMethod},
		[2]string{"oauth_timestamp", p.Timestamp},
		[2]string{"oauth_token", p.Token},
		[2]string{"oauth_version", Version},
	)
	for i := range params {
		params[i] = [2]string{Encode(params[i][0]), Encode(params[i][1])}
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i][0] != params[j][0] {
			return params[i][0] < params[j][0]
		}
		return params[i][1] < params[j][1]
	})
	pairs := make([]string, len(params))
	for i, kv := range params {
		pairs[i] = kv[0] + "=" + kv[1]
	}
	return strings.ToUpper(method) + "&" + Encode(baseURI(u)) + "&" + Encode(strings.Join(pairs, "&")), nil
}

// baseURI is scheme://host[:port]/path with scheme and host in lower case
// and the default port dropped (RFC 5849 §3.4.1.2).
func baseURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if port := u.Port(); (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		host = strings.ToLower(u.Hostname())
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// queryPairs decodes a raw query into key/value pairs, keeping repeats.
// Values are decoded before they are encoded again, so "%20" in the URL
// becomes "%2520" in the base string, never "%252520".
func queryPairs(rawQuery string) ([][2]string, error) {
	var pairs [][2]string
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, err
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]string{key, value})
	}
	return pairs, nil
}

// Signature is base64(HMAC-SHA256(enc(consumerSecret)&enc(tokenSecret), base)).
func Signature(base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(sha256.New, []byte(Encode(consumerSecret)+"&"+Encode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Encode percent-encodes s as RFC 3986 (and RFC 5849 §3.6) require: every
// byte except A-Z a-z 0-9 - . _ ~ becomes %XX, so a space is %20, never +.
func Encode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
