package sandbox

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub/eventbusv1"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// The error codes the Pub/Sub API puts in the error-code trailer (docs
// "Handle Errors"; topic.notfound and replayid.validation.failed as seen
// from real orgs in public clients).
const (
	PubSubAuthError          = "sfdc.platform.eventbus.grpc.service.auth.error"
	PubSubTopicNotFound      = "sfdc.platform.eventbus.grpc.subscription.topic.notfound"
	PubSubReplayIDCorrupted  = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted"
	PubSubReplayIDValidation = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed"
	PubSubRequestedInvalid   = "sfdc.platform.eventbus.grpc.subscription.fetch.requested.events.invalid"
	pubSubSchemaNotFound     = "sfdc.platform.eventbus.grpc.schema.notfound"
	pubSubTopicMismatch      = "sfdc.platform.eventbus.grpc.subscription.topic.mismatch"
	pubSubNotSupported       = "sfdc.platform.eventbus.grpc.service.unsupported"
)

// NewPubSubServer is a gRPC server with the sandbox's Pub/Sub API
// (service eventbus.v1.PubSub): GetTopic, GetSchema and Subscribe on the
// change event topics of the objects selected for Change Data Capture.
// The caller serves it on a listener and stops it before Close.
func (s *Server) NewPubSubServer(opts ...grpc.ServerOption) *grpc.Server {
	g := grpc.NewServer(opts...)
	eventbusv1.RegisterPubSubServer(g, &pubSubService{s: s})
	return g
}

type pubSubService struct {
	eventbusv1.UnimplementedPubSubServer
	s *Server
}

// pubSubError is a status as the API sends it: the rpcId at the end of the
// description and in the trailers with the error-code.
func pubSubError(setTrailer func(metadata.MD), code codes.Code, errorCode, msg string) error {
	rpcID := transactionKey()
	setTrailer(metadata.Pairs("error-code", errorCode, "rpc-id", rpcID))
	return status.Errorf(code, "%s rpcId: %s", msg, rpcID)
}

func unaryTrailer(ctx context.Context) func(metadata.MD) {
	return func(md metadata.MD) { _ = grpc.SetTrailer(ctx, md) }
}

// authenticate checks the accesstoken, instanceurl and tenantid headers
// against the org's sessions (and extends the session, as any API call).
func (p *pubSubService) authenticate(ctx context.Context) (string, bool) {
	md, _ := metadata.FromIncomingContext(ctx)
	get := func(k string) string {
		if v := md.Get(k); len(v) > 0 {
			return v[0]
		}
		return ""
	}
	token, instance, tenant := get("accesstoken"), get("instanceurl"), get("tenantid")
	if token == "" || instance == "" || !sameOrg(tenant, p.s.cfg.OrgID) {
		return "", false
	}
	return token, p.s.sessionValid(token)
}

func (s *Server) sessionValid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.sessionUser(token)
	return ok
}

func sameOrg(tenant, org string) bool {
	t, ok := sfid.Normalize(tenant[:min(len(tenant), sfid.Len15)])
	return ok && (len(tenant) == sfid.Len15 || len(tenant) == sfid.Len18) && strings.EqualFold(t[:sfid.Len15], org[:sfid.Len15])
}

const authMessage = "An authentication exception occurred. Provide valid authentication via metadata headers."

func (p *pubSubService) authError(setTrailer func(metadata.MD)) error {
	return pubSubError(setTrailer, codes.Unauthenticated, PubSubAuthError, authMessage)
}

func (p *pubSubService) topicError(setTrailer func(metadata.MD), topic string) error {
	return pubSubError(setTrailer, codes.NotFound, PubSubTopicNotFound, fmt.Sprintf(
		"The topic information for org CORE/prod/%s and topic %s not found. Ensure the topic name is correct and that the topic exists.", p.s.cfg.OrgID, topic))
}

// topicSchema is the schema of a topic's events, or nil.
func (s *Server) topicSchema(topic string) *cdcSchema {
	if es, ok := s.eventSchemas[topic]; ok {
		return es
	}
	for object, cs := range s.cdcSchemas {
		if changeEventTopic(object) == topic {
			return cs
		}
	}
	return nil
}

func (p *pubSubService) GetTopic(ctx context.Context, req *eventbusv1.TopicRequest) (*eventbusv1.TopicInfo, error) {
	if _, ok := p.authenticate(ctx); !ok {
		return nil, p.authError(unaryTrailer(ctx))
	}
	cs := p.s.topicSchema(req.GetTopicName())
	if cs == nil {
		return nil, p.topicError(unaryTrailer(ctx), req.GetTopicName())
	}
	return &eventbusv1.TopicInfo{TopicName: req.GetTopicName(), TenantGuid: p.s.cfg.OrgID, CanPublish: false, CanSubscribe: true,
		SchemaId: cs.id, RpcId: transactionKey()}, nil
}

func (p *pubSubService) GetSchema(ctx context.Context, req *eventbusv1.SchemaRequest) (*eventbusv1.SchemaInfo, error) {
	if _, ok := p.authenticate(ctx); !ok {
		return nil, p.authError(unaryTrailer(ctx))
	}
	for _, cs := range slices.Concat(slices.Collect(maps.Values(p.s.cdcSchemas)), slices.Collect(maps.Values(p.s.eventSchemas))) {
		if cs.id == req.GetSchemaId() {
			return &eventbusv1.SchemaInfo{SchemaJson: cs.json, SchemaId: cs.id, RpcId: transactionKey()}, nil
		}
	}
	return nil, pubSubError(unaryTrailer(ctx), codes.NotFound, pubSubSchemaNotFound,
		fmt.Sprintf("The schema for schema ID %s not found.", req.GetSchemaId()))
}

