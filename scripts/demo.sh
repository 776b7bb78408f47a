#!/bin/sh
# The main job: trace the default example and show what was recorded.
# usage: demo.sh PATH/TO/traceformer
set -eu
tf=$1
mkdir -p out
"$tf" run --lesson demo -o out/demo.trace
echo
echo "== the recorded steps (traceformer ls out/demo.trace) =="
"$tf" ls out/demo.trace
echo
echo "== one attention matrix (traceformer show out/demo.trace enc.0.attn.weights --head 0) =="
"$tf" show out/demo.trace enc.0.attn.weights --head 0
echo
echo "== cross-attention: target rows read source columns (traceformer show out/demo.trace dec.0.cross_attn.weights --head 0) =="
"$tf" show out/demo.trace dec.0.cross_attn.weights --head 0
echo
echo "next: traceformer show out/demo.trace NAME, or traceformer export out/demo.trace --format npy -o out/npy"
