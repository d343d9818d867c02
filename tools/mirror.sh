#!/usr/bin/env bash
# Writes a provider filesystem mirror that `terraform init` and `tofu init`
# install this provider from, before it is on a registry and without
# dev_overrides (see "Installing it before it is on a registry" in README.md).
#
# The mirror holds the provider under both registry hosts, because OpenTofu
# resolves an unqualified source such as "rediscloud-community/rediscloud"
# against its own registry:
#   registry.terraform.io/rediscloud-community/rediscloud/...
#   registry.opentofu.org/rediscloud-community/rediscloud/...
#
# Usage: tools/mirror.sh [--dist [DIR] | --binary FILE] [-o|--output DIR] [-v|--version VERSION] [--keep]
#
#   (default)     builds the provider for this machine (or for GOOS/GOARCH when
#                 set) in the unpacked layout:
#                   HOST/rediscloud-community/rediscloud/VERSION/OS_ARCH/terraform-provider-rediscloud_vVERSION
#   --dist [DIR]  copies goreleaser's zips from DIR (default ./dist, written
#                 by `make release-snapshot`) in the packed layout, every
#                 platform, checked against the SHA256SUMS file when present:
#                   HOST/rediscloud-community/rediscloud/terraform-provider-rediscloud_VERSION_OS_ARCH.zip
#   --binary FILE lays out FILE, a provider already built for this machine
#                 (or GOOS/GOARCH), in the unpacked layout instead of building
#                 one; the version it reports is whatever it was built with
#   -o DIR        the mirror directory (default ./mirror at the repository root)
#   -v VERSION    the version: by default, as GNUmakefile computes it (nearest
#                 v* tag, else 0.1.0-dev), or with --dist the one in
#                 DIR/metadata.json
#   --keep        keep the versions already in the mirror; by default the
#                 mirror holds only the version written, so that `init` picks it
set -euo pipefail

readonly namespace="rediscloud-community"
readonly type="rediscloud"
readonly project="terraform-provider-${type}"
readonly hosts=(registry.terraform.io registry.opentofu.org)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() {
	echo "mirror: $*" >&2
	exit 1
}

usage() {
	sed -n '/^# Usage:/,/^set -euo/{/^set /d; s/^# \{0,1\}//; p;}' "${BASH_SOURCE[0]}" >&2
	exit "${1:-2}"
}

