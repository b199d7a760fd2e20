package mapping

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"
)

// Apply maps one source record to the payload to write to the target.
// record is the record as the source system's REST API returns it
// (decoded JSON; a salesforce.Record or netsuite.Record will do); vars are
// the values the mapping declares under vars. The session carries the
// job's lookups and exchange rates; nil means a fresh one.
//
// A record that cannot be mapped gives a *RecordError (permanent); a
// failed read of the other system gives that error, wrapped (retry).
func (m *Mapping) Apply(ctx context.Context, s *Session, record map[string]any, vars map[string]any) (map[string]any, error) {
	for _, name := range m.vars {
		if _, ok := vars[name]; !ok {
			return nil, fmt.Errorf("mapping %s: var %s not given", m.name, name)
		}
	}
	if s == nil {
		s = &Session{}
	}
	if vars == nil {
		vars = map[string]any{}
	}
	ev := getEvaluation(ctx, s, m, vars)
	defer putEvaluation(ev)

	env := ev.enter(0, record, record)
	ev.lets(&m.body, env)
	out := ev.fields(&m.body, env, 0)
	if ev.fatal != nil {
		return nil, fmt.Errorf("mapping %s: %w", m.name, ev.fatal)
	}
	if len(ev.problems) > 0 {
		return nil, &RecordError{
			Flow: m.name, Object: strings.ToLower(m.source.Object), RecordID: recordID(record),
			Problems: append([]Problem(nil), ev.problems...),
		}
	}
	return out, nil
}

func recordID(rec map[string]any) string {
	if id := textOf(rec["Id"]); id != "" {
		return id
	}
	return textOf(rec["id"])
}

// evaluation is the state of one Apply: reused through a pool, so that a
// record costs no more allocations than its payload needs.
type evaluation struct {
	ctx      context.Context
	sess     *Session
	m        *Mapping
	vars     map[string]any
	vm       vm.VM
	envs     []map[string]any // one per sublist depth
	missed   []Query          // lookups that found nothing, in the current field
	fatal    error            // a read of the other system failed
	problems []Problem
}

var evaluations = sync.Pool{New: func() any { return new(evaluation) }}

func getEvaluation(ctx context.Context, s *Session, m *Mapping, vars map[string]any) *evaluation {
	ev := evaluations.Get().(*evaluation)
	ev.ctx, ev.sess, ev.m, ev.vars = ctx, s, m, vars
	return ev
}

func putEvaluation(ev *evaluation) {
	for _, env := range ev.envs {
		clear(env)
	}
	ev.ctx, ev.sess, ev.m, ev.vars, ev.fatal = nil, nil, nil, nil, nil
	ev.missed, ev.problems = ev.missed[:0], ev.problems[:0]
	evaluations.Put(ev)
}

// enter prepares the environment of one depth for a record or line: the
// record itself is read through $get, so nothing is copied.
func (ev *evaluation) enter(depth int, rec, top map[string]any) map[string]any {
	for len(ev.envs) <= depth {
		ev.envs = append(ev.envs, make(map[string]any, 8))
	}
	env := ev.envs[depth]
	env[recName], env[recordName], env[varsName], env[evalName] = rec, top, ev.vars, ev
	return env
}

// lets computes a scope's let values into its environment.
func (ev *evaluation) lets(sc *scope, env map[string]any) {
	for _, l := range sc.lets {
		v, err := l.expr.eval(ev, env)
		if err != nil {
			ev.failed("let "+l.name, err)
		}
		env[l.name] = v
	}
}

// fields computes a scope's fields into a new payload object.
func (ev *evaluation) fields(sc *scope, env map[string]any, depth int) map[string]any {
	out := make(map[string]any, len(sc.fields))
	for _, f := range sc.fields {
		if v, ok := ev.field(f, env, depth); ok {
			setPath(out, f.path, v)
		}
		if ev.fatal != nil {
			return nil
		}
	}
	return out
}

// field computes one target field; ok is false when it is left out.
func (ev *evaluation) field(f *field, env map[string]any, depth int) (any, bool) {
	if f.when != nil && !ev.test(f.when, env, f.name) {
		return nil, false
	}
	if f.list != nil {
		return ev.list(f, env, depth)
	}
	v := f.value
	if f.expr != nil {
		ev.missed = ev.missed[:0]
		var err error
		if v, err = f.expr.eval(ev, env); err != nil {
			ev.failed(f.name, err)
			return nil, false
		}
	}
	if !isEmpty(v) {
		return v, true
	}
	if len(ev.missed) > 0 {
		return ev.lookupMissed(f)
	}
	return ev.empty(f)
}

// empty applies a field's default, required flag and on_empty policy.
func (ev *evaluation) empty(f *field) (any, bool) {
	switch {
	case f.hasDefault:
		return f.def, true
	case f.required && f.message != "":
		ev.problem(f.name, f.message)
	case f.required:
		ev.problem(f.name, fmt.Sprintf("field %s is required %s", f.name, f.emptyNote))
	case f.onEmpty == onEmptyNull:
		return nil, true
	}
	return nil, false
}

// lookupMissed applies a field's lookup policy when its value is empty
// because a lookup found nothing.
func (ev *evaluation) lookupMissed(f *field) (any, bool) {
	switch f.onMissing {
	case onMissingSkip:
		return nil, false
	case onMissingDefault:
		return f.def, true
	}
	msg := f.message
	if msg == "" {
		found := make([]string, len(ev.missed))
		for i, q := range ev.missed {
			found[i] = q.String()
		}
		msg = fmt.Sprintf("field %s: lookup found no %s", f.name, strings.Join(found, ", no "))
	}
	ev.problem(f.name, msg)
	return nil, false
}

// test runs a when or where condition: only true passes.
func (ev *evaluation) test(e *expression, env map[string]any, name string) bool {
	v, err := e.eval(ev, env)
	if err != nil {
		ev.failed(name, err)
		return false
	}
	return v == true
}

// failed records an expression that could not be computed. A failed read
// of the other system is kept apart: the job is retried for it.
func (ev *evaluation) failed(name string, err error) {
	if ev.fatal != nil {
		return
	}
	var amb *ambiguousError
	switch {
	case errors.As(err, &amb):
		ev.problem(name, fmt.Sprintf("field %s: %v", name, amb))
	case errors.Is(err, ErrNoRate):
		ev.problem(name, fmt.Sprintf("field %s: %v", name, errors.Unwrap(err)))
	default:
		msg, _ := exprError(err)
		ev.problem(name, fmt.Sprintf("field %s: cannot compute: %s", name, msg))
	}
}

func (ev *evaluation) problem(name, msg string) {
	ev.problems = append(ev.problems, Problem{Field: name, Message: msg})
}

// setPath puts v at a dotted path, making the objects on the way.
func setPath(out map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := out[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			out[k] = next
		}
		out = next
	}
	out[path[len(path)-1]] = v
}
