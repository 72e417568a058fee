#!/bin/sh
# Installs the ONNX Runtime shared library that verify/onnxrt loads, from
# the onnxruntime-node npm package, and prints the library's path.
#
#   scripts/install-ort.sh            # into ${DP2NN_CACHE:-$HOME/.cache/dp2nn}/ort
#   DP2NN_ORT_LIB=$(scripts/install-ort.sh) go test ./verify/...
#
# Idempotent: an installed library of the right version is left alone.
# Needs npm. --ignore-scripts skips the package's install script, which
# would download CUDA/TensorRT providers that dp2nn does not use.
set -eu

version=1.30.0
dir=${DP2NN_CACHE:-$HOME/.cache/dp2nn}/ort

case "$(uname -s)/$(uname -m)" in
Linux/x86_64) platform=linux/x64 lib=libonnxruntime.so.1 ;;
Linux/aarch64 | Linux/arm64) platform=linux/arm64 lib=libonnxruntime.so.1 ;;
Darwin/arm64) platform=darwin/arm64 lib=libonnxruntime.1.dylib ;;
*)
	echo "install-ort.sh: no onnxruntime-node build for $(uname -s)/$(uname -m); set DP2NN_ORT_LIB to an ONNX Runtime $version library" >&2
	exit 1
	;;
esac
pkg=$dir/node_modules/onnxruntime-node
path=$pkg/bin/napi-v6/$platform/$lib

installed() {
	[ -f "$path" ] && grep -q "\"version\": *\"$version\"" "$pkg/package.json" 2>/dev/null
}

if ! installed; then
	command -v npm >/dev/null || {
		echo "install-ort.sh: npm not found (Debian: apt-get install npm)" >&2
		exit 1
	}
	mkdir -p "$dir"
	[ -f "$dir/package.json" ] || echo '{"private": true}' >"$dir/package.json"
	(cd "$dir" && npm install --ignore-scripts --no-audit --no-fund "onnxruntime-node@$version" >&2)
	installed || {
		echo "install-ort.sh: npm finished but $path is missing" >&2
		exit 1
	}
fi
echo "$path"