func (p *pubSubService) Publish(ctx context.Context, _ *eventbusv1.PublishRequest) (*eventbusv1.PublishResponse, error) {
	return nil, pubSubError(unaryTrailer(ctx), codes.Unimplemented, pubSubNotSupported, "The sandbox does not take published events.")
}

// Subscribe serves one subscription: the first FetchRequest names the
// topic and where to start; every request adds num_requested to what is
// owed (at most 100 outstanding); events go out as they come, at most
// what is owed per response, and an empty response with the latest
// replay id is the keepalive.
func (p *pubSubService) Subscribe(stream eventbusv1.PubSub_SubscribeServer) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	token, ok := p.authenticate(ctx)
	if !ok {
		return p.authError(stream.SetTrailer)
	}
	topic := first.GetTopicName()
	if p.s.topicSchema(topic) == nil {
		return p.topicError(stream.SetTrailer, topic)
	}
	if first.GetNumRequested() <= 0 {
		return pubSubError(stream.SetTrailer, codes.InvalidArgument, PubSubRequestedInvalid,
			"The number of requested events must be greater than zero.")
	}
	bus := p.s.bus
	bus.mu.Lock()
	var pos uint64
	switch first.GetReplayPreset() {
	case eventbusv1.ReplayPreset_LATEST:
		pos = bus.latest
	case eventbusv1.ReplayPreset_EARLIEST:
		pos = bus.purged
	case eventbusv1.ReplayPreset_CUSTOM:
		id := first.GetReplayId()
		if len(id) == 0 {
			bus.mu.Unlock()
			return pubSubError(stream.SetTrailer, codes.InvalidArgument, PubSubReplayIDValidation,
				"The Replay ID validation failed. A replay ID is required with the CUSTOM replay preset.")
		}
		// An id the bus no longer has the events after, or never gave out.
		if len(id) != 8 || binary.BigEndian.Uint64(id) < bus.purged || binary.BigEndian.Uint64(id) > bus.latest {
			bus.mu.Unlock()
			return pubSubError(stream.SetTrailer, codes.InvalidArgument, PubSubReplayIDCorrupted, "The Replay ID validation failed.")
		}
		pos = binary.BigEndian.Uint64(id)
	default:
		bus.mu.Unlock()
		return pubSubError(stream.SetTrailer, codes.InvalidArgument, PubSubReplayIDValidation, "The Replay ID validation failed.")
	}
	st := bus.stats[topic]
	st.Streams++
	bus.stats[topic] = st
	bus.mu.Unlock()

	sub := &subscription{owed: min(int(first.GetNumRequested()), MaxPubSubRequested), more: make(chan struct{}, 1)}
	recvErr := make(chan error, 1)
	go func() { recvErr <- sub.receive(stream, topic) }()
	keepAlive := time.NewTimer(p.s.cfg.PubSub.KeepAlive)
	defer keepAlive.Stop()
	for {
		bus.mu.Lock()
		owed := sub.owing()
		var events []busEvent
		if owed > 0 {
			events = bus.after(topic, pos, owed)
		}
		latest, wake := bus.latest, bus.wake
		bus.mu.Unlock()
		if len(events) > 0 {
			// A session that expires ends the stream, as on a real org.
			if !p.s.sessionValid(token) {
				return p.authError(stream.SetTrailer)
			}
			resp := &eventbusv1.FetchResponse{RpcId: transactionKey()}
			for _, ev := range events {
				resp.Events = append(resp.Events, &eventbusv1.ConsumerEvent{
					Event:    &eventbusv1.ProducerEvent{Id: ev.uuid, SchemaId: ev.schemaID, Payload: ev.payload},
					ReplayId: replayBytes(ev.replayID)})
			}
			pos = events[len(events)-1].replayID
			resp.LatestReplayId = replayBytes(pos)
			resp.PendingNumRequested = int32(sub.take(len(events)))
			if err := stream.Send(resp); err != nil {
				return err
			}
			resetTimer(keepAlive, p.s.cfg.PubSub.KeepAlive)
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-recvErr:
			if err != nil {
				return err
			}
			recvErr = nil // the client closed its side: keep sending what is owed
		case <-wake:
		case <-sub.more:
		case <-keepAlive.C:
			if owed > 0 {
				if !p.s.sessionValid(token) {
					return p.authError(stream.SetTrailer)
				}
				// Nothing for this topic up to latest: the subscriber may
				// resume from it.
				pos = max(pos, latest)
				if err := stream.Send(&eventbusv1.FetchResponse{LatestReplayId: replayBytes(pos), RpcId: transactionKey(),
					PendingNumRequested: int32(owed)}); err != nil {
					return err
				}
			}
			keepAlive.Reset(p.s.cfg.PubSub.KeepAlive)
		}
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	t.Reset(d)
}

// subscription counts the events a Subscribe call is owed.
type subscription struct {
	mu   sync.Mutex
	owed int
	more chan struct{}
}

func (s *subscription) owing() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.owed
}

func (s *subscription) take(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owed -= n
	return s.owed
}

// receive adds later FetchRequests to what is owed, up to 100; a request
// naming another topic ends the stream with INVALID_ARGUMENT.
func (s *subscription) receive(stream eventbusv1.PubSub_SubscribeServer, topic string) error {
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if t := req.GetTopicName(); t != "" && t != topic {
			return pubSubError(stream.SetTrailer, codes.InvalidArgument, pubSubTopicMismatch,
				fmt.Sprintf("The topic name %s does not match the topic %s of this subscription.", t, topic))
		}
		s.mu.Lock()
		s.owed = min(s.owed+max(int(req.GetNumRequested()), 0), MaxPubSubRequested)
		s.mu.Unlock()
		select {
		case s.more <- struct{}{}:
		default:
		}
	}
}
