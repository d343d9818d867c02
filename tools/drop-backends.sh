#!/usr/bin/env bash
# Takes the remote-state backends that bring a cloud SDK (azurerm, consul,
# cos, gcs, kubernetes, oci, oss, pg, s3, and any new one) out of a writable
# copy of Terraform's or OpenTofu's source, so that the engine builds without
# them: they are most of the engine's dependencies and a third of the CPU of
# a cold build (Terraform 1.5.7: 421 s to 261 s; OpenTofu 1.10.6: 592 s to
# 413 s), and nothing here stores state anywhere but on local disk.
#
# Edited: internal/backend/init/init.go, the only file that imports them
# outside their own packages (checked below). Each import of
# MODULE/internal/backend/remote-state/NAME is deleted, with every line that
# uses its alias (the entry in the backends map), except NAME = http or
# inmem, which bring no dependency of their own.
#
# Kept, and checked:
#   local   where the tests, `terraform init` from a filesystem mirror and
#           every workspace here keep their state;
#   remote, cloud  the CLI's init and backend code (internal/command) import
#           their packages, so the build keeps them anyway;
#   http, inmem    cost nothing (see above).
# A configuration or terraform_remote_state data source naming a dropped
# backend fails with "Unsupported backend type".
#
# Usage: tools/drop-backends.sh SOURCE_DIR MODULE
#   SOURCE_DIR  the engine's source copy (writable)
#   MODULE      its module path, e.g. github.com/hashicorp/terraform
set -euo pipefail

if (($# != 2)); then
	sed -n '/^# Usage:/,/^set -euo/{/^set /d; s/^# \{0,1\}//; p;}' "${BASH_SOURCE[0]}" >&2
	exit 2
fi
cd "$1"
module="$2"
init_go=internal/backend/init/init.go
state="${module}/internal/backend/remote-state"

die() {
	echo "drop-backends: $*" >&2
	exit 1
}

[[ -f "${init_go}" ]] || die "${module} has no ${init_go}; the recipe may no longer apply"

# "alias NAME" for each remote-state backend init.go imports, but http and inmem.
mapfile -t dropped < <(sed -n -E \
	"s#^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+\"${state}/([A-Za-z0-9_]+)\"[[:space:]]*\$#\1 \2#p" \
	"${init_go}" | grep -vE ' (http|inmem)$' || true)
((${#dropped[@]} > 0)) || die "${init_go} imports no remote-state backend to drop; the recipe may no longer apply"

patterns=()
for entry in "${dropped[@]}"; do
	alias="${entry% *}"
	name="${entry#* }"
	sed -i -E -e "\#^[[:space:]]*${alias}[[:space:]]+\"${state}/${name}\"[[:space:]]*\$#d" \
		-e "/[^A-Za-z0-9_.]${alias}\\./d" "${init_go}"
	patterns+=(-e "\"${state}/${name}\"")
done

# No file that is built may import a dropped backend any more: only tests and
# the backends' own packages may.
leftover="$(grep -rnF --include='*.go' --exclude='*_test.go' "${patterns[@]}" . |
	grep -v "^\./internal/backend/remote-state/" || true)"
[[ -z "${leftover}" ]] || die "a dropped backend is still imported:"$'\n'"${leftover}"

for b in local remote http inmem cloud; do
	grep -qE "^[[:space:]]*\"${b}\":" "${init_go}" || die "the ${b} backend is missing from ${init_go}"
done
gofmt -l "${init_go}" >/dev/null || die "${init_go} no longer parses"

names=("${dropped[@]#* }")
echo "==> dropped remote-state backends: ${names[*]}"
