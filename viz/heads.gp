# heads.gp — every head of one attention record side by side: the
# multi-head diversity figure.
#
#   traceformer export run.trace enc.0.attn.weights --format dat -o d
#   gnuplot -e "data='d/enc.0.attn.weights.dat'; out='heads.png'" viz/heads.gp
#
# One panel per head (four in a row; on the slide page, as many as make
# them largest, up to eight), all on one colour scale, each
# titled with its head number and, for attention weights, its mean row
# entropy H in bits: low H is a head that focuses on one key, high H one
# that spreads its attention evenly; the subtitle gives the reference, the
# mean for rows spread evenly over the keys each can see (with the block's
# mask, a causal row t sees t + 1 keys). Token labels on both axes; values
# in the cells when they fit; -inf cells grey with a legend entry; given
# the block's mask, the cells it hides grey with a × and a legend entry
# ("masked"); palettes
# as in heatmap.gp (sequential for non-negative data, diverging about 0).
# Works for any record with a head axis ([head, query, key] or
# [batch, head, ...]) and draws a record without one as a single panel.
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the .dat file; the image (.png, .svg, .pdf)
#   batch             sentence of a batched record (default 0)
#   head              one head only, in the same style (default: every head)
#   palette           'auto' (default), 'sequential' or 'diverging'
#   cbmin, cbmax      colour range shared by the heads (default: from the data)
#   values            1 prints every value, 0 none (default: when they fit)
#   mask              the block's mask .dat file (see lib/common.gp)
#   format, width, height, font, fontsize, title, geometry: see lib/common.gp
#                     (defaults: png from out's name, a size that suits the
#                     grid, 'WenQuanYi Micro Hei' 16)
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
load tf_dir . "lib/common.gp"
tf_gen = 0
load tf_dir . "lib/grid.gp"
