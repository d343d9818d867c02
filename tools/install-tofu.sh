#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy into a project-local bin directory.
#
# `go install github.com/opentofu/opentofu/cmd/tofu@vX` is refused because
# OpenTofu's go.mod carries a replace directive, so the module is downloaded,
# copied out of the read-only module cache and built as a main module,
# without the remote-state backends that bring a cloud SDK
# (tools/drop-backends.sh: local, remote, http, inmem and cloud stay, and the
# tests use only local), and without go-getter's s3 and gcs module sources
# and the aws_kms and gcp_kms state-encryption key providers, the last users
# of the AWS and Google Cloud SDKs (tools/drop-cloud-clients.sh).
# The binary is the cache: when it already reports the wanted version, nothing
# is done. The build uses -trimpath, so Go's build cache is keyed by module
# path instead of the temporary directory and stays warm across runs.
#
# Usage: tools/install-tofu.sh [BIN_DIR] [VERSION]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${1:-${repo_root}/bin}"
version="${2:-v1.10.6}"
module="github.com/opentofu/opentofu"

mkdir -p "${bin_dir}"
bin_dir="$(cd "${bin_dir}" && pwd)"
tofu="${bin_dir}/tofu"

# First line of `tofu version`, e.g. "OpenTofu v1.10.6" (empty if absent).
installed_version() {
	local out
	out="$("${tofu}" version 2>/dev/null || true)"
	echo "${out%%$'\n'*}"
}

if [[ -x "${tofu}" && "$(installed_version)" == "OpenTofu ${version}" ]]; then
	exit 0
fi

echo "==> building OpenTofu ${version} into ${tofu} (several minutes on a cold cache)"
start=${SECONDS}

src="$(go mod download -json "${module}@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [[ -z "${src}" || ! -f "${src}/go.mod" ]]; then
	echo "install-tofu: could not download ${module}@${version}" >&2
	exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/opentofu-${version}.XXXXXX")"
trap 'chmod -R u+w "${work}" 2>/dev/null || true; rm -rf "${work}"' EXIT
cp -R "${src}/." "${work}/"
chmod -R u+w "${work}"
"${repo_root}/tools/drop-backends.sh" "${work}" "${module}"
"${repo_root}/tools/drop-cloud-clients.sh" "${work}" "${module}" ./cmd/tofu

# version.dev=no drops the "-dev" suffix, as OpenTofu's release builds do.
# Build to a temporary name first so an interrupted build never leaves a
# broken binary behind.
(
	cd "${work}"
	GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 go build -trimpath \
		-ldflags "-s -w -X ${module}/version.dev=no" \
		-o "${tofu}.tmp" ./cmd/tofu
)
mv -f "${tofu}.tmp" "${tofu}"

if [[ "$(installed_version)" != "OpenTofu ${version}" ]]; then
	echo "install-tofu: ${tofu} reports \"$(installed_version)\", want OpenTofu ${version}" >&2
	exit 1
fi
echo "==> OpenTofu ${version} built in $((SECONDS - start))s"
