// Package pubsub subscribes to Salesforce's Pub/Sub API (gRPC, package
// eventbus.v1): change events and platform events as Avro, decoded
// against schemas fetched by id and cached, their header bitmaps turned
// into field names, and handed on in the JSON shape the Streaming API
// (CometD) delivers, so they make the same jobs as events posted to
// /webhooks/salesforce/events.
package pubsub

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"sync"

	"github.com/hamba/avro/v2"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub/eventbusv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// DefaultAddr is the global Pub/Sub API endpoint.
const DefaultAddr = "api.pubsub.salesforce.com:7443"

// Session gives the credentials of the metadata headers: the Salesforce
// REST client's token source (*salesforce.Client) is one.
type Session interface {
	Session(ctx context.Context) (token, instanceURL string, err error)
	InvalidateSession(token string)
}

// Client calls one org's Pub/Sub API. It is safe for concurrent use.
type Client struct {
	conn    *grpc.ClientConn
	api     eventbusv1.PubSubClient
	session Session
	orgID   string

	mu      sync.Mutex
	schemas map[string]*avro.RecordSchema // by schema id
}

// Dial connects to addr with TLS (system roots), or in plaintext when
// plaintext is set (the sandbox). orgID is the tenantid header; "" takes
// the org id in front of the token's "!".
func Dial(addr string, plaintext bool, session Session, orgID string) (*Client, error) {
	creds := credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	if plaintext {
		creds = insecure.NewCredentials()
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		return nil, fmt.Errorf("pubsub: connecting to %s: %w", addr, err)
	}
	return &Client{conn: conn, api: eventbusv1.NewPubSubClient(conn), session: session, orgID: orgID,
		schemas: map[string]*avro.RecordSchema{}}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// withAuth adds the auth headers; token is what InvalidateSession takes.
func (c *Client) withAuth(ctx context.Context) (context.Context, string, error) {
	token, instance, err := c.session.Session(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("pubsub: getting a Salesforce session: %w", err)
	}
	org := c.orgID
	if org == "" {
		org, _, _ = strings.Cut(token, "!")
	}
	return metadata.AppendToOutgoingContext(ctx, "accesstoken", token, "instanceurl", instance, "tenantid", org), token, nil
}

// Topic calls GetTopic.
func (c *Client) Topic(ctx context.Context, name string) (*eventbusv1.TopicInfo, error) {
	ctx, token, err := c.withAuth(ctx)
	if err != nil {
		return nil, err
	}
	info, err := c.api.GetTopic(ctx, &eventbusv1.TopicRequest{TopicName: name})
	if err != nil {
		c.forget(token, err)
		return nil, fmt.Errorf("pubsub: GetTopic %s: %w", name, err)
	}
	return info, nil
}

// Schema returns the record schema of id, from the cache or GetSchema.
func (c *Client) Schema(ctx context.Context, id string) (*avro.RecordSchema, error) {
	c.mu.Lock()
	s, ok := c.schemas[id]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	ctx, token, err := c.withAuth(ctx)
	if err != nil {
		return nil, err
	}
	info, err := c.api.GetSchema(ctx, &eventbusv1.SchemaRequest{SchemaId: id})
	if err != nil {
		c.forget(token, err)
		return nil, fmt.Errorf("pubsub: GetSchema %s: %w", id, err)
	}
	parsed, err := avro.ParseWithCache(info.GetSchemaJson(), "", &avro.SchemaCache{}) // own cache: every CDC schema defines ChangeEventHeader
	if err != nil {
		return nil, fmt.Errorf("pubsub: schema %s: %w", id, err)
	}
	rec, ok := parsed.(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("pubsub: schema %s is a %s, not a record", id, parsed.Type())
	}
	c.mu.Lock()
	c.schemas[id] = rec
	c.mu.Unlock()
	return rec, nil
}

// forget drops the session after an authentication error.
func (c *Client) forget(token string, err error) {
	if IsAuthError(err) {
		c.session.InvalidateSession(token)
	}
}
