package handlers

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// BenchmarkIngest measures Outbound Message notifications accepted per
// second through HTTP into Redis, beside raw asynq Client.Enqueue with the
// same options at the same concurrency, in the same run, and reports the
// ratio. Messages carry 1 notification (the worst case), 10, or 100
// (Salesforce's most). Beside them, http_floor/s is the same client
// posting the same messages to a handler that only reads the body and
// answers the Ack: what HTTP alone allows on this machine, and
// floor_ratio what that leaves of the raw enqueue rate.
func BenchmarkIngest(b *testing.B) {
	for _, perMessage := range []int{1, 10, 100} {
		for _, conc := range []int{8, 32} {
			b.Run(fmt.Sprintf("notifications=%d/concurrency=%d", perMessage, conc), func(b *testing.B) {
				benchIngest(b, perMessage, conc)
			})
		}
	}
}

const ingestNotifications = 20000

func benchIngest(b *testing.B, perMessage, conc int) {
	db := testredis.New(b)
	client := asynq.NewClient(db.AsynqOpt())
	defer client.Close()
	enq := jobs.NewEnqueuer(db.Client, 3)
	srv := httptest.NewServer(NewRouter(RouterDeps{
		SalesforceOutbound: &SalesforceOutbound{OrgIDs: []string{testOrg}, Enqueuer: enq, Logger: logging.Discard()},
		Logger:             logging.Discard(),
	}))
	defer srv.Close()
	floor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		writeAck(w)
	}))
	defer floor.Close()
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}}
	// The raw side enqueues the very payload the HTTP side stores.
	sample, err := ParseOutboundMessage(benchMessage("x", 1))
	if err != nil {
		b.Fatal(err)
	}
	obj := sample.Notifications[0].SObject
	change := jobs.Change{Source: jobs.SourceSalesforceOutbound, OrgID: testOrg, Object: obj.Type, RecordID: obj.ID,
		Fields: obj.Fields, ReceivedAt: time.Now(), CorrelationID: "0123456789abcdef"}
	messages := ingestNotifications / perMessage
	post := func(url, prefix string) float64 {
		return float64(messages*perMessage) / timeParallel(conc, messages, func(m int) {
			body := benchMessage(fmt.Sprintf("%s-%d", prefix, m), perMessage)
			resp, err := httpClient.Post(url+PathSalesforceOutbound, soapContentType, bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
			}
		}).Seconds()
	}
	var httpRate, rawRate, floorRate float64
	for i := 0; i < b.N; i++ {
		db.Client.FlushDB(b.Context())
		httpRate = post(srv.URL, fmt.Sprintf("h%d", i))
		rawRate = float64(ingestNotifications) / timeParallel(conc, ingestNotifications, func(n int) {
			id := jobs.OutboundTaskID(jobs.TypeOpportunityToSalesOrder, testOrg, fmt.Sprintf("r%d-%d", i, n))
			ch := change
			ch.EventID = id
			if err := enq.EnqueueWithClient(b.Context(), client, jobs.Incoming{Type: jobs.TypeOpportunityToSalesOrder, ID: id, Change: ch}); err != nil {
				b.Error(err)
			}
		}).Seconds()
	}
	for i := 0; i < b.N; i++ {
		floorRate = post(floor.URL, "floor")
	}
	b.ReportMetric(httpRate, "http_notifications/s")
	b.ReportMetric(floorRate, "http_floor/s")
	b.ReportMetric(floorRate/rawRate, "floor_ratio")
	b.ReportMetric(rawRate, "raw_enqueues/s")
	b.ReportMetric(httpRate/rawRate, "ratio")
}

// timeParallel runs fn(0..n-1) on conc goroutines and returns the time taken.
func timeParallel(conc, n int, fn func(int)) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < conc; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// benchMessage is an Outbound Message with n Opportunity notifications
// shaped like the real captures.
func benchMessage(prefix string, n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>` + testOrg + `</OrganizationId><ActionId>04k5e000000TNDMAAW</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>https://tandem-dev.my.salesforce.com/services/Soap/c/62.0/00D5e000000TNDM</EnterpriseUrl><PartnerUrl>https://tandem-dev.my.salesforce.com/services/Soap/u/62.0/00D5e000000TNDM</PartnerUrl>`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<Notification><Id>04l%s-%d</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065e00000GkQ1xAAF</sf:Id><sf:AccountId>0015e00000XyZ12AAB</sf:AccountId><sf:Amount>45000.0</sf:Amount><sf:CloseDate>2026-11-20</sf:CloseDate><sf:IsClosed>true</sf:IsClosed><sf:IsWon>true</sf:IsWon><sf:LastModifiedDate>2026-11-20T10:04:32.000Z</sf:LastModifiedDate><sf:Name>Globex renewal</sf:Name><sf:StageName>Closed Won</sf:StageName></sObject></Notification>`, prefix, i)
	}
	b.WriteString(`</notifications></soapenv:Body></soapenv:Envelope>`)
	return []byte(b.String())
}

// BenchmarkParseOutboundMessage is the parser alone, per notification.
func BenchmarkParseOutboundMessage(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		body := benchMessage("p", n)
		b.Run(fmt.Sprintf("notifications=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for i := 0; i < b.N; i++ {
				if _, err := ParseOutboundMessage(body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/notification")
		})
	}
}
