# heatmap.gp — one matrix of a Traceformer trace as a heatmap.
#
#   traceformer export run.trace enc.0.attn.weights --format dat -o d
#   gnuplot -e "data='d/enc.0.attn.weights.dat'; out='w.png'; head=1" viz/heatmap.gp
#
# Token labels on both axes (queries down the side, keys along the
# bottom), a title with the record's name and page (head, sentence), its
# formula, and a colour bar. Non-negative data (attention weights,
# probabilities) gets a sequential palette from 0 (white) to the largest
# value (darkest); signed data a diverging palette centred on 0 (blue
# negative, white 0, red positive). Cells holding -inf (masked scores) are
# grey, with a legend entry. Given the block's mask (`mask`, see
# lib/common.gp: `traceformer plot` passes it for masked scores and
# weights), the cells it hides are grey with a ×, with a legend entry.
# Values are printed in the cells when they fit.
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the .dat file; the image (.png, .svg, .pdf)
#   head              head to draw, for records with a head axis (default 0)
#   batch             sentence of a batched record (default 0)
#   page              page of the .dat file to draw, counting from 0; overrides
#                     head and batch (for records with other leading axes)
#   palette           'auto' (default), 'sequential' or 'diverging'
#   cbmin, cbmax      colour range (default: from the data, as above)
#   values            1 prints every value, 0 none (default: when they fit)
#   mask              the block's mask .dat file (see lib/common.gp)
#   format, width, height, font, fontsize, title, geometry: see lib/common.gp
#                     (defaults: png from out's name, a size that suits the
#                     matrix, 'WenQuanYi Micro Hei' 16)
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
load tf_dir . "lib/common.gp"

if (!exists("head")) { head = -1 }
if (!exists("page")) { page = -1 }
if (!exists("palette")) { palette = "auto" }
if (!exists("values")) { values = -1 }
if (head >= 0 && tf_nheads == 0) { exit error sprintf("head %d: %s has no head axis", head, tf_name) }
if (head >= tf_nheads && tf_nheads > 0) { exit error sprintf("head %d: %s has heads 0..%d", head, tf_name, tf_nheads - 1) }
if (page < 0) { page = batch * (tf_nheads > 0 ? tf_nheads : 1) + (head > 0 ? head : 0) }
if (page >= tf_npages) { exit error sprintf("page %d: %s has pages 0..%d", page, tf_name, tf_npages - 1) }
if (page < tf_dfirst || page > tf_dlast) { exit error sprintf("page %d: %s holds pages %d..%d", page, data, tf_dfirst, tf_dlast) }
if (palette ne "auto" && palette ne "sequential" && palette ne "diverging") {
    exit error sprintf("palette '%s': expected auto, sequential or diverging", palette)
}
tf_page = page

# ---- the values ----
# from the page's "# values:" line (lib/common.gp), else by passes of stats
tf_di = tf_page - tf_dfirst
tf_vmin = 0; tf_vmax = 0
if (tf_hasvalues(tf_page, tf_page)) {
    tf_nbad = tf_rnbad(tf_page, tf_page)
    if (tf_nbad < tf_R * tf_C) { tf_vmin = tf_rmin(tf_page, tf_page); tf_vmax = tf_rmax(tf_page, tf_page) }
    tf_allint = tf_rwhole(tf_page, tf_page)
} else {
    stats data index tf_di matrix using (tf_isfin($3) ? 0 : 1) nooutput
    tf_nbad = STATS_sum
    if (tf_nbad < tf_R * tf_C) {
        eval tf_minmax("index tf_di")
    }
    stats data index tf_di matrix using ((tf_isfin($3) && $3 != int($3)) ? 1 : 0) nooutput
    tf_allint = STATS_sum == 0     # token ids, buckets, masks: no decimals
}
tf_seq = palette eq "sequential" || (palette eq "auto" && tf_vmin >= 0)
tf_M = tf_max(abs(tf_vmin), abs(tf_vmax))
if (tf_seq) { tf_lo = tf_min(0, tf_vmin); tf_hi = tf_vmax > tf_lo ? tf_vmax : tf_lo + 1 } \
else { tf_lo = tf_M > 0 ? -tf_M : -1; tf_hi = -tf_lo }
if (exists("cbmin")) { tf_lo = cbmin }
if (exists("cbmax")) { tf_hi = cbmax }
if (tf_hi <= tf_lo) { exit error sprintf("colour range %g..%g is empty", tf_lo, tf_hi) }
if (tf_seq) { eval tf_palette_seq } else { eval tf_palette_div }

tf_vfmt = tf_allint ? "%.0f" : tf_vformat(tf_max(abs(tf_lo), abs(tf_hi)))

# ---- titles, legend ----
tf_cbox = 1
tf_bg_rgb = tf_mask_rgb
# -inf cells the block's mask marks already (lib/common.gp) need no entry of their own
tf_nbadfree = tf_nbad
if (tf_nbad > 0 && tf_nmasked > 0) {
    eval tf_mask_array
    stats data index tf_di matrix using ((!tf_isfin($3) && !tf_masked($1, $2)) ? 1 : 0) nooutput
    tf_nbadfree = STATS_sum
}
tf_bg_title = tf_nbadfree > 0 ? "−∞ (masked: weight 0 after softmax)" : ""
tf_key2_title = ""; tf_key2_rgb = "white"
tf_head = exists("title") ? title : tf_name . (tf_ptitle[tf_page + 1] ne "" ? "   ·   " . tf_ptitle[tf_page + 1] : "")
tf_sub = tf_formula
set cblabel (tf_kind eq "weights" ? "attention weight" : tf_kind eq "probs" ? "probability" : "value")
load tf_dir . "lib/single.gp"
