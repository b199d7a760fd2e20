// Package mapping is Tandem's declarative field mapping: one YAML file per
// flow direction says, for each target field, the expression over the
// source record that gives its value. Shipped mappings live in defaults/;
// users change them, or add flows, in the directory TANDEM_MAPPINGS_DIR
// names. README.md describes the language for the people who write it.
//
// Load compiles every mapping once, at start-up, and reports every problem
// as "file:line: field: message". Mapping.Apply then maps a record with no
// parsing: a plain field path is read directly, anything else runs on
// expr-lang's VM. Lookups in the other system go through a Finder the
// caller supplies, cached per job in a Session.
package mapping

//go:generate go run ./internal/geogen
