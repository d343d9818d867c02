#!/usr/bin/env bash
# Builds a newer Terraform (the "latest" engine of the acceptance passes) from
# the Go module proxy into a project-local bin directory, as
# BIN_DIR/terraform-MAJOR.MINOR (e.g. bin/terraform-1.14). bin/terraform stays
# the oldest supported engine, installed by `make terraform`.
#
# Licence: Terraform is BUSL-1.1 from v1.6 on. The licence allows any
# non-production use, and its additional use grant allows production use that
# does not compete with HashiCorp's products; building it from source to run
# a provider's acceptance tests is permitted use. Nothing built here is
# shipped with the provider.
#
# `go install github.com/hashicorp/terraform@vX` is refused from v1.9 on:
# Terraform's go.mod replaces nine remote-state backends and internal/legacy
# with nested modules (`replace github.com/hashicorp/terraform/internal/... =>
# ./internal/...`), and the module zip holds none of them. So the module is
# downloaded, copied out of the read-only module cache, and in the copy
#   - every replace of a module path by a local directory is dropped from
#     go.mod, with the matching require (`go mod edit`);
#   - the backends that live in those nested modules (azurerm, consul, cos,
#     gcs, kubernetes, oss, pg, s3, oci) are taken out of
#     internal/backend/init/init.go, imports and map entries. local, remote,
#     http, inmem and cloud stay; the tests use only local.
# Then it is built as a main module. Nothing is downloaded but the module and
# its dependencies, from the Go module proxy.
#
# The binary is the cache: when it already reports the wanted version, nothing
# is done. The build uses -trimpath, so Go's build cache is keyed by module
# path instead of the temporary directory and stays warm across runs.
#
# Usage: tools/install-terraform.sh [BIN_DIR] [VERSION]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${1:-${repo_root}/bin}"
version="${2:-v1.14.3}"
module="github.com/hashicorp/terraform"

if [[ ! "${version}" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
	echo "install-terraform: version \"${version}\" is not of the form vMAJOR.MINOR.PATCH" >&2
	exit 1
fi
minor="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"

mkdir -p "${bin_dir}"
bin_dir="$(cd "${bin_dir}" && pwd)"
terraform="${bin_dir}/terraform-${minor}"

# Terraform must never phone home for a version check.
export CHECKPOINT_DISABLE=1

# First line of `terraform version`, e.g. "Terraform v1.14.3" (empty if absent).
installed_version() {
	local out
	out="$("${terraform}" version 2>/dev/null || true)"
	echo "${out%%$'\n'*}"
}

if [[ -x "${terraform}" && "$(installed_version)" == "Terraform ${version}" ]]; then
	exit 0
fi

echo "==> building Terraform ${version} into ${terraform} (several minutes on a cold cache)"
start=${SECONDS}

src="$(go mod download -json "${module}@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [[ -z "${src}" || ! -f "${src}/go.mod" ]]; then
	echo "install-terraform: could not download ${module}@${version}" >&2
	exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/terraform-${version}.XXXXXX")"
trap 'chmod -R u+w "${work}" 2>/dev/null || true; rm -rf "${work}" "${terraform}.tmp"' EXIT
cp -R "${src}/." "${work}/"
chmod -R u+w "${work}"
cd "${work}"
# The copy is a main module of its own, whatever go.work may be around.
export GOWORK=off

# go.mod: the module paths replaced by a local directory, in either form
# (`replace M => ./dir` or a line of a `replace (...)` block).
mapfile -t nested < <(sed -n -E 's#^[[:space:]]*(replace[[:space:]]+)?([^[:space:]()]+)([[:space:]]+v[^[:space:]]+)?[[:space:]]+=>[[:space:]]+\.\.?/.*#\2#p' go.mod)
if [[ ${#nested[@]} -eq 0 ]]; then
	echo "install-terraform: no local replace directive in ${module}@${version}'s go.mod; the recipe may no longer apply" >&2
	exit 1
fi
for m in "${nested[@]}"; do
	if [[ -f "${m#"${module}"/}/go.mod" ]]; then
		echo "install-terraform: nested module ${m} is present in the module zip; the recipe may no longer apply" >&2
		exit 1
	fi
	go mod edit -dropreplace="${m}" -droprequire="${m}"
done
if grep -nE '^[^/]*=>[[:space:]]+\.\.?/' go.mod; then
	echo "install-terraform: go.mod still replaces a module by a local directory (above)" >&2
	exit 1
fi

# internal/backend/init/init.go: drop each import of a nested module and
# every line that uses its alias (the backends map entries).
init_go=internal/backend/init/init.go
for m in "${nested[@]}"; do
	alias="$(sed -n -E "s#^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+\"${m}\"[[:space:]]*\$#\1#p" "${init_go}")"
	if [[ -z "${alias}" ]]; then
		# Not imported by init.go (internal/legacy is used by tests only);
		# the check below catches any other importer.
		continue
	fi
	sed -i -E -e "\#^[[:space:]]*${alias}[[:space:]]+\"${m}\"[[:space:]]*\$#d" \
		-e "/[^A-Za-z0-9_.]${alias}\\./d" "${init_go}"
done

# No Go file that is built may import a nested module any more, and init.go
# must keep the backends the tests and the CLI rely on.
patterns=()
for m in "${nested[@]}"; do
	patterns+=(-e "\"${m}")
done
leftover="$(grep -rnF --include='*.go' --exclude='*_test.go' "${patterns[@]}" . || true)"
if [[ -n "${leftover}" ]]; then
	echo "install-terraform: nested modules are still imported:" >&2
	echo "${leftover}" >&2
	exit 1
fi
for b in local remote http inmem cloud; do
	if ! grep -qE "^[[:space:]]*\"${b}\":" "${init_go}"; then
		echo "install-terraform: the ${b} backend is missing from ${init_go}" >&2
		exit 1
	fi
done
gofmt -l "${init_go}" >/dev/null || {
	echo "install-terraform: ${init_go} no longer parses" >&2
	exit 1
}

# version.dev=no drops the "-dev" suffix, as Terraform's release builds do
# (see version/version.go). Build to a temporary name first so an
# interrupted build never leaves a broken binary behind.
GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 go build -trimpath \
	-ldflags "-s -w -X ${module}/version.dev=no" \
	-o "${terraform}.tmp" .
mv -f "${terraform}.tmp" "${terraform}"

if [[ "$(installed_version)" != "Terraform ${version}" ]]; then
	echo "install-terraform: ${terraform} reports \"$(installed_version)\", want Terraform ${version}" >&2
	exit 1
fi
echo "==> Terraform ${version} built in $((SECONDS - start))s"
