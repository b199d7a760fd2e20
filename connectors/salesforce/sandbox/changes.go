package sandbox

import "time"

// ChangeEvent describes one committed change of one record, with the
// header fields of a Change Data Capture event.
type ChangeEvent struct {
	Object   string
	RecordID string
	// ChangeType is "CREATE", "UPDATE", "DELETE" or "UNDELETE".
	ChangeType string
	// ChangedFields lists, for UPDATE, the fields whose values changed
	// (LastModifiedDate always).
	ChangedFields []string
	// ChangeOrigin is "com/salesforce/api/rest/62.0;client=<client>" for a
	// REST write (";client=…" only with a Sforce-Call-Options client) and
	// "" for writes through the Go API (like UI edits, whose change events
	// say "com/salesforce/api/soap/62.0;client=SfdcInternalAPI/").
	ChangeOrigin    string
	CommitUser      string
	CommitTimestamp time.Time
	// TransactionKey is shared by the changes of one transaction.
	TransactionKey string
	// Fields is the record after the change (nil for DELETE), in the Go
	// API's value forms.
	Fields map[string]any
}

// OnChange registers fn to be called after every committed change. Calls
// happen on the writing goroutine, after the sandbox's lock is released.
func (s *Server) OnChange(fn func(ChangeEvent)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, fn)
}

// publish queues Outbound Messages for committed changes and tells the
// listeners.
func (s *Server) publish(user User, events []ChangeEvent) {
	if len(events) == 0 {
		return
	}
	s.outbound.notify(user, events)
	s.mu.Lock()
	listeners := s.listeners
	s.mu.Unlock()
	for _, ev := range events {
		for _, fn := range listeners {
			fn(ev)
		}
	}
}

// restOrigin is the ChangeOrigin of a REST write.
func restOrigin(version, client string) string {
	origin := "com/salesforce/api/rest/" + version
	if client != "" {
		origin += ";client=" + client
	}
	return origin
}
