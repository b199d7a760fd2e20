package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tbaVerifier checks OAuth 1.0a (Token-Based Authentication) headers as
// NetSuite does: HMAC-SHA256 over the method, the URL the client used and
// the sorted query and oauth_* parameters; realm = account id; timestamp
// within five minutes; a nonce+timestamp used once.
type tbaVerifier struct {
	realm, consumerKey, consumerSecret, tokenID, tokenSecret string
	clock                                                    func() time.Time

	mu        sync.Mutex
	seen      map[string]time.Time // token, nonce and timestamp of accepted requests
	lastPrune time.Time
}

func newTBAVerifier(cfg Config) *tbaVerifier {
	return &tbaVerifier{
		realm: cfg.AccountID, consumerKey: cfg.ConsumerKey, consumerSecret: cfg.ConsumerSecret,
		tokenID: cfg.TokenID, tokenSecret: cfg.TokenSecret, clock: cfg.Clock,
		seen: map[string]time.Time{},
	}
}

// verify checks r's "Authorization: OAuth …" header. The error says why
// a login failed; NetSuite keeps that for its Login Audit Trail only.
func (v *tbaVerifier) verify(r *http.Request, header string) error {
	p, err := parseOAuthHeader(header)
	if err != nil {
		return err
	}
	if err := v.checkParams(p); err != nil {
		return err
	}
	ts, err := strconv.ParseInt(p["oauth_timestamp"], 10, 64)
	if err != nil {
		return errors.New("oauth_timestamp is not a number")
	}
	now := v.clock()
	if d := now.Sub(time.Unix(ts, 0)); d > TimestampWindow || d < -TimestampWindow {
		return fmt.Errorf("oauth_timestamp is %s away from server time (InvalidTimestamp)", d.Round(time.Second))
	}
	if err := v.checkSignature(r, p); err != nil {
		return err
	}
	return v.useNonce(p["oauth_token"]+"|"+p["oauth_nonce"]+"|"+p["oauth_timestamp"], time.Unix(ts, 0), now)
}

func (v *tbaVerifier) checkParams(p map[string]string) error {
	switch {
	case p["realm"] != v.realm:
		return fmt.Errorf("realm %q is not the account id", p["realm"])
	case p["oauth_consumer_key"] != v.consumerKey:
		return errors.New("unknown oauth_consumer_key")
	case p["oauth_token"] != v.tokenID:
		return errors.New("unknown oauth_token (token_rejected)")
	case p["oauth_signature_method"] != "HMAC-SHA256":
		return fmt.Errorf("oauth_signature_method %q is not HMAC-SHA256 (UnknownAlgorithm)", p["oauth_signature_method"])
	case p["oauth_version"] != "" && p["oauth_version"] != "1.0":
		return fmt.Errorf("oauth_version %q is not 1.0", p["oauth_version"])
	case len(p["oauth_nonce"]) < MinNonceLength:
		return fmt.Errorf("oauth_nonce is shorter than %d characters", MinNonceLength)
	case p["oauth_signature"] == "":
		return errors.New("no oauth_signature")
	}
	return nil
}

// checkSignature accepts the signature over any reading of the URL the
// client used: its path as sent on the wire, or percent-decoded.
func (v *tbaVerifier) checkSignature(r *http.Request, p map[string]string) error {
	query, err := url.ParseQuery(requestQuery(r))
	if err != nil {
		return fmt.Errorf("unreadable query string: %w", err)
	}
	got := []byte(p["oauth_signature"])
	for _, uri := range signedBaseURIs(r) {
		want := []byte(signHMACSHA256(baseString(r.Method, uri, query, p), v.consumerSecret, v.tokenSecret))
		if subtle.ConstantTimeCompare(got, want) == 1 {
			return nil
		}
	}
	return errors.New("signature mismatch (InvalidSignature)")
}

func (v *tbaVerifier) useNonce(key string, ts, now time.Time) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if now.Sub(v.lastPrune) > time.Minute {
		for k, t := range v.seen {
			if now.Sub(t) > 2*TimestampWindow {
				delete(v.seen, k)
			}
		}
		v.lastPrune = now
	}
	if _, used := v.seen[key]; used {
		return errors.New("nonce and timestamp already used (NonceUsed)")
	}
	v.seen[key] = ts
	return nil
}

// parseOAuthHeader reads `OAuth realm="…", oauth_…="…"`, decoding values.
func parseOAuthHeader(h string) (map[string]string, error) {
	rest, ok := cutPrefixFold(h, "OAuth ")
	if !ok {
		return nil, errors.New("not an OAuth header")
	}
	p := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		dv, err := url.PathUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("parameter %s is not percent-encoded properly", k)
		}
		p[strings.TrimSpace(k)] = dv
	}
	return p, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// oauthSigned are the header parameters that enter the base string; realm
// and the signature itself do not.
var oauthSigned = []string{"oauth_consumer_key", "oauth_nonce", "oauth_signature_method", "oauth_timestamp", "oauth_token", "oauth_version"}

// baseString is METHOD&enc(base URI)&enc(sorted k=v pairs of the query
// and the oauth_* parameters), RFC 5849 section 3.4.1.
func baseString(method, baseURI string, query url.Values, oauth map[string]string) string {
	var pairs [][2]string
	for k, vs := range query {
		for _, v := range vs {
			pairs = append(pairs, [2]string{percentEncode(k), percentEncode(v)})
		}
	}
	for _, k := range oauthSigned {
		if v, ok := oauth[k]; ok {
			pairs = append(pairs, [2]string{percentEncode(k), percentEncode(v)})
		}
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { // by key, then by value
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	joined := make([]string, len(pairs))
	for i, kv := range pairs {
		joined[i] = kv[0] + "=" + kv[1]
	}
	return strings.ToUpper(method) + "&" + percentEncode(baseURI) + "&" + percentEncode(strings.Join(joined, "&"))
}

func signHMACSHA256(base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(sha256.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// percentEncode is RFC 3986 encoding: only A-Z a-z 0-9 - . _ ~ stay as they are.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// signedBaseURIs are scheme://host/path of the URL the client used: the
// Host header and the original request path (r.RequestURI keeps a mount
// prefix that http.StripPrefix removed from r.URL.Path).
func signedBaseURIs(r *http.Request) []string {
	scheme, host := requestOrigin(r)
	raw := requestPath(r)
	uris := []string{scheme + "://" + host + raw}
	if dec, err := url.PathUnescape(raw); err == nil && dec != raw {
		uris = append(uris, scheme+"://"+host+dec)
	}
	return uris
}

// requestOrigin is the scheme and host (default port dropped) the client addressed.
func requestOrigin(r *http.Request) (scheme, host string) {
	scheme = "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if fp := r.Header.Get("X-Forwarded-Proto"); fp != "" {
		scheme = strings.ToLower(strings.TrimSpace(strings.Split(fp, ",")[0]))
	}
	host = strings.ToLower(r.Host)
	if h, port, ok := strings.Cut(host, ":"); ok && (scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		host = h
	}
	return scheme, host
}

func requestPath(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" {
		return r.URL.EscapedPath()
	}
	if !strings.HasPrefix(uri, "/") { // absolute-form request target
		if u, err := url.Parse(uri); err == nil {
			return u.EscapedPath()
		}
	}
	path, _, _ := strings.Cut(uri, "?")
	return path
}

func requestQuery(r *http.Request) string {
	if r.RequestURI == "" {
		return r.URL.RawQuery
	}
	_, q, _ := strings.Cut(r.RequestURI, "?")
	return q
}
