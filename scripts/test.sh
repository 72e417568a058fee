#!/usr/bin/env bash
# Runs every test of dp2nn, first installing what the runtime tests need
# when it is missing:
#   - ONNX Runtime's CPU library, from the npm package onnxruntime-node,
#     into ${DP2NN_CACHE:-$HOME/.cache/dp2nn}/ort (scripts/install-ort.sh);
#   - Debian's python3-onnx, for onnx.checker (only when run as root with
#     apt-get; otherwise the checker tests say they were skipped).
# With both in place it sets DP2NN_REQUIRE_RUNTIMES=1, so that a runtime
# test that cannot run fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

have_onnx_python() {
	for py in "${DP2NN_PYTHON:-}" python3 /usr/bin/python3; do
		[ -n "$py" ] && command -v "$py" >/dev/null 2>&1 && "$py" -c 'import onnx' >/dev/null 2>&1 && return 0
	done
	return 1
}

if ! have_onnx_python && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "test.sh: installing python3-onnx (Debian) for the ONNX checker tests" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq python3-onnx >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get install -y -qq python3-onnx >/dev/null; }
fi

require=1
if lib=$(scripts/install-ort.sh); then
	export DP2NN_ORT_LIB="$lib"
else
	echo "test.sh: ONNX Runtime could not be installed; its tests will be skipped" >&2
	require=0
fi
have_onnx_python || { echo "test.sh: no python3 with onnx; checker tests will be skipped" >&2; require=0; }
if [ "$require" = 1 ]; then
	export DP2NN_REQUIRE_RUNTIMES=1
fi

go vet ./...
go vet -tags purego ./smooth # the scalar kernels alone, as on a processor without AVX2
go test -count=1 -timeout 240s ./... "$@"
