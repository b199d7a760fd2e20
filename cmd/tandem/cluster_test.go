package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/internal/procs"
)

// cluster is Tandem deployed as separate processes, as in production: a
// real redis-server (append-only file on), `tandem sandbox` with its
// control surface, one `tandem serve` and some `tandem work`, each a child
// process of the test that it can stop, kill and restart.
type cluster struct {
	t         testing.TB
	redis     *procs.Redis
	sandbox   *procs.Proc
	serve     *procs.Proc
	workers   []*procs.Proc
	sandboxes *remoteSandboxes
	inspector *asynq.Inspector
	serveURL  string
	pubsub    bool
}

// clusterConfig says what to start; zero values start one worker and no faults.
type clusterConfig struct {
	workers         int
	shutdownTimeout time.Duration // TANDEM_SHUTDOWN_TIMEOUT of the workers; 0 = the default
	sfFaults        string        // TANDEM_SANDBOX_SF_FAULTS
	nsFaults        string        // TANDEM_SANDBOX_NS_FAULTS
	maxRetry        int           // TANDEM_MAX_RETRY; 0 = the default
	// pubsub: change events reach Tandem only over the sandbox's Pub/Sub
	// API (the workers subscribe; the JSON forwarder is off).
	pubsub bool
}

// clusterWait guards the cluster's waits against hangs; generous, since
// retries after several injected faults back off for minutes.
const clusterWait = 15 * time.Minute

func startCluster(t testing.TB, cfg clusterConfig) *cluster {
	t.Helper()
	bin, err := tandemBinary.Path()
	if err != nil {
		t.Fatal(err)
	}
	serveAddr, sandboxAddr, pubsubAddr := freeAddr(t), freeAddr(t), "127.0.0.1:0"
	if cfg.pubsub { // every process must know where the sandbox streams
		pubsubAddr = freeAddr(t)
	}
	c := &cluster{t: t, redis: procs.StartRedis(t), serveURL: "http://" + serveAddr, pubsub: cfg.pubsub}
	common := []string{"TANDEM_LOG_FORMAT=json", "TANDEM_LOG_LEVEL=info", "TANDEM_ADDR=" + serveAddr,
		"TANDEM_SANDBOX_ADDR=" + sandboxAddr, "REDIS_URL=" + c.redis.URL(),
		"TANDEM_SF_PUBSUB_TOPICS=none", "TANDEM_SANDBOX_PUBSUB_ADDR=" + pubsubAddr}
	if cfg.maxRetry > 0 { // set on each job by serve, when it enqueues
		common = append(common, fmt.Sprintf("TANDEM_MAX_RETRY=%d", cfg.maxRetry))
	}
	c.sandbox = procs.Start(t, procs.Spec{Name: "sandbox", Path: bin, Args: []string{"sandbox"}, Env: append(common,
		"TANDEM_SANDBOX_CONTROL=on", "TANDEM_SANDBOX_SF_FAULTS="+cfg.sfFaults, "TANDEM_SANDBOX_NS_FAULTS="+cfg.nsFaults)})
	c.sandboxes = newRemoteSandboxes(t, sandboxAddr)
	c.sandbox.WaitHTTP(c.sandboxes.base + controlNetSuitePath + "/stats")
	if cfg.pubsub {
		c.sandboxes.must(http.MethodPut, controlSalesforcePath+"/events-url", map[string]string{"url": ""}, nil)
	}
	c.serve = procs.Start(t, procs.Spec{Name: "serve", Path: bin, Args: []string{"serve"}, Env: common})
	c.serve.WaitHTTP(c.serveURL + "/readyz")
	workEnv := append(common, "TANDEM_WORKER_CONCURRENCY=10", "TANDEM_SF_RATE_LIMIT=1000", "TANDEM_NS_CONCURRENCY=5")
	if cfg.pubsub {
		workEnv = append(workEnv, "TANDEM_SF_PUBSUB_TOPICS="+strings.Join(clusterTopics, ","))
	}
	if cfg.shutdownTimeout > 0 {
		workEnv = append(workEnv, "TANDEM_SHUTDOWN_TIMEOUT="+cfg.shutdownTimeout.String())
	}
	for i := range max(cfg.workers, 1) {
		w := procs.Start(t, procs.Spec{Name: fmt.Sprintf("work-%d", i+1), Path: bin, Args: []string{"work"}, Env: workEnv})
		w.WaitLog("tandem working")
		c.workers = append(c.workers, w)
	}
	c.inspector = asynq.NewInspector(asynq.RedisClientOpt{Addr: c.redis.Addr})
	t.Cleanup(func() { c.inspector.Close() })
	return c
}

func freeAddr(t testing.TB) string {
	t.Helper()
	addr, err := procs.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// settle waits until both sandboxes delivered every notification and no
// job is left in any queue.
func (c *cluster) settle() {
	c.t.Helper()
	waitQuiet(c.t, clusterWait, func() (bool, string) {
		if ok, busy := c.sandboxes.idle(); !ok {
			return false, busy
		}
		if ok, busy := c.streamed(); !ok {
			return false, busy
		}
		return queuesIdle(c.inspector)
	})
}

func (c *cluster) archived() []*asynq.TaskInfo {
	c.t.Helper()
	return archivedTasks(c.t, c.inspector)
}

// restartServe stops serve with SIGTERM (it drains what is in flight and
// must exit cleanly) and starts it again on the same address.
func (c *cluster) restartServe() {
	c.t.Helper()
	c.stopCleanly(c.serve)
	c.serve.Restart()
	c.serve.WaitHTTP(c.serveURL + "/readyz")
}

// restartWorker stops a worker with SIGTERM (running jobs get the shutdown
// timeout, the rest go back to the queue) and starts it again.
func (c *cluster) restartWorker(i int) {
	c.t.Helper()
	c.stopCleanly(c.workers[i])
	c.workers[i].Restart()
	c.workers[i].WaitLog("tandem working")
}

// killWorker kills a worker with SIGKILL, mid-job, and starts it again:
// its jobs come back when their leases run out.
func (c *cluster) killWorker(i int) {
	c.t.Helper()
	c.workers[i].Kill()
	c.workers[i].Restart()
	c.workers[i].WaitLog("tandem working")
}

// restartRedis stops redis-server and starts it again on the same port and
// data: what it acknowledged comes back from the append-only file.
func (c *cluster) restartRedis() {
	c.t.Helper()
	c.stopCleanly(c.redis.Proc)
	c.redis.Start()
}

// setFaults sets both sandboxes' faults, in TANDEM_SANDBOX_*_FAULTS form,
// from now on (each re-seeded).
func (c *cluster) setFaults(sfSpec, nsSpec string) {
	c.t.Helper()
	sf, ns, err := faultsOf(sfSpec, nsSpec)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sandboxes.must(http.MethodPut, controlSalesforcePath+"/faults", sf, nil)
	c.sandboxes.must(http.MethodPut, controlNetSuitePath+"/faults", ns, nil)
}

func (c *cluster) stopCleanly(p *procs.Proc) {
	c.t.Helper()
	if err := p.Stop(); err != nil {
		c.t.Errorf("%s did not shut down cleanly on SIGTERM: %v", p.Name(), err)
	}
}
