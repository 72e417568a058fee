#!/usr/bin/env bash
# Runs what is too long for scripts/test.sh: every documented command,
# the benchmarks and long studies of docs/ included (internal/doctest
# -long). Needs what scripts/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
if lib=$(scripts/install-ort.sh); then
	export DP2NN_ORT_LIB="$lib"
fi
go test -count=1 -timeout 60m ./internal/doctest -run Documented -long -v "$@"
