package testredis

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// The Sentinel set-up: one master, one replica, three Sentinels.
const (
	SentinelMaster = "tandem" // the name the Sentinels monitor
	sentinelCount  = 3
	sentinelQuorum = 2
	// sentinelDownMS: a master silent this long is down. Short, to fail
	// over fast; at 1s a busy test machine made Sentinels take a freshly
	// promoted master for dead too.
	sentinelDownMS  = 3000
	sentinelTimeout = 5000 // failover-timeout, ms
)

// dataNodeConf makes the master and its replica durable enough to lose
// nothing acknowledged in a failover. appendonly: a restarted node comes
// back with its data. min-replicas-to-write 1: a master refuses writes
// unless a replica is connected and caught up within
// min-replicas-max-lag seconds, so a master cut off from its replica
// stops acknowledging writes that only it would hold and a failover would
// drop; the same goes for a replica promoted while the old master is
// down, and for a restarted old master before the Sentinels make it a
// replica. Replication stays asynchronous: this narrows the window in
// which an acknowledged write can be lost to the instant before the
// master dies, it does not close it (Redis has no synchronous
// replication).
var dataNodeConf = []string{
	"appendonly yes",
	"appendfsync everysec",
	"min-replicas-to-write 1",
	"min-replicas-max-lag 10",
	"repl-diskless-sync-delay 0", // a replica syncs at once, not after 5s waiting for others
}

// Sentinel is a throwaway master, replica and three Sentinels.
type Sentinel struct {
	SentinelAddrs []string
	data          map[string]*server // the master and the replica by address
	sentinels     []*server
}

// StartSentinel starts a master, a replica of it and three Sentinels
// watching it (quorum two, a master down after three seconds), and waits
// until the replica is in sync and every Sentinel knows the replica and
// the other Sentinels, so that a failover can happen. All are killed when
// the test ends.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	master := startServer(t, "redis-master", false, func(int) []string { return dataNodeConf })
	replica := startServer(t, "redis-replica", false, func(int) []string {
		return append([]string{"replicaof 127.0.0.1 " + strconv.Itoa(master.port)}, dataNodeConf...)
	})
	s := &Sentinel{data: map[string]*server{master.addr(): master, replica.addr(): replica}}
	until(t, "the replica to sync", func() bool { return replicated(master.addr()) })
	for i := range sentinelCount {
		sn := startServer(t, "redis-sentinel-"+strconv.Itoa(i+1), true, func(int) []string {
			return []string{
				fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d %d", SentinelMaster, master.port, sentinelQuorum),
				fmt.Sprintf("sentinel down-after-milliseconds %s %d", SentinelMaster, sentinelDownMS),
				fmt.Sprintf("sentinel failover-timeout %s %d", SentinelMaster, sentinelTimeout),
			}
		})
		s.sentinels = append(s.sentinels, sn)
		s.SentinelAddrs = append(s.SentinelAddrs, sn.addr())
	}
	s.awaitSentinels(t, master.addr())
	return s
}

// URL is the set-up as a REDIS_URL value.
func (s *Sentinel) URL() string {
	return "redis-sentinel://" + strings.Join(s.SentinelAddrs, ",") + "?master=" + SentinelMaster
}

// NewClient opens a Sentinel-backed client of its own, as another process
// would; it is closed when the test ends.
func (s *Sentinel) NewClient(t testing.TB) redis.UniversalClient {
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: s.SentinelAddrs})
	t.Cleanup(func() { c.Close() })
	return c
}

// Master is the master's address as every Sentinel reports it; "" while
// they disagree.
func (s *Sentinel) Master() string {
	var master string
	for _, sn := range s.sentinels {
		c := redis.NewSentinelClient(&redis.Options{Addr: sn.addr(), MaxRetries: -1})
		hp, err := c.GetMasterAddrByName(context.Background(), SentinelMaster).Result()
		c.Close()
		if err != nil || len(hp) != 2 || (master != "" && master != net.JoinHostPort(hp[0], hp[1])) {
			return ""
		}
		master = net.JoinHostPort(hp[0], hp[1])
	}
	return master
}

// Failover crashes the master (SIGKILL) and waits until every Sentinel
// names the replica master. Then it restarts the crashed process on its
// configuration and data, as a supervisor would, and waits until the
// Sentinels' master, whichever it is by then, has a replica in sync and
// so accepts writes again (min-replicas-to-write). It returns the replica
// the crash promoted. Writes fail between the crash and the end.
func (s *Sentinel) Failover(t testing.TB) string {
	t.Helper()
	old := s.Master()
	crashed, ok := s.data[old]
	if !ok {
		t.Fatalf("Sentinels name master %q, not one of the set-up's servers", old)
	}
	crashed.Kill()
	var promoted string
	until(t, "the Sentinels to promote the replica", func() bool {
		promoted = s.Master()
		return promoted != "" && promoted != old
	})
	crashed.restart(t)
	until(t, "the master to have a replica in sync", func() bool { return replicated(s.Master()) })
	return promoted
}

// replicated reports whether the server at addr is a master with a
// replica in sync, and so accepts writes.
func replicated(addr string) bool {
	return addr != "" && info(addr, "replication", "role") == "master" &&
		info(addr, "replication", "min_slaves_good_slaves") == "1"
}

// awaitSentinels waits until each Sentinel watches master with its
// replica and knows the other Sentinels (they find each other through
// the master, every two seconds).
func (s *Sentinel) awaitSentinels(t testing.TB, master string) {
	t.Helper()
	for _, sn := range s.sentinels {
		awaitSentinelView(t, sn)
	}
	if got := s.Master(); got != master {
		t.Fatalf("Sentinels name master %q, want %q", got, master)
	}
}

func awaitSentinelView(t testing.TB, sn *server) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewSentinelClient(&redis.Options{Addr: sn.addr(), MaxRetries: -1})
	defer c.Close()
	until(t, sn.Name()+" to know the replica and the other Sentinels", func() bool {
		replicas, err1 := c.Replicas(ctx, SentinelMaster).Result()
		others, err2 := c.Sentinels(ctx, SentinelMaster).Result()
		return err1 == nil && err2 == nil && len(replicas) == 1 && len(others) == sentinelCount-1
	})
}
