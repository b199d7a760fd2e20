package mapping

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// LoadError is one problem found while loading mappings, reported as
// "file:line: field: message".
type LoadError struct {
	File    string // the mapping file, as given (shipped files are "defaults/<name>.yaml")
	Line    int    // 1-based line in File
	Field   string // the target field, or the top-level key the problem is under
	Message string
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Message)
}

// LoadErrors is every problem found while loading, in file and line order.
type LoadErrors []*LoadError

func (es LoadErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *LoadError.
func (es LoadErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// problems collects load errors as they are found.
type problems struct{ list LoadErrors }

func (p *problems) add(file string, line int, field, format string, args ...any) {
	p.list = append(p.list, &LoadError{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns the problems sorted by file and line, or nil.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool {
		a, b := p.list[i], p.list[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return p.list
}

// RecordError says a record cannot be mapped as it is: a required field
// is empty, a lookup found nothing under the "fail" policy, or an
// expression cannot be computed from the record's values. Trying again
// cannot help, so the job fails for good (Retryable is false).
type RecordError struct {
	Flow     string    // the mapping, e.g. "opportunity_to_salesorder"
	Object   string    // the source object, lower case, e.g. "opportunity"
	RecordID string    // the source record's id
	Problems []Problem // every problem, in field and line order
}

// Problem is one field that could not be mapped.
type Problem struct {
	Line    string // the sublist line it is on, as the mapping names it; "" for body fields
	Field   string // the target field, e.g. "tranDate" or "item.items[].item.id"
	Message string // what is wrong, e.g. "field tranDate is required (CloseDate is empty)"
}

func (p Problem) String() string {
	if p.Line != "" {
		return "line " + p.Line + ": " + p.Message
	}
	return p.Message
}

func (e *RecordError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("%s %s: %s", e.Object, e.RecordID, strings.Join(parts, "; "))
}

// Retryable is false: the workers archive the job instead of retrying it.
func (e *RecordError) Retryable() bool { return false }

// IsRecordError reports whether err is, or wraps, a *RecordError.
func IsRecordError(err error) bool {
	var re *RecordError
	return errors.As(err, &re)
}
