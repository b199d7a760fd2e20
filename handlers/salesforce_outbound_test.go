package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

const testOrg = "00D5e000000TNDMEA4"

type ingress struct {
	url       string
	inspector *asynq.Inspector
}

func newIngress(t *testing.T, opt asynq.RedisConnOpt, token string) *ingress {
	t.Helper()
	client := testredis.ClientFor(t, opt)
	h := NewRouter(RouterDeps{
		SalesforceOutbound: &SalesforceOutbound{
			OrgIDs:   []string{testOrg[:15]},
			Token:    token,
			Enqueuer: jobs.NewEnqueuer(client, 3),
			Logger:   logging.Discard(),
		},
		Logger: logging.Discard(),
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	insp := asynq.NewInspector(opt)
	t.Cleanup(func() { insp.Close() })
	return &ingress{url: srv.URL + PathSalesforceOutbound, inspector: insp}
}

func (in *ingress) post(t *testing.T, query string, body []byte) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Post(in.url+query, soapContentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// pending returns the tasks waiting in the F1 queue.
func (in *ingress) pending(t *testing.T) []*asynq.TaskInfo {
	t.Helper()
	tasks, err := in.inspector.ListPendingTasks(jobs.QueueSalesforceToNetSuite)
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

func TestOutboundAcceptsAndEnqueues(t *testing.T) {
	db := testredis.New(t)
	in := newIngress(t, db.AsynqOpt(), "")
	status, body, hdr := in.post(t, "", readTestdata(t, "opportunity-won.xml"))
	if status != http.StatusOK || body != outboundAck || hdr.Get("Content-Type") != "text/xml; charset=utf-8" {
		t.Fatalf("got %d %q %q", status, hdr.Get("Content-Type"), body)
	}
	tasks := in.pending(t)
	if len(tasks) != 1 {
		t.Fatalf("%d tasks enqueued, want 1", len(tasks))
	}
	task := tasks[0]
	if task.ID != "f1:opportunity_to_salesorder:sf:00D5e000000TNDM:04l5e00000AbCdEAAV" || task.Type != jobs.TypeOpportunityToSalesOrder {
		t.Errorf("task %s of type %s", task.ID, task.Type)
	}
	if task.Retention < 24*time.Hour {
		t.Errorf("retention %s does not cover Salesforce's 24h re-send window", task.Retention)
	}
	var ch jobs.Change
	if err := json.Unmarshal(task.Payload, &ch); err != nil {
		t.Fatal(err)
	}
	if ch.RecordID != "0065e00000GkQ1xAAF" || ch.Object != "Opportunity" || ch.OrgID != testOrg || ch.EventID != "04l5e00000AbCdEAAV" || ch.CorrelationID == "" {
		t.Errorf("payload = %+v", ch)
	}
}

func TestOutboundDuplicatesAreAcknowledgedOnce(t *testing.T) {
	db := testredis.New(t)
	in := newIngress(t, db.AsynqOpt(), "")
	msg := readTestdata(t, "opportunity-won.xml")
	for i := 0; i < 10; i++ {
		if status, body, _ := in.post(t, "", msg); status != http.StatusOK || body != outboundAck {
			t.Fatalf("copy %d: %d %s", i+1, status, body)
		}
	}
	if n := len(in.pending(t)); n != 1 {
		t.Fatalf("ten copies left %d tasks, want 1", n)
	}
	// A batch holding one known and one new notification stores the new one.
	if status, _, _ := in.post(t, "", readTestdata(t, "two-notifications-one-line.xml")); status != http.StatusOK {
		t.Fatal(status)
	}
	if status, _, _ := in.post(t, "", readTestdata(t, "two-notifications-one-line.xml")); status != http.StatusOK {
		t.Fatal(status)
	}
	if n := len(in.pending(t)); n != 3 {
		t.Fatalf("%d tasks, want 3", n)
	}
}

func TestOutboundRefusesAndStoresNothing(t *testing.T) {
	db := testredis.New(t)
	in := newIngress(t, db.AsynqOpt(), "s3cret-token")
	valid := readTestdata(t, "opportunity-won.xml")
	otherOrg := bytes.ReplaceAll(valid, []byte(testOrg), []byte("00D000000000001EAA"))
	tests := []struct {
		name   string
		query  string
		body   []byte
		status int
		fault  string
	}{
		{"no token", "", valid, 401, "missing or wrong token"},
		{"wrong token", "?token=guess", valid, 401, "missing or wrong token"},
		{"malformed", "?token=s3cret-token", valid[:200], 400, "malformed outbound message"},
		{"unknown org", "?token=s3cret-token", otherOrg, 403, "organization 00D000000000001EAA is not allowed"},
		{"entities", "?token=s3cret-token", []byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "x">]><r/>`), 400, "DOCTYPE"},
		{"oversize", "?token=s3cret-token", append(bytes.Repeat([]byte(" "), MaxBodyBytes), valid...), 413, "over the 1048576-byte limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, hdr := in.post(t, tt.query, tt.body)
			if status != tt.status {
				t.Errorf("status %d, want %d (%s)", status, tt.status, body)
			}
			if !strings.Contains(body, "<faultstring>") || !strings.Contains(body, tt.fault) || hdr.Get("Content-Type") != soapContentType {
				t.Errorf("not a SOAP fault saying %q: %s", tt.fault, body)
			}
		})
	}
	if n := len(in.pending(t)); n != 0 {
		t.Fatalf("refused messages enqueued %d tasks", n)
	}
	if status, _, _ := in.post(t, "?token=s3cret-token", valid); status != 200 {
		t.Fatalf("the right token was refused: %d", status)
	}
}

// TestOutboundRecordsUnusableNotifications: a notification no flow can use
// is acknowledged and stored as a TypeUnusable job with its reason (its
// worker archives it); a re-send stores nothing new.
func TestOutboundRecordsUnusableNotifications(t *testing.T) {
	db := testredis.New(t)
	in := newIngress(t, db.AsynqOpt(), "")
	unknownType := bytes.ReplaceAll(readTestdata(t, "opportunity-won.xml"), []byte("sf:Opportunity"), []byte("sf:Lead"))
	for range 2 {
		if status, body, _ := in.post(t, "", unknownType); status != 200 || !strings.Contains(body, "<Ack>true</Ack>") {
			t.Fatalf("status %d, %s; want an Ack", status, body)
		}
	}
	tasks := in.pending(t)
	if len(tasks) != 1 || tasks[0].Type != jobs.TypeUnusable || !strings.Contains(string(tasks[0].Payload), "no Tandem flow handles Outbound Messages for Lead") {
		t.Fatalf("stored %d tasks, want one %s with the reason", len(tasks), jobs.TypeUnusable)
	}
}

// TestOutboundOversizeChunked sends an oversize body without a length: it
// must be cut off at the limit, not read whole.
func TestOutboundOversizeChunked(t *testing.T) {
	db := testredis.New(t)
	in := newIngress(t, db.AsynqOpt(), "")
	pr, pw := io.Pipe()
	sent := make(chan int64, 1)
	go func() {
		var n int64
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for i := 0; i < 10*16; i++ { // 10 MiB, unless the server stops reading
			m, err := pw.Write(chunk)
			n += int64(m)
			if err != nil {
				break
			}
		}
		pw.Close()
		sent <- n
	}()
	req, _ := http.NewRequest(http.MethodPost, in.url, pr)
	req.Header.Set("Content-Type", soapContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	pr.CloseWithError(io.ErrClosedPipe)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
	if n := <-sent; n >= 10<<20 {
		t.Errorf("server read all %d bytes of an oversize body", n)
	}
}

func TestOutboundRedisDownIs503(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // a port nobody answers on once closed
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	in := newIngress(t, asynq.RedisClientOpt{Addr: addr, DialTimeout: 200 * time.Millisecond}, "")
	status, body, _ := in.post(t, "", readTestdata(t, "opportunity-won.xml"))
	if status != http.StatusServiceUnavailable || strings.Contains(body, "<Ack>") || !strings.Contains(body, "soapenv:Server") {
		t.Fatalf("got %d %s", status, body)
	}
}

func TestHealthAndReady(t *testing.T) {
	down := fmt.Errorf("dial tcp: connection refused")
	for _, tc := range []struct {
		path  string
		check error
		want  int
	}{{PathHealth, down, 200}, {PathReady, nil, 200}, {PathReady, down, 503}} {
		check := tc.check
		h := NewRouter(RouterDeps{Ready: func(context.Context) error { return check }, Logger: logging.Discard()})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s with check %v: %d, want %d", tc.path, tc.check, rec.Code, tc.want)
		}
	}
}
