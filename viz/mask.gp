# mask.gp — an attention mask: which keys each query may attend to.
#
#   traceformer export run.trace dec.0.self_attn.mask --format dat -o d
#   gnuplot -e "data='d/dec.0.self_attn.mask.dat'; out='mask.png'" viz/mask.gp
#
# A mask is added to the scores before softmax: 0 lets a query attend to a
# key, -inf blocks it (its weight becomes exactly 0). Cells are drawn in
# two colours with "0" and "−∞" written in them, a legend says which is
# which, and the subtitle names the kind of mask the cells show: nothing
# blocked, causal (no looking ahead), padding (<PAD> keys hidden from every
# query), or causal + padding. Token labels on both axes.
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the .dat file of a [query, key] or
#                     [batch, query, key] mask; the image (.png, .svg, .pdf)
#   batch             sentence of a batched record (default 0)
#   values            1 writes 0 / −∞ in every cell, 0 none (default: when they fit)
#   format, width, height, font, fontsize, title, geometry: see lib/common.gp
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
load tf_dir . "lib/common.gp"
if (!exists("values")) { values = -1 }
tf_page = batch
if (tf_page >= tf_npages) { exit error sprintf("%s: no page %d", tf_name, tf_page) }

# ---- what the mask blocks ----
tf_ninf(v) = v < -3.5e38
array tf_colblk[tf_C]
do for [tf_k = 1:tf_C] { tf_colblk[tf_k] = 0 }
stats data index tf_page - tf_dfirst matrix using (tf_ninf($3) ? (tf_colblk[int($1) + 1] = tf_colblk[int($1) + 1] + 1, 1) : 0) nooutput
tf_nbad = STATS_sum
stats data index tf_page - tf_dfirst matrix using ($1 > $2 ? 1 : 0) nooutput
tf_nupper = STATS_sum
stats data index tf_page - tf_dfirst matrix using ($1 > $2 && tf_ninf($3) ? 1 : 0) nooutput
tf_nupper_blk = STATS_sum
tf_nlower_blk = tf_nbad - tf_nupper_blk
tf_padcols = 0
do for [tf_k = 1:tf_C] { if (tf_colblk[tf_k] == tf_R) { tf_padcols = tf_padcols + 1 } }
tf_causal = tf_R == tf_C && tf_nupper > 0 && tf_nupper_blk == tf_nupper
tf_pad_only = tf_nbad > 0 && tf_nbad == tf_padcols * tf_R
tf_keys(n) = n == 1 ? "1 key" : sprintf("%d keys", n)
if (tf_nbad == 0) {
    tf_sub = "nothing blocked: every query may attend to every key"
} else { if (tf_causal && tf_nlower_blk == 0) {
    tf_sub = "causal: each query sees itself and earlier positions, never later ones"
} else { if (tf_causal) {
    tf_sub = sprintf("causal + padding: no looking ahead, and %s (<PAD>) hidden from every query", tf_keys(tf_padcols))
} else { if (tf_pad_only) {
    tf_sub = sprintf("padding: %s (<PAD>) hidden from every query", tf_keys(tf_padcols))
} else {
    tf_sub = sprintf("%d of %d cells blocked", tf_nbad, tf_R * tf_C)
} } } }

# ---- draw: 0 pale green, -inf grey ----
set palette defined (0 tf_allow_rgb, 1 tf_allow_rgb)
tf_lo = -1; tf_hi = 1; tf_seq = 1
tf_vfmt = "%.0f"
tf_cbox = 0
tf_bg_rgb = tf_mask_rgb
tf_bg_title = tf_nbad > 0 ? "−∞   blocked: the key gets weight 0" : ""
tf_key2_rgb = tf_allow_rgb
tf_key2_title = "0    may attend: the score passes unchanged"
tf_head = exists("title") ? title : tf_name . (tf_ptitle[tf_page + 1] ne "" ? "   ·   " . tf_ptitle[tf_page + 1] : "")
load tf_dir . "lib/single.gp"
