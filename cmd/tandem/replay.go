package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/jobs"
)

const replayUsage = `usage: tandem replay [--type T] [--queue Q] [--error TEXT] [--older-than DUR] [--id ID]... [--all] [--dry-run]

Without arguments, lists the archived jobs (failed for good). With --id
(repeatable), --all or any filter, replays those jobs: each runs again, once,
under its own id, with the current mapping and configuration. --dry-run lists
what would be replayed and changes nothing. Needs REDIS_URL.

`

// lastErrorWidth keeps the table on one line per job.
const lastErrorWidth = 90

// idList is a repeatable --id flag.
type idList []string

func (l *idList) String() string      { return strings.Join(*l, ",") }
func (l *idList) Set(id string) error { *l = append(*l, id); return nil }

// replayCommand is `tandem replay`; it prints to out.
func replayCommand(ctx context.Context, cfg *config.Config, args []string, out io.Writer) error {
	q, list, err := parseReplayArgs(args, out)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	a, err := newApp(cfg, redisShared)
	if err != nil {
		return err
	}
	defer a.close()
	r := jobs.NewReplayer(asynq.NewInspectorFromRedisClient(a.redis.Client))
	if list {
		archived, err := r.List(ctx, jobs.JobFilter{})
		if err != nil {
			return err
		}
		printJobs(out, archived)
		fmt.Fprintf(out, "%d archived jobs\n", len(archived))
		return nil
	}
	res, err := r.Replay(ctx, q)
	printReplay(out, res)
	return err
}

// parseReplayArgs turns flags into a replay request; list is true when
// none select jobs.
func parseReplayArgs(args []string, out io.Writer) (q jobs.ReplayRequest, list bool, err error) {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprint(out, replayUsage); fs.PrintDefaults() }
	var f jobs.JobFilter
	var ids idList
	fs.StringVar(&f.Type, "type", "", "task type or flow, e.g. f1 or f1:opportunity_to_salesorder")
	fs.StringVar(&f.Queue, "queue", "", "queue: "+strings.Join(jobs.QueueNames(), " or "))
	fs.StringVar(&f.Error, "error", "", "text in the last error (any case)")
	fs.DurationVar(&f.OlderThan, "older-than", 0, "last failed at least this long ago, e.g. 2h")
	fs.Var(&ids, "id", "a job id to replay (repeatable)")
	fs.BoolVar(&q.All, "all", false, "replay every archived job")
	fs.BoolVar(&q.DryRun, "dry-run", false, "show what would be replayed; change nothing")
	if err := fs.Parse(args); err != nil {
		return q, false, err
	}
	if fs.NArg() > 0 {
		return q, false, fmt.Errorf("replay: unexpected argument %q (see tandem replay --help)", fs.Arg(0))
	}
	q.IDs = ids
	if f != (jobs.JobFilter{}) {
		q.Filter = &f
	}
	return q, len(q.IDs) == 0 && q.Filter == nil && !q.All, nil
}

func printReplay(out io.Writer, res jobs.ReplayResult) {
	printJobs(out, res.Replayed)
	for _, s := range res.Skipped {
		fmt.Fprintf(out, "skipped %s: %s\n", s.ID, s.Reason)
	}
	verb := "replayed"
	if res.DryRun {
		verb = "would replay (dry run)"
	}
	fmt.Fprintf(out, "%s %d jobs, skipped %d\n", verb, len(res.Replayed), len(res.Skipped))
}

// printJobs prints a table, one job a line.
func printJobs(out io.Writer, list []jobs.Job) {
	if len(list) == 0 {
		return
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tQUEUE\tRETRIED\tLAST FAILED\tRECORD\tLAST ERROR")
	for _, j := range list {
		failed := "-"
		if !j.LastFailedAt.IsZero() {
			failed = j.LastFailedAt.UTC().Format(time.RFC3339)
		}
		record := strings.Trim(j.Payload.Object+" "+j.Payload.RecordID, " ")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", j.ID, j.Type, j.Queue, j.Retried, j.MaxRetry, failed, record, oneLine(j.LastError, lastErrorWidth))
	}
	tw.Flush()
}

// oneLine shortens s to n runes on one line.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
