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
// go-redis parses every form: redis:// and rediss:// as they are
// (redis.ParseURL), the Sentinel and cluster forms rewritten into its own
// (redis.ParseFailoverURL, redis.ParseClusterURL: the first host as the
// URL's host, the others as addr= parameters). So every form takes
// go-redis's query options (dial_timeout=, pool_size=, db=, …) and refuses
// unknown ones; what this package adds is the host lists with their
// default ports, master= and sentinel_password=, and the refusals.
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
	if err := refuseParams(u.Query(), "skip_verify"); err != nil {
		return Options{}, err
	}
	o, err := redis.ParseURL(raw)
	if err != nil {
		return Options{}, fmt.Errorf("%s: %w", u.Scheme, redacted(err))
	}
	return Options{Single: o}, nil
}

// parseSentinel reads the Sentinel form with redis.ParseFailoverURL. The
// two differ in where the URL's user goes: go-redis gives it to the
// Sentinels only, this form to the master and, unless sentinel_password=
// says otherwise, the Sentinels.
func parseSentinel(raw string) (*redis.FailoverOptions, error) {
	u, err := goRedisURL(raw, defaultSentinelPort, "master_name", "username", "password")
	if err != nil {
		return nil, fmt.Errorf("sentinel: %w", err)
	}
	q := u.Query()
	master := q.Get("master")
	if master == "" {
		return nil, errors.New("sentinel: ?master=<name> is required (the name the Sentinels monitor)")
	}
	sentinelPassword, ownSentinelPassword := q.Get("sentinel_password"), q.Has("sentinel_password")
	q.Del("master")
	q.Del("sentinel_password")
	q.Set("master_name", master)
	u.RawQuery = q.Encode()
	o, err := redis.ParseFailoverURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("sentinel: %w", redacted(err))
	}
	o.Username, o.Password = o.SentinelUsername, o.SentinelPassword
	if ownSentinelPassword {
		o.SentinelUsername, o.SentinelPassword = "", sentinelPassword
	}
	o.TLSConfig = checkEachHost(o.TLSConfig)
	return o, nil
}

// parseCluster reads the cluster form with redis.ParseClusterURL, which
// ignores the path: a database other than 0 is refused here.
func parseCluster(raw string) (*redis.ClusterOptions, error) {
	u, err := goRedisURL(raw, defaultRedisPort)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
		return nil, errors.New("cluster: Redis Cluster has only database 0; leave the path out")
	}
	u.Path = ""
	o, err := redis.ParseClusterURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", redacted(err))
	}
	o.TLSConfig = checkEachHost(o.TLSConfig)
	return o, nil
}

// goRedisURL rewrites a Sentinel or cluster URL, whose authority lists
// several hosts, as the URL go-redis's parsers read: scheme redis or
// rediss, the first host as the URL's host and the others as addr=
// parameters, each with defaultPort added where it has none. The
// parameters go-redis would take from the query but the form spells
// elsewhere (addr=, and the names in refused) are refused.
func goRedisURL(raw, defaultPort string, refused ...string) (*url.URL, error) {
	u, hosts, err := parseHostList(raw, defaultPort)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	if err := refuseParams(q, append(refused, "addr", "skip_verify")...); err != nil {
		return nil, err
	}
	for _, h := range hosts[1:] {
		q.Add("addr", h)
	}
	u.Scheme, _, _ = strings.Cut(strings.ToLower(u.Scheme), "-")
	u.Host, u.RawQuery = hosts[0], q.Encode()
	return u, nil
}

// refuseParams refuses the parameters named that q holds.
func refuseParams(q url.Values, names ...string) error {
	for _, name := range names {
		if !q.Has(name) {
			continue
		}
		switch name {
		case "skip_verify":
			return errors.New("skip_verify is refused: TLS certificates are always verified (for a private CA set SSL_CERT_FILE)")
		case "addr":
			return errors.New("addr= is refused: list the hosts in the URL, comma-separated")
		case "master_name":
			return errors.New("master_name= is refused: use master=")
		default:
			return fmt.Errorf("%s= is refused: put the user name and password before the hosts", name)
		}
	}
	return nil
}

// redacted keeps url.Parse's errors, which quote the URL and so the
// password, out of messages. (The URLs handed to go-redis were built by
// url.URL.String, so this is a safeguard.)
func redacted(err error) error {
	if _, ok := errors.AsType[*url.Error](err); ok {
		return errors.New("not a URL")
	}
	return err
}

// checkEachHost undoes go-redis's pinning of the TLS server name to the
// URL's first host, so that each node's certificate is checked against the
// host dialled: Sentinels and cluster nodes hand out the addresses of
// other hosts. It is nil for plain schemes.
func checkEachHost(c *tls.Config) *tls.Config {
	if c == nil {
		return nil
	}
	c.ServerName = ""
	c.MinVersion = max(c.MinVersion, tls.VersionTLS12)
	return c
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
