package testredis

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// minClusterNodes is the fewest masters redis-cli builds a cluster of.
const minClusterNodes = 3

// Cluster is a throwaway Redis Cluster of masters without replicas, its
// 16384 hash slots spread over them.
type Cluster struct {
	Addrs []string
	nodes []*server
}

// StartCluster starts n cluster-enabled redis-server processes (at least
// three), joins them with `redis-cli --cluster create` and waits until
// every node reports cluster_state:ok. They are killed when the test ends.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < minClusterNodes {
		t.Fatalf("StartCluster: %d nodes; Redis Cluster needs at least %d masters", n, minClusterNodes)
	}
	c := &Cluster{}
	for i := range n {
		node := startServer(t, "redis-cluster-"+strconv.Itoa(i+1), false, func(int) []string {
			return []string{
				"cluster-enabled yes",
				"cluster-config-file nodes.conf",
				"cluster-port " + strconv.Itoa(freePort(t)), // the bus; by default port+10000, maybe taken
				"cluster-node-timeout 5000",
			}
		})
		c.nodes = append(c.nodes, node)
		c.Addrs = append(c.Addrs, node.addr())
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(binary(t, "redis-cli"), args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, addr := range c.Addrs {
		until(t, "cluster_state:ok on "+addr, func() bool { return clusterReady(addr, n) })
	}
	return c
}

// clusterReady reports whether the node at addr sees all n nodes and every
// slot served.
func clusterReady(addr string, n int) bool {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	text, err := c.ClusterInfo(context.Background()).Result()
	return err == nil && strings.Contains(text, "cluster_state:ok") &&
		strings.Contains(text, "cluster_slots_ok:16384") &&
		strings.Contains(text, "cluster_known_nodes:"+strconv.Itoa(n)+"\r")
}

// URL is the cluster as a REDIS_URL value.
func (c *Cluster) URL() string { return "redis-cluster://" + strings.Join(c.Addrs, ",") }

// NewClient opens a cluster client of its own, as another process would;
// it is closed when the test ends.
func (c *Cluster) NewClient(t testing.TB) redis.UniversalClient {
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
	t.Cleanup(func() { client.Close() })
	return client
}