output="${repo_root}/mirror"
version=""
dist=""
binary_in=""
keep=0
while (($# > 0)); do
	case "$1" in
	-o | --output)
		(($# >= 2)) || usage
		output="$2"
		shift 2
		;;
	-v | --version)
		(($# >= 2)) || usage
		version="$2"
		shift 2
		;;
	--dist)
		if (($# >= 2)) && [[ "$2" != -* ]]; then
			dist="$2"
			shift 2
		else
			dist="${repo_root}/dist"
			shift
		fi
		;;
	--binary)
		(($# >= 2)) || usage
		binary_in="$2"
		shift 2
		;;
	--keep)
		keep=1
		shift
		;;
	-h | --help) usage 0 2>&1 ;;
	*)
		echo "mirror: unknown argument: $1" >&2
		usage 2
		;;
	esac
done

[[ -z "${dist}" || -z "${binary_in}" ]] || die "--dist and --binary exclude each other"
if [[ -n "${binary_in}" ]]; then
	[[ -f "${binary_in}" && -x "${binary_in}" ]] || die "${binary_in} is not an executable file"
fi

# The version, with a leading v dropped.
if [[ -z "${version}" ]]; then
	if [[ -n "${dist}" ]]; then
		[[ -f "${dist}/metadata.json" ]] ||
			die "${dist}/metadata.json not found: run \`make release-snapshot\` or pass --version"
		version="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "${dist}/metadata.json")"
	else
		version="$(git -C "${repo_root}" describe --tags --match 'v[0-9]*' --dirty 2>/dev/null | sed 's/^v//' || true)"
		version="${version:-0.1.0-dev}"
	fi
fi
version="${version#v}"
# Terraform and OpenTofu ignore a mirror entry whose version is not semver.
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$'
[[ "${version}" =~ ${semver} ]] || die "version ${version:-(empty)} is not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE])"

mkdir -p "${output}"
output="$(cd "${output}" && pwd)"

# prepare HOST: the provider's directory under HOST, emptied of every
# version (or, with --keep, of this version only).
prepare() {
	local dir="${output}/$1/${namespace}/${type}"
	if ((keep)); then
		rm -rf "${dir:?}/${version}"
		rm -f "${dir}/${project}_${version}_"*.zip
	else
		rm -rf "${dir:?}"
	fi
	mkdir -p "${dir}"
	echo "${dir}"
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | awk '{ print $1 }'
	else
		shasum -a 256 "$1" | awk '{ print $1 }'
	fi
}

if [[ -z "${dist}" ]]; then
	# Unpacked layout, this machine's target (GOOS/GOARCH honoured).
	goos="$(go env GOOS)"
	goarch="$(go env GOARCH)"
	target="${goos}_${goarch}"
	# goreleaser's binary name, which Terraform looks for.
	binary="${project}_v${version}"
	[[ "${goos}" == windows ]] && binary+=".exe"
	# Built outside the mirror first: a failed build leaves the mirror as it was.
	tmp="$(mktemp -d)"
	trap 'rm -rf "${tmp}"' EXIT
	if [[ -n "${binary_in}" ]]; then
		echo "==> laying out ${binary_in} as ${project} ${version} for ${target}"
		cp -p "${binary_in}" "${tmp}/${binary}"
	else
		echo "==> building ${project} ${version} for ${target}"
		(cd "${repo_root}" && go build -ldflags "-X main.version=${version}" -o "${tmp}/${binary}" .)
	fi
	for host in "${hosts[@]}"; do
		dir="$(prepare "${host}")/${version}/${target}"
		mkdir -p "${dir}"
		cp -p "${tmp}/${binary}" "${dir}/${binary}"
	done
	echo "==> ${output}: ${project} ${version} for ${target} (unpacked layout) under ${hosts[*]}"
else
	# Packed layout, every platform goreleaser built.
	[[ -d "${dist}" ]] || die "${dist} is not a directory: run \`make release-snapshot\`"
	dist="$(cd "${dist}" && pwd)"
	shopt -s nullglob
	zips=("${dist}/${project}_${version}_"*.zip)
	shopt -u nullglob
	((${#zips[@]} > 0)) || die "no ${project}_${version}_OS_ARCH.zip in ${dist}: run \`make release-snapshot\`"
	sums="${dist}/${project}_${version}_SHA256SUMS"
	[[ -f "${sums}" ]] || echo "mirror: warning: ${sums} not found, the zips are not verified" >&2
	targets=()
	for zip in "${zips[@]}"; do
		name="$(basename "${zip}")"
		target="${name#"${project}_${version}_"}"
		target="${target%.zip}"
		[[ "${target}" =~ ^[a-z0-9]+_[a-z0-9]+$ ]] || die "${name}: not ${project}_${version}_OS_ARCH.zip"
		if [[ -f "${sums}" ]]; then
			want="$(awk -v n="${name}" '$2 == n || $2 == "*" n { print $1 }' "${sums}")"
			[[ -n "${want}" ]] || die "${name} is not listed in ${sums}"
			[[ "$(sha256 "${zip}")" == "${want}" ]] || die "${name} does not match its checksum in ${sums}"
		fi
		targets+=("${target}")
	done
	for host in "${hosts[@]}"; do
		dir="$(prepare "${host}")"
		cp -p "${zips[@]}" "${dir}/"
	done
	echo "==> ${output}: ${project} ${version} for ${#targets[@]} platforms (packed layout) under ${hosts[*]}: ${targets[*]}"
fi

if [[ "${version}" == *-* ]]; then
	echo "${version} is a pre-release: \`init\` selects it only when required_providers names it exactly (version = \"${version}\")."
fi
cat <<EOF
Install it with this CLI configuration (~/.terraformrc, ~/.tofurc, or the file TF_CLI_CONFIG_FILE names;
for OpenTofu, write registry.opentofu.org in both places):
  provider_installation {
    filesystem_mirror {
      path    = "${output}"
      include = ["registry.terraform.io/${namespace}/${type}"]
    }
    direct {
      exclude = ["registry.terraform.io/${namespace}/${type}"]
    }
  }
EOF
