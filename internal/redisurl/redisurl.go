// Package redisurl reads REDIS_URL, which names one of three Redis
// deployments:
//
//	redis://[[user]:password@]host[:port][/db]            one server
//	rediss://…                                            the same over TLS
//	redis-sentinel://[[user]:password@]host[:port][,host[:port]…][/db]?master=name
//	rediss-sentinel://…                                   the same over TLS
//	redis-cluster://[[user]:password@]host[:port][,host[:port]…]
//	rediss-cluster://…                                    the same over TLS
//
// The sentinel form is asynq's (asynq.ParseRedisURI) with a database
// added. Its hosts are the Sentinels (port 26379 by default); the password
// is the master's and, unless sentinel_password= says otherwise, the
// Sentinels' too (sentinel_password= with nothing after it: Sentinels
// without a password). The cluster form lists some or all nodes; the
// client discovers the rest. A cluster has only database 0.
//
// TLS certificates are always verified: for a private CA, point
// SSL_CERT_FILE at it rather than turning verification off.
package redisurl

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Default ports of a host given without one.
const (
	defaultRedisPort    = "6379"
	defaultSentinelPort = "26379"
)

// Options is a parsed REDIS_URL: exactly one field is set.
type Options struct {
	Single   *redis.Options         // redis://, rediss://
	Sentinel *redis.FailoverOptions // redis-sentinel://, rediss-sentinel://
	Cluster  *redis.ClusterOptions  // redis-cluster://, rediss-cluster://
}

// Forms names the accepted forms, for error messages.
const Forms = "redis://, rediss://, redis-sentinel://…?master=name or redis-cluster:// (rediss-… for TLS)"

// Parse reads a REDIS_URL. Errors say what is wrong without repeating the
// URL, which may hold a password.
func Parse(raw string) (Options, error) {
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		return Options{}, errors.New("not a URL: use " + Forms)
	}
	switch strings.ToLower(scheme) {
	case "redis", "rediss":
		return parseSingle(raw)
	case "redis-sentinel", "rediss-sentinel":
		o, err := parseSentinel(raw)
		return Options{Sentinel: o}, err
	case "redis-cluster", "rediss-cluster":
		o, err := parseCluster(raw)
		return Options{Cluster: o}, err
	}
	return Options{}, fmt.Errorf("scheme %q is not one of %s", scheme, Forms)
}

// parseSingle leaves redis:// and rediss:// to go-redis, which also reads
// its documented options (dial_timeout=, pool_size=, …) from the query.
func parseSingle(raw string) (Options, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Options{}, errors.New("not a URL")
	}
	if strings.Contains(u.Host, ",") {
		return Options{}, fmt.Errorf("%s: several hosts: use redis-sentinel:// or redis-cluster://", u.Scheme)
	}
	if u.Query().Has("skip_verify") {
		return Options{}, errors.New("skip_verify is refused: TLS certificates are always verified (for a private CA set SSL_CERT_FILE)")
	}
	o, err := redis.ParseURL(raw)
	if err != nil {
		return Options{}, fmt.Errorf("%s: %w", u.Scheme, err)
	}
	return Options{Single: o}, nil
}

func parseSentinel(raw string) (*redis.FailoverOptions, error) {
	u, hosts, err := parseHostList(raw, defaultSentinelPort)
	if err != nil {
		return nil, fmt.Errorf("sentinel: %w", err)
	}
	q := u.Query()
	if err := onlyParams(q, "master", "sentinel_password"); err != nil {
		return nil, err
	}
	o := &redis.FailoverOptions{MasterName: q.Get("master"), SentinelAddrs: hosts, TLSConfig: tlsConfig(u)}
	if o.MasterName == "" {
		return nil, errors.New("sentinel: ?master=<name> is required (the name the Sentinels monitor)")
	}
	if o.DB, err = database(u); err != nil {
		return nil, fmt.Errorf("sentinel: %w", err)
	}
	o.Username = u.User.Username()
	o.Password, _ = u.User.Password()
	o.SentinelUsername, o.SentinelPassword = o.Username, o.Password
	if q.Has("sentinel_password") {
		o.SentinelUsername, o.SentinelPassword = "", q.Get("sentinel_password")
	}
	return o, nil
}

