#!/usr/bin/env bash
# Builds Terraform from the Go module proxy into a project-local bin
# directory, without the remote-state backends that bring a cloud SDK (see
# tools/drop-backends.sh): as BIN_DIR/NAME, by default
# BIN_DIR/terraform-MAJOR.MINOR (e.g. bin/terraform-1.14, the "latest" engine
# of the acceptance passes). `make terraform` names the oldest supported
# engine bin/terraform.
#
# Licence: Terraform is BUSL-1.1 from v1.6 on. The licence allows any
# non-production use, and its additional use grant allows production use that
# does not compete with HashiCorp's products; building it from source to run
# a provider's acceptance tests is permitted use. Nothing built here is
# shipped with the provider.
#
# The module is downloaded, copied out of the read-only module cache, and in
# the copy
#   - from v1.9 on, where `go install github.com/hashicorp/terraform@vX` is
#     refused: Terraform's go.mod replaces nine remote-state backends and
#     internal/legacy with nested modules (`replace
#     github.com/hashicorp/terraform/internal/... => ./internal/...`), and
#     the module zip holds none of them. Every replace of a module path by a
#     local directory is dropped from go.mod, with the matching require
#     (`go mod edit`); the backends among them are the ones dropped next;
#   - tools/drop-backends.sh takes the remote-state backends out of
#     internal/backend/init/init.go; local, remote, http, inmem and cloud
#     stay, and the tests use only local;
#   - tools/drop-cloud-clients.sh takes out go-getter's s3 and gcs module
#     sources, the last users of the AWS and Google Cloud SDKs.
# Then it is built as a main module. Nothing is downloaded but the module and
# its dependencies, from the Go module proxy.
#
# The binary is the cache: when it already reports the wanted version, nothing
# is done. The build uses -trimpath, so Go's build cache is keyed by module
# path instead of the temporary directory and stays warm across runs.
#
# Usage: tools/install-terraform.sh [BIN_DIR] [VERSION] [NAME]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${1:-${repo_root}/bin}"
version="${2:-v1.14.3}"
module="github.com/hashicorp/terraform"

if [[ ! "${version}" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
	echo "install-terraform: version \"${version}\" is not of the form vMAJOR.MINOR.PATCH" >&2
	exit 1
fi
name="${3:-terraform-${BASH_REMATCH[1]}.${BASH_REMATCH[2]}}"

mkdir -p "${bin_dir}"
bin_dir="$(cd "${bin_dir}" && pwd)"
terraform="${bin_dir}/${name}"

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
# (`replace M => ./dir` or a line of a `replace (...)` block); none before
# v1.9.
mapfile -t nested < <(sed -n -E 's#^[[:space:]]*(replace[[:space:]]+)?([^[:space:]()]+)([[:space:]]+v[^[:space:]]+)?[[:space:]]+=>[[:space:]]+\.\.?/.*#\2#p' go.mod)
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

"${repo_root}/tools/drop-backends.sh" . "${module}"
"${repo_root}/tools/drop-cloud-clients.sh" . "${module}" .

# No Go file that is built may import a nested module any more (the backends
# are gone; internal/legacy is imported by tests only).
if ((${#nested[@]} > 0)); then
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
fi

# version.dev=no drops the "-dev" suffix, as Terraform's release builds do
# (see version/version.go; versions before 1.6 have no such variable, and the
# linker ignores it). Build to a temporary name first so an
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
