#!/bin/sh
# The main job: trace the default example, then step through it in the
# viewer when this runs in a terminal; without one (CI, a pipe), print the
# recorded steps and two attention matrices instead.
# usage: demo.sh PATH/TO/traceformer
set -eu
tf=$1
mkdir -p out
"$tf" run --lesson demo -o out/demo.trace
if [ -t 0 ] && [ -t 1 ]; then
    echo "opening the viewer: n/p step, ? lists the keys, q quits"
    exec "$tf" view out/demo.trace
fi
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
echo "next: traceformer view out/demo.trace (in a terminal), traceformer show out/demo.trace NAME,"
echo "or traceformer export out/demo.trace --format npy -o out/npy"
