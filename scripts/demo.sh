#!/bin/sh
# The main job: lesson 1 (self-attention) in the viewer when this runs in
# a terminal; without one (CI, a pipe), lesson 1's walk-through printed and
# its figures written to out/lesson-1, then the default example's steps
# and two attention matrices.
# usage: demo.sh PATH/TO/traceformer
set -eu
tf=$1
mkdir -p out
"$tf" run --lesson demo -o out/demo.trace
if [ -t 0 ] && [ -t 1 ]; then
    echo "opening lesson 1 in the viewer: N/P the lesson's steps, L 中文, e edits the sentence, ? lists the keys, q quits"
    exec "$tf" lesson 1
fi
echo
echo "== lesson 1, walked through (traceformer lesson 1 --walk) =="
"$tf" lesson 1 --walk
echo
echo "== lesson 1's figures (traceformer lesson 1 --plot out/lesson-1) =="
"$tf" lesson 1 --plot out/lesson-1
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
echo "next: traceformer lesson 1 or traceformer view out/demo.trace (in a terminal), traceformer show out/demo.trace NAME,"
echo "or traceformer export out/demo.trace --format npy -o out/npy"
