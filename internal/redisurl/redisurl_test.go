package redisurl_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/redisurl"
)

func TestSingleServer(t *testing.T) {
	o, err := redisurl.Parse("redis://tandem:s3cret@redis.internal:6380/4")
	if err != nil || o.Single == nil || o.Sentinel != nil || o.Cluster != nil {
		t.Fatalf("Parse: %+v, %v", o, err)
	}
	s := o.Single
	if s.Addr != "redis.internal:6380" || s.DB != 4 || s.Username != "tandem" || s.Password != "s3cret" || s.TLSConfig != nil {
		t.Errorf("options %+v", s)
	}
	tls, err := redisurl.Parse("rediss://redis.internal")
	if err != nil || tls.Single.Addr != "redis.internal:6379" || tls.Single.TLSConfig == nil || tls.Single.TLSConfig.InsecureSkipVerify {
		t.Errorf("rediss: %+v, %v; want TLS, verified, on the default port", tls.Single, err)
	}
}

func TestSentinel(t *testing.T) {
	o, err := redisurl.Parse("redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2,10.0.0.3:26380/2?master=tandem")
	if err != nil || o.Sentinel == nil || o.Single != nil || o.Cluster != nil {
		t.Fatalf("Parse: %+v, %v", o, err)
	}
	s := o.Sentinel
	if s.MasterName != "tandem" || s.DB != 2 || s.TLSConfig != nil ||
		!slices.Equal(s.SentinelAddrs, []string{"10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26380"}) {
		t.Errorf("options %+v", s)
	}
	if s.Password != "s3cret" || s.SentinelPassword != "s3cret" {
		t.Errorf("password %q, Sentinel password %q; want the URL's for both", s.Password, s.SentinelPassword)
	}
	// Sentinels without a password in front of a master with one.
	o, err = redisurl.Parse("redis-sentinel://:s3cret@10.0.0.1?master=tandem&sentinel_password=")
	if err != nil || o.Sentinel.Password != "s3cret" || o.Sentinel.SentinelPassword != "" {
		t.Errorf("sentinel_password=: %+v, %v", o.Sentinel, err)
	}
	// asynq's own form (asynq.ParseRedisURI) is accepted as it is.
	o, err = redisurl.Parse("redis-sentinel://localhost:5000,localhost:5001?master=mymaster")
	if err != nil || o.Sentinel.MasterName != "mymaster" || len(o.Sentinel.SentinelAddrs) != 2 {
		t.Errorf("asynq's form: %+v, %v", o.Sentinel, err)
	}
	o, err = redisurl.Parse("rediss-sentinel://10.0.0.1?master=tandem")
	if err != nil || o.Sentinel.TLSConfig == nil || o.Sentinel.TLSConfig.ServerName != "" {
		t.Errorf("rediss-sentinel: %+v, %v; want TLS checking each host dialled", o.Sentinel, err)
	}
}

// TestGoRedisOptions: every form reads go-redis's own query options, as
// go-redis's parsers do for redis:// (db= included, which overrides the
// path, as in go-redis).
func TestGoRedisOptions(t *testing.T) {
	o, err := redisurl.Parse("redis-sentinel://10.0.0.1,10.0.0.2/2?master=tandem&dial_timeout=3&pool_size=7&db=5")
	if err != nil || o.Sentinel.DialTimeout != 3*time.Second || o.Sentinel.PoolSize != 7 || o.Sentinel.DB != 5 {
		t.Errorf("sentinel: %+v, %v", o.Sentinel, err)
	}
	o, err = redisurl.Parse("redis-cluster://n1:7000,n2:7001?read_timeout=6s&max_redirects=5")
	if err != nil || o.Cluster.ReadTimeout != 6*time.Second || o.Cluster.MaxRedirects != 5 {
		t.Errorf("cluster: %+v, %v", o.Cluster, err)
	}
}

func TestCluster(t *testing.T) {
	o, err := redisurl.Parse("redis-cluster://tandem:s3cret@node-1:7000,node-2:7001,node-3")
	if err != nil || o.Cluster == nil || o.Single != nil || o.Sentinel != nil {
		t.Fatalf("Parse: %+v, %v", o, err)
	}
	c := o.Cluster
	if !slices.Equal(c.Addrs, []string{"node-1:7000", "node-2:7001", "node-3:6379"}) || c.Username != "tandem" || c.Password != "s3cret" || c.TLSConfig != nil {
		t.Errorf("options %+v", c)
	}
	o, err = redisurl.Parse("rediss-cluster://node-1:7000/")
	if err != nil || o.Cluster.TLSConfig == nil || o.Cluster.TLSConfig.ServerName != "" {
		t.Errorf("rediss-cluster: %+v, %v; want TLS checking each host dialled", o.Cluster, err)
	}
}

// TestRefused: each mistake is named, and no error repeats the password.
func TestRefused(t *testing.T) {
	for raw, want := range map[string]string{
		"::":                         "not a URL",
		"http://redis.internal:6379": "scheme \"http\"",
		"redis-sentinel://:s3cret@10.0.0.1:26379":      "?master=",
		"redis-sentinel://10.0.0.1:26379/x?master=t":   "database number",
		"redis-sentinel://10.0.0.1,,?master=t":         "empty host",
		"redis-sentinel://10.0.0.1?master=t&colour=3":  "unexpected option: colour",
		"redis-cluster://node-1:7000?colour=3":         "unexpected option: colour",
		"redis-sentinel://10.0.0.1?master=t&addr=h:1":  "list the hosts in the URL",
		"redis-sentinel://10.0.0.1?master=t&password=": "before the hosts",
		"rediss-cluster://:s3cret@n1,n2?skip_verify=1": "always verified",
		"redis-cluster://:s3cret@node-1:7000/3":        "only database 0",
		"redis-cluster://node-1:99999":                 "not host:port",
		"redis://:s3cret@node-1:7000,node-2:7001":      "several hosts",
		"rediss://:s3cret@redis.internal?skip_verify":  "always verified",
		"redis://:s3cret@redis.internal/x":             "invalid database number",
	} {
		_, err := redisurl.Parse(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", raw, err, want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error %q shows the password", raw, err)
		}
	}
}

func TestRedacted(t *testing.T) {
	for raw, want := range map[string]string{
		"redis://:s3cret@redis.internal:6379/2":                     "redis://redis.internal:6379/2",
		"redis-sentinel://u:s3cret@h1:26379,h2?master=tandem":       "redis-sentinel://h1:26379,h2?master=tandem",
		"redis-cluster://node-1:7000,node-2:7001":                   "redis-cluster://node-1:7000,node-2:7001",
		"redis-sentinel://:pw@h1?master=t&sentinel_password=s3cret": "redis-sentinel://h1?master=t&sentinel_password=redacted",
		"rediss-cluster://:p@ss@node-1:7000,node-2:7001/#fragment":  "rediss-cluster://node-1:7000,node-2:7001/#fragment",
	} {
		if got := redisurl.Redacted(raw); got != want {
			t.Errorf("Redacted(%s) = %s, want %s", raw, got, want)
		}
	}
}
