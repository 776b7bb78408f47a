# generation.gp — decoder attention during generation: one row per
# decoding step, so the KV cache can be seen growing (self-attention), or
# each new token's reading of the source (cross-attention).
#
#   traceformer plot run.trace 'gen.dec.0.self_attn.weights' -o out --keep-data
#   gnuplot -e "data='out/gen.dec.0.self_attn.weights.dat'; out='gen.png'" viz/generation.gp
#
# At step S the decoder feeds one new token; its query attends to the keys
# of every token so far, kept in the KV cache, which grows by one key per
# step. Row S of each head's panel is that step's attention weights (the
# newest query's row of gen.S.dec.L.self_attn.weights, see FORMAT.md);
# cells of keys not in the cache yet are drawn light grey. A cross-attention
# record (gen.S.dec.L.cross_attn.weights, told apart by its name) has the
# encoder memory for keys, computed once: every row has the same keys, and
# the subtitle says so. One panel per head on a shared colour scale, as
# heads.gp, titled with the mean row entropy. Rows are labelled "S  token"
# with the step and its query token, columns with the key tokens.
#
# The data file is a .dat file as `traceformer export` writes them, of a
# record [head, step, key] (or [step, key]) whose cells beyond each
# step's cache hold nan; `traceformer plot TRACE gen.<name> --keep-data`
# writes it from the gen.S.<name> records.
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the .dat file; the image (.png, .svg, .pdf)
#   head              one head only (default: every head)
#   batch             sentence of a batched record (default 0)
#   palette, cbmin, cbmax, values: as in heads.gp
#   format, width, height, font, fontsize, title, geometry: see lib/common.gp
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
load tf_dir . "lib/common.gp"
tf_gen = 1
tf_ytic(tok, k) = sprintf("%d  %s", k, tok)
load tf_dir . "lib/grid.gp"
