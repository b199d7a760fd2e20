package sandbox

import (
	"crypto/rand"
	"fmt"
	"slices"
	"time"
)

// txn is one database transaction: every write goes through it so that it
// can be rolled back (allOrNone) and so that its committed changes become
// ChangeEvents and Outbound Messages. The Server's mutex is held throughout.
type txn struct {
	s      *Server
	st     *store
	user   User
	origin string // ChangeEvent.ChangeOrigin
	now    time.Time
	before map[string]map[string]any // id → row before the txn; nil = created in it
	order  []string                  // ids in first-touch order
}

func (s *Server) begin(user User, origin string) *txn {
	return &txn{s: s, st: s.store, user: user, origin: origin, now: s.now(), before: map[string]map[string]any{}}
}

// save stores a new version of a row, remembering the first version.
func (tx *txn) save(object string, row map[string]any) {
	id := row["Id"].(string)
	if _, seen := tx.before[id]; !seen {
		prev := tx.st.rows[id]
		tx.before[id] = prev
		tx.order = append(tx.order, id)
	}
	tx.st.put(object, row)
}

func (tx *txn) rollback() {
	for _, id := range slices.Backward(tx.order) {
		object, _ := tx.st.objectOf(id)
		if prev := tx.before[id]; prev == nil {
			tx.st.remove(object.Name, id)
		} else {
			tx.st.put(object.Name, prev)
		}
	}
	tx.before, tx.order = map[string]map[string]any{}, nil
}

// commit turns the transaction's writes into change events.
func (tx *txn) commit() []ChangeEvent {
	key := transactionKey()
	events := make([]ChangeEvent, 0, len(tx.order))
	for _, id := range tx.order {
		object, _ := tx.st.objectOf(id)
		after, prev := tx.st.rows[id], tx.before[id]
		ev := ChangeEvent{Object: object.Name, RecordID: id, ChangeOrigin: tx.origin, CommitUser: tx.user.ID,
			CommitTimestamp: tx.now, TransactionKey: key}
		switch {
		case prev == nil:
			ev.ChangeType = "CREATE"
		case after["IsDeleted"] == true && prev["IsDeleted"] != true:
			ev.ChangeType = "DELETE"
		case after["IsDeleted"] != true && prev["IsDeleted"] == true:
			ev.ChangeType = "UNDELETE"
		default:
			ev.ChangeType = "UPDATE"
			ev.ChangedFields = changedFields(prev, after)
		}
		if ev.ChangeType != "DELETE" {
			ev.Fields = tx.s.exportRow(object, after)
		}
		events = append(events, ev)
	}
	return events
}

// changedFields lists the fields whose values differ, as CDC does:
// LastModifiedDate always, SystemModstamp never.
func changedFields(prev, after map[string]any) []string {
	changed := []string{"LastModifiedDate"}
	for name, v := range after {
		if name == "LastModifiedDate" || name == "SystemModstamp" {
			continue
		}
		if p, ok := prev[name]; !ok || !sameStored(p, v) {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed[1:])
	return changed
}

func sameStored(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// transactionKey looks like CDC's transactionKey (a UUID).
func transactionKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// write runs fn in a transaction as user: committed if fn succeeds, rolled
// back if not. Listeners hear of committed changes after the lock is
// released, so they may read the sandbox.
func (s *Server) write(user User, origin string, fn func(tx *txn) error) error {
	s.mu.Lock()
	tx := s.begin(user, origin)
	err := fn(tx)
	var events []ChangeEvent
	if err != nil {
		tx.rollback()
	} else {
		events = tx.commit()
		s.announce(events) // under s.mu, so that forwarding follows commit order
	}
	s.mu.Unlock()
	s.publish(user, events)
	return err
}
