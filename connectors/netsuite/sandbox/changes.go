package sandbox

import (
	"strings"
	"time"
)

// ChangeEvent is one committed change, as a SuiteScript user event
// (afterSubmit) would see it. Records are shaped as GET with
// expandSubResources=true returns them.
type ChangeEvent struct {
	RecordType       string         // NetSuite casing, e.g. "salesOrder"
	ID               string         // internal id
	Type             string         // ChangeCreate, ChangeEdit, ChangeXEdit or ChangeDelete
	ExecutionContext string         // ContextREST for API writes, ContextUI for Put and PutFields
	UserID, RoleID   string         // who made it: AdminUserID, as AdminRoleID or the integration role
	OldRecord        map[string]any // nil on create
	NewRecord        map[string]any // nil on delete; the whole record after an inline edit too
	Edited           []string       // xedit: the SuiteScript ids of the fields the inline edit set
	LastModified     time.Time
}

// User event types and execution contexts, spelled as SuiteScript spells them.
const (
	ChangeCreate = "create"
	ChangeEdit   = "edit"
	ChangeXEdit  = "xedit" // inline edit (PutFields); REST updates fire EDIT
	ChangeDelete = "delete"

	ContextREST = "RESTWEBSERVICES"
	ContextUI   = "USERINTERFACE"
)

// OnChange calls fn after every committed create, edit and delete, in the
// goroutine that made the change, after the store lock is released (fn
// may read the sandbox).
func (s *Server) OnChange(fn func(ChangeEvent)) {
	s.listenersMu.Lock()
	defer s.listenersMu.Unlock()
	s.listeners = append(s.listeners, fn)
}

// mutation changes the store inside one transaction: it returns the
// record before and after (nil before for a create, nil after for a delete).
type mutation func(tx *txn) (before, after *record, err *apiError)

// commit runs m under the store lock, stores its result, runs the
// webhook script and tells the listeners.
func (s *Server) commit(src source, m mutation) (*record, *apiError) {
	s.store.mu.Lock()
	tx := &txn{s: s.store, now: s.cfg.Clock().UTC().Truncate(time.Second)}
	before, after, err := m(tx)
	if err != nil {
		s.store.mu.Unlock()
		return nil, err
	}
	result := after
	if after != nil {
		s.store.put(after)
	} else {
		s.store.remove(before)
		result = before
	}
	if settle := result.typ.settle; settle != nil {
		settle(tx, before, after)
	}
	for _, r := range []*record{before, after} {
		if r != nil {
			s.store.refreshFigures(r) // what the script reads is what NetSuite computes at this moment
		}
	}
	ev := s.event(src, before, after, tx.now)
	s.report(src, before, after, tx.now)
	s.store.mu.Unlock()
	s.notify(ev)
	return result, nil
}

func (s *Server) event(src source, before, after *record, now time.Time) ChangeEvent {
	o := renderOptions{recordBase: s.defaultBase() + "/services/rest/record/v1", expand: true}
	ev := ChangeEvent{ExecutionContext: src.context, UserID: src.userID, RoleID: src.roleID,
		Type: src.eventType(before, after), Edited: src.inline, LastModified: now}
	for _, r := range []*record{before, after} {
		if r != nil {
			ev.RecordType, ev.ID = r.typ.name, r.id
		}
	}
	if before != nil {
		ev.OldRecord = s.store.render(before, o)
	}
	if after != nil {
		ev.NewRecord = s.store.render(after, o)
		ev.LastModified = after.modified
	}
	return ev
}

func (s *Server) notify(ev ChangeEvent) {
	s.listenersMu.Lock()
	fns := append([]func(ChangeEvent){}, s.listeners...)
	s.listenersMu.Unlock()
	for _, fn := range fns {
		fn(ev)
	}
}

func (s *Server) createRecord(rt *recordType, body map[string]any, opt writeOptions, src source) (*record, *apiError) {
	return s.commit(src, func(tx *txn) (*record, *record, *apiError) {
		r, err := tx.create(rt, body, opt)
		return nil, r, err
	})
}

func (s *Server) updateRecord(rt *recordType, id string, body map[string]any, opt writeOptions, src source) (*record, *apiError) {
	return s.commit(src, func(tx *txn) (*record, *record, *apiError) {
		old, ok := tx.s.find(rt, id)
		if !ok {
			return nil, nil, notFound(detailNotFound)
		}
		r, err := tx.update(old, body, opt)
		return old, r, err
	})
}

// upsertRecord is PUT …/eid:<ext>: create the record when no record has
// that external id, otherwise update it.
func (s *Server) upsertRecord(rt *recordType, ext string, body map[string]any, opt writeOptions, src source) (*record, *apiError) {
	body = withExternalID(body, ext)
	return s.commit(src, func(tx *txn) (*record, *record, *apiError) {
		old, ok := tx.s.findExternal(rt, ext)
		if !ok {
			r, err := tx.create(rt, body, opt)
			return nil, r, err
		}
		r, err := tx.update(old, body, opt)
		return old, r, err
	})
}

func (s *Server) deleteRecord(rt *recordType, id string, src source) (*record, *apiError) {
	return s.commit(src, func(tx *txn) (*record, *record, *apiError) {
		old, ok := tx.s.find(rt, id)
		if !ok {
			return nil, nil, notFound(detailNotFound)
		}
		if rt.deletable != nil {
			if err := rt.deletable(tx, old); err != nil {
				return nil, nil, err
			}
		}
		return old, nil, nil
	})
}

// withExternalID makes the URL's external id the record's, whatever the body says.
func withExternalID(body map[string]any, ext string) map[string]any {
	out := make(map[string]any, len(body)+1)
	for k, v := range body {
		if !strings.EqualFold(k, "externalId") {
			out[k] = v
		}
	}
	out["externalId"] = ext
	return out
}