func parseCluster(raw string) (*redis.ClusterOptions, error) {
	u, hosts, err := parseHostList(raw, defaultRedisPort)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	if err := onlyParams(u.Query()); err != nil {
		return nil, err
	}
	o := &redis.ClusterOptions{Addrs: hosts, TLSConfig: tlsConfig(u)}
	if db, err := database(u); err != nil || db != 0 {
		return nil, errors.New("cluster: Redis Cluster has only database 0; leave the path out")
	}
	o.Username = u.User.Username()
	o.Password, _ = u.User.Password()
	return o, nil
}

// tlsConfig is nil for plain schemes. ServerName stays empty so that each
// node's certificate is checked against the host dialled: Sentinels and
// cluster nodes hand out the addresses of other hosts.
func tlsConfig(u *url.URL) *tls.Config {
	if !strings.HasPrefix(u.Scheme, "rediss") {
		return nil
	}
	return &tls.Config{MinVersion: tls.VersionTLS12}
}

// parseHostList parses a URL whose authority lists several hosts, which
// url.Parse cannot read (it takes one host with one port): it cuts the
// list out, parses the rest, and returns the hosts with default ports
// added.
func parseHostList(raw, defaultPort string) (*url.URL, []string, error) {
	p := splitURL(raw)
	u, err := url.Parse(p.scheme + "://" + p.userinfo + "hosts" + p.tail)
	if err != nil {
		return nil, nil, errors.New("not a URL")
	}
	var addrs []string
	for _, h := range strings.Split(p.hosts, ",") {
		if h == "" {
			return nil, nil, errors.New("empty host in the host list")
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil { // no port
			host, port = strings.Trim(h, "[]"), defaultPort
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil || host == "" {
			return nil, nil, fmt.Errorf("%q is not host:port", h)
		}
		addrs = append(addrs, net.JoinHostPort(host, port))
	}
	return u, addrs, nil
}

// database reads the optional /db path.
func database(u *url.URL) (int, error) {
	p := strings.Trim(u.Path, "/")
	if p == "" {
		return 0, nil
	}
	db, err := strconv.Atoi(p)
	if err != nil || db < 0 {
		return 0, fmt.Errorf("path %q is not a database number", u.Path)
	}
	return db, nil
}

func onlyParams(q url.Values, known ...string) error {
	for name := range q {
		if !slices.Contains(known, name) {
			return fmt.Errorf("unknown parameter %q (known: %v)", name, known)
		}
	}
	return nil
}

// Redacted is raw without its user name and passwords, for logs.
func Redacted(raw string) string {
	p := splitURL(raw)
	path, query, _ := strings.Cut(p.tail, "?")
	if q, err := url.ParseQuery(query); err == nil && q.Has("sentinel_password") {
		q.Set("sentinel_password", "redacted")
		query = q.Encode()
	}
	if query != "" {
		path += "?" + query
	}
	return p.scheme + "://" + p.hosts + path
}

// urlParts is a URL cut at its authority: scheme://userinfo@hosts tail.
type urlParts struct {
	scheme   string
	userinfo string // with its "@"; "" if none
	hosts    string
	tail     string // path, query and fragment
}

func splitURL(raw string) urlParts {
	scheme, rest, _ := strings.Cut(raw, "://")
	end := len(rest)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		end = i
	}
	p := urlParts{scheme: scheme, hosts: rest[:end], tail: rest[end:]}
	if i := strings.LastIndexByte(p.hosts, '@'); i >= 0 {
		p.userinfo, p.hosts = p.hosts[:i+1], p.hosts[i+1:]
	}
	return p
}
