#!/usr/bin/env bash
# Runs what is too long for scripts/test.sh: every documented command,
# the benchmarks and long studies of docs/ included (internal/doctest
# -long), after checking that smooth's generated kernels are current.
# Needs what scripts/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
if lib=$(scripts/install-ort.sh); then
	export DP2NN_ORT_LIB="$lib"
fi
# smooth's generated AVX2 kernels are those its generator writes now
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
(cd smooth/_asm && go run . -out "$gen/graphkern_amd64.s" -stubs "$gen/graphkern_amd64.go" -pkg smooth)
for f in graphkern_amd64.s graphkern_amd64.go; do
	sed 1d "$gen/$f" | cmp -s - <(sed 1d "smooth/$f") ||
		{ echo "long.sh: smooth/$f is not what smooth/_asm generates: run go generate ./smooth" >&2; exit 1; }
done
go test -count=1 -timeout 60m ./internal/doctest -run Documented -long -v "$@"
