#!/bin/sh
# Regenerates onnx.pb.go from onnx.proto (run by `go generate ./export/onnxpb`).
#
# Needs protoc and protoc-gen-go on PATH:
#   apt-get install protobuf-compiler libonnx-dev
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12   # = google.golang.org/protobuf in go.mod
#
# The schema is Debian's libonnx-dev onnx.proto (ONNX 1.12.0, proto2,
# IR_VERSION 8); set ONNX_PROTO to use another copy.
#
# The protobuf package is renamed from "onnx" to "dp2nn.onnx": onnx-go, which
# verify links for its round trip, registers its own onnx.ModelProto etc. in
# the same global protobuf registry, and two registrations of one full name
# panic at program start. Binary protobuf carries field numbers, never
# package names, so files are byte-for-byte standard ONNX.
set -eu
proto=${ONNX_PROTO:-/usr/include/onnx/onnx.proto}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/dp2nn"
sed 's/^package onnx;$/package dp2nn.onnx;/' "$proto" >"$tmp/dp2nn/onnx.proto"
grep -q '^package dp2nn.onnx;$' "$tmp/dp2nn/onnx.proto" || {
	echo "generate.sh: no 'package onnx;' line in $proto" >&2
	exit 1
}
protoc -I"$tmp" --go_out=. \
	--go_opt=module=github.com/dp2nn/dp2nn/export/onnxpb \
	--go_opt=Mdp2nn/onnx.proto=github.com/dp2nn/dp2nn/export/onnxpb \
	dp2nn/onnx.proto
