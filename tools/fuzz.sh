#!/usr/bin/env bash
# Runs every Fuzz* target of the given packages for a fixed time each (Go
# fuzzes one target per `go test` invocation).
#
# Usage: tools/fuzz.sh FUZZTIME PACKAGE...
#
# A real finding writes a failing input under the package's testdata/fuzz/
# and fails the run; the unit tests replay that input from then on.
#
# Go 1.26's fuzzing coordinator can also report a bare "context deadline
# exceeded" when -fuzztime expires while a worker is busy (go.dev/issue/75804,
# fixed in Go 1.27). That is not a finding: no input is written, and the
# target's corpus replays cleanly. Such a run is replayed to prove it, then
# reported as a warning instead of a failure.
set -euo pipefail

if [[ $# -lt 2 ]]; then
	echo "usage: $0 FUZZTIME PACKAGE..." >&2
	exit 2
fi
fuzztime="$1"
shift

targets="$(go test -list '^Fuzz' "$@" |
	awk '/^Fuzz/ { names[++n] = $1; next } /^ok/ { for (i = 1; i <= n; i++) print $2 " " names[i]; n = 0 }')"
if [[ -z "${targets}" ]]; then
	echo "no fuzz targets found"
	exit 0
fi

log="$(mktemp "${TMPDIR:-/tmp}/fuzz.XXXXXX")"
trap 'rm -f "${log}"' EXIT

passed=0
races=0
while read -r pkg target; do
	corpus="$(go list -f '{{.Dir}}' "${pkg}")/testdata/fuzz/${target}"
	before="$(ls "${corpus}" 2>/dev/null || true)"

	echo "==> fuzzing ${target} in ${pkg} for ${fuzztime}"
	if go test -run '^$' -fuzz "^${target}\$" -fuzztime "${fuzztime}" "${pkg}" </dev/null 2>&1 | tee "${log}"; then
		passed=$((passed + 1))
		continue
	fi

	after="$(ls "${corpus}" 2>/dev/null || true)"
	if grep -q 'context deadline exceeded' "${log}" &&
		! grep -q 'Failing input written to' "${log}" &&
		[[ "${before}" == "${after}" ]]; then
		echo "==> ${target}: the fuzzing coordinator hit its -fuzztime deadline race (go.dev/issue/75804), no input was found; replaying the corpus"
		go test -run "^${target}\$" "${pkg}" </dev/null
		races=$((races + 1))
		continue
	fi

	echo "==> ${target} failed; a failing input, if one was found, is under ${corpus}" >&2
	exit 1
done <<<"${targets}"

summary="${passed} targets passed"
if [[ ${races} -gt 0 ]]; then
	summary+=", ${races} ended by the deadline race and replayed clean"
fi
echo "==> fuzzing done: ${summary}"
