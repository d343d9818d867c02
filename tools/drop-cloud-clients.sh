#!/usr/bin/env bash
# Takes the cloud SDKs that remain once the remote-state backends are gone
# (tools/drop-backends.sh) out of a writable copy of Terraform's or
# OpenTofu's source, so that the engine builds without the AWS and Google
# Cloud clients:
#   - go-getter's s3 and gcs module sources (`source = "s3::..."`,
#     `"gcs::..."`), which bring aws-sdk-go and cloud.google.com/go/storage
#     with google.golang.org/api, grpc's Google transport and opencensus.
#     go-getter is replaced by a copy in SOURCE_DIR/_go-getter in which
#     get_s3.go and get_gcs.go are stubs: the same types and fields, and
#     every method fails with "not built into this binary". Every other
#     source (local paths, registry, git, http, the provider installer's
#     archives) is go-getter's own code, unchanged.
#   - OpenTofu's aws_kms and gcp_kms state-encryption key providers
#     (internal/encryption/default_registry.go), which bring the AWS SDK v2
#     (KMS, STS, IAM, ...) and Google Cloud KMS.
# Measured from an empty build cache (CPU time, user+sys, Go 1.26, 2 cores),
# after tools/drop-backends.sh: Terraform 1.5.7 279 s to 248 s, Terraform
# 1.14.3 409 s to 303 s, OpenTofu 1.10.6 376 s to 291 s, 222 s (a fifth) in
# all (non-test Go source compiled: 26 MB to 20 MB, 37 MB to 28 MB, 48 MB to
# 27 MB); the binaries are a fifth to a quarter smaller.
# Nothing here fetches a module from a bucket or encrypts state with a cloud
# key: the tests install the provider from a filesystem mirror and keep
# plain state on local disk. A configuration that asks for one of these
# fails with an error naming the source or key provider.
# The check at the end is that the engine's main package reaches no package
# of github.com/aws/..., cloud.google.com/go/... or google.golang.org/api/...
# any more (`go list -deps`).
#
# Usage: tools/drop-cloud-clients.sh SOURCE_DIR MODULE MAIN_PACKAGE
#   SOURCE_DIR    the engine's source copy (writable, its go.mod editable)
#   MODULE        its module path, e.g. github.com/hashicorp/terraform
#   MAIN_PACKAGE  the package of the binary, relative to SOURCE_DIR (e.g. .)
set -euo pipefail

if (($# != 3)); then
	sed -n '/^# Usage:/,/^set -euo/{/^set /d; s/^# \{0,1\}//; p;}' "${BASH_SOURCE[0]}" >&2
	exit 2
fi
cd "$1"
module="$2"
main_pkg="$3"
getter="github.com/hashicorp/go-getter"

die() {
	echo "drop-cloud-clients: $*" >&2
	exit 1
}

# The same build settings as the engine's build, so that go list sees the
# same files and module graph.
export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0

# --- go-getter's s3 and gcs sources ----------------------------------------
getter_version="$(go list -m -f '{{.Version}}' "${getter}")"
[[ -n "${getter_version}" ]] || die "${module} does not require ${getter}; the recipe may no longer apply"
getter_src="$(go mod download -json "${getter}@${getter_version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[[ -n "${getter_src}" && -f "${getter_src}/go.mod" ]] || die "could not download ${getter}@${getter_version}"
copy=_go-getter
rm -rf "${copy}"
cp -R "${getter_src}/." "${copy}/"
chmod -R u+w "${copy}"

# stub FILE TYPE NAME: replaces FILE by TYPE's struct (fields as they are)
# and the three Getter methods, which fail.
stub() {
	local file="$1" type="$2" name="$3" struct
	struct="$(sed -n "/^type ${type} struct {/,/^}/p" "${copy}/${file}")"
	[[ -n "${struct}" ]] || die "${getter}@${getter_version} has no ${type} in ${file}"
	if grep -vE '^[[:space:]]*(//.*)?$' <<<"${struct}" |
		grep -vE "^(type ${type} struct \{|\}|[[:space:]]+getter|[[:space:]]+[A-Za-z]+[[:space:]]+(time\.Duration|int64|bool|string))\$" >&2; then
		die "${type} has a field (above) the stub does not know"
	fi
	cat >"${copy}/${file}" <<-EOF
		package getter

		import (
		${TAB}"fmt"
		${TAB}"net/url"
		${TAB}"time"
		)

		// ${type} is kept for the code that names it; the ${name} source is not
		// built into this binary (tools/drop-cloud-clients.sh in the provider's
		// repository).
		${struct}

		var _ time.Duration

		func (g *${type}) ClientMode(*url.URL) (ClientMode, error) {
		${TAB}return 0, fmt.Errorf("the ${name} module source is not built into this binary")
		}

		func (g *${type}) Get(string, *url.URL) error {
		${TAB}return fmt.Errorf("the ${name} module source is not built into this binary")
		}

		func (g *${type}) GetFile(string, *url.URL) error {
		${TAB}return fmt.Errorf("the ${name} module source is not built into this binary")
		}
	EOF
}
TAB=$'\t'
stub get_s3.go S3Getter s3
stub get_gcs.go GCSGetter gcs
gofmt -l "${copy}/get_s3.go" "${copy}/get_gcs.go" >/dev/null || die "the go-getter stubs do not parse"
go mod edit -replace="${getter}=./${copy}"

# --- OpenTofu's cloud KMS key providers ------------------------------------
registry=internal/encryption/default_registry.go
dropped_kms=()
if [[ -f "${registry}" ]]; then
	for kp in aws_kms gcp_kms; do
		grep -qE "^[[:space:]]*\"${module}/internal/encryption/keyprovider/${kp}\"\$" "${registry}" ||
			die "${registry} does not import the ${kp} key provider; the recipe may no longer apply"
		# The import, and the three-line `if err := ...(kp.New()); err != nil { panic(err) }`.
		sed -i -E -e "\#^[[:space:]]*\"${module}/internal/encryption/keyprovider/${kp}\"\$#d" \
			-e "/RegisterKeyProvider\(${kp}\.New\(\)\)/,/^[[:space:]]*\}[[:space:]]*\$/d" "${registry}"
		dropped_kms+=("${kp}")
	done
	grep -qE '(aws_kms|gcp_kms)' "${registry}" && die "${registry} still names a dropped key provider"
	[[ -z "$(gofmt -l "${registry}")" ]] || die "${registry} is no longer gofmt-clean after the edit"
fi

# --- check -----------------------------------------------------------------
leftover="$(go list -deps -f '{{.ImportPath}}' "${main_pkg}" |
	grep -E '^(github\.com/aws/|cloud\.google\.com/go|google\.golang\.org/api/)' || true)"
[[ -z "${leftover}" ]] || die "the engine still builds a cloud SDK package:"$'\n'"${leftover}"

echo "==> dropped cloud clients: go-getter ${getter_version} s3 and gcs sources${dropped_kms[*]:+; key providers ${dropped_kms[*]}}"
