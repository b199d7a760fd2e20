#!/usr/bin/env bash
# Runs every Go fuzz target in the module for FUZZTIME each (default 20s).
# A failing input is saved by Go under the package's testdata/fuzz/<Target>/
# and from then on runs as a regression case in plain `go test`: commit it
# together with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-20s}
# `go test -list` prints each package's matching names, then its "ok" line.
go test -list '^Fuzz' ./... |
	awk '/^Fuzz/ {names[++n] = $1} /^(ok|FAIL)[ \t]/ {for (i = 1; i <= n; i++) print $2, names[i]; n = 0}' |
	while read -r pkg name; do
		echo "== $pkg $name ($fuzztime)"
		go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"
	done
