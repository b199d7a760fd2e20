// Package sandbox is an in-memory emulator of the part of the Salesforce
// API that Tandem uses: the OAuth 2.0 token endpoint (client credentials,
// JWT bearer), REST sObjects, SOQL queries, sObject Collections, Bulk API
// 2.0 ingest jobs, describe, limits and the daily API allocation, and
// Outbound Messages and Change Data Capture events sent on
// every change, all with Salesforce's paths, status codes, headers and
// bodies. It starts with deterministic seed data (accounts, contacts,
// products, price book entries, open opportunities with lines and two
// users).
//
// Mounted at BaseURL, it answers what a Salesforce org would. A newcomer can
// close a deal with the fixed demo session of the seeded sales user:
//
//	curl -X PATCH "$BASE/services/data/v62.0/sobjects/Opportunity/<id>" \
//	  -H "Authorization: Bearer 00D5e000000TNDM!demo.sales.user.token" \
//	  -H "Content-Type: application/json" -d '{"StageName":"Closed Won"}'
package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// User is a user of the sandbox org.
type User struct {
	ID       string
	Username string
	Name     string
	Email    string
}

// Server is one sandbox org. Its methods are safe for concurrent use.
type Server struct {
	cfg       Config
	schema    *schema.Schema
	log       *slog.Logger
	jwtKey    *rsa.PrivateKey
	jwtPublic crypto.PublicKey
	outbound  *outbound
	events    *forwarder
	faults    *faultInjector
	bulk      *bulkJobs
	bus       *eventBus
	// cdcSelected are the objects selected for Change Data Capture, with
	// their change event schemas.
	cdcSelected map[string]bool
	cdcSchemas  map[string]*cdcSchema
	// eventTypes are the shipped platform events; eventSchemas their
	// Avro schemas by topic; eventCount numbers their publishes.
	eventTypes   *schema.Schema
	eventSchemas map[string]*cdcSchema
	eventCount   uint64

	mu                  sync.Mutex
	store               *store
	sessions            map[string]*session
	users               map[string]User // by username
	sales, integration  User
	standardPricebookID string
	apiUsage            apiUsage
	cursors             *cursors
	obSession           string // SessionId of SendSessionID messages
	listeners           []func(ChangeEvent)
	commitNumber        uint64         // of the last transaction with change events
	fls                 *fieldSecurity // nil: no field-level security
}

// New builds a sandbox with its seed data and starts Outbound Message
// delivery and the change event forwarder; Close stops them.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	org, ok := sfid.Normalize(cfg.OrgID[:min(len(cfg.OrgID), sfid.Len15)])
	if !ok || (len(cfg.OrgID) != sfid.Len15 && len(cfg.OrgID) != sfid.Len18) {
		return nil, fmt.Errorf("sandbox: OrgID %q is not a 15- or 18-character Salesforce id", cfg.OrgID)
	}
	if len(cfg.OrgID) == sfid.Len15 {
		cfg.OrgID = org
	}
	cfg.QueryBatchSize = max(MinQueryBatchSize, min(MaxQueryBatchSize, cfg.QueryBatchSize))
	s := &Server{
		cfg: cfg, schema: schema.Default(), log: cfg.Logger,
		sessions: map[string]*session{}, users: map[string]User{}, cursors: newCursors(),
		faults: newFaultInjector(cfg.Faults), bulk: newBulkJobs(),
	}
	if cfg.SingleCurrency {
		s.schema = schema.SingleCurrency()
		s.cfg.Outbound = withoutCurrency(cfg.Outbound)
	}
	s.store = newStore(s.schema)
	selected, err := cfg.Events.check(s.schema)
	if err != nil {
		return nil, err
	}
	if err := s.setUpCDC(selected); err != nil {
		return nil, err
	}
	if err := s.setUpPlatformEvents(); err != nil {
		return nil, err
	}
	if err := s.setUpJWT(); err != nil {
		return nil, err
	}
	if err := s.seed(); err != nil {
		return nil, fmt.Errorf("sandbox: seeding demo data: %w", err)
	}
	if s.fls, err = newFieldSecurity(cfg, s.integration.ID); err != nil {
		return nil, err
	}
	ob, err := newOutbound(s)
	if err != nil {
		return nil, err
	}
	s.outbound = ob
	s.events = newForwarder(s)
	s.sessions[cfg.DemoToken] = &session{user: s.sales, permanent: true}
	return s, nil
}

func (s *Server) setUpJWT() error {
	if s.cfg.JWTPublicKey != nil {
		s.jwtPublic = s.cfg.JWTPublicKey
		return nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("sandbox: generating the JWT signing key: %w", err)
	}
	s.jwtKey, s.jwtPublic = key, &key.PublicKey
	return nil
}

// Close stops Outbound Message delivery and change event forwarding and
// waits for their goroutines.
func (s *Server) Close() {
	s.bulk.close()
	s.outbound.close()
	s.events.close()
}

// OrgID is the 18-character org id.
func (s *Server) OrgID() string { return s.cfg.OrgID }

// org15 is the 15-character org id.
func (s *Server) org15() string { return s.cfg.OrgID[:sfid.Len15] }

// JWTPrivateKey signs JWT bearer assertions the sandbox accepts; nil when
// Config.JWTPublicKey was given.
func (s *Server) JWTPrivateKey() *rsa.PrivateKey { return s.jwtKey }

// SalesUser is the seeded sales user, whose session is Config.DemoToken.
func (s *Server) SalesUser() User { return s.sales }

// IntegrationUser is the run-as user of the client credentials flow.
func (s *Server) IntegrationUser() User { return s.integration }
