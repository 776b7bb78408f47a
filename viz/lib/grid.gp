# lib/grid.gp — every head of one record in a grid of panels on one
# shared colour scale; the body of heads.gp and generation.gp (which set
# tf_gen = 0 or 1 and load lib/common.gp first).
if (!exists("palette")) { palette = "auto" }
if (!exists("values")) { values = -1 }
if (palette ne "auto" && palette ne "sequential" && palette ne "diverging") {
    exit error sprintf("palette '%s': expected auto, sequential or diverging", palette)
}
# The pages of this sentence: one per head (one page when there is no head axis).
tf_n = tf_nheads > 0 ? tf_nheads : 1
tf_first = batch * tf_n
if (tf_first + tf_n > tf_npages) { exit error sprintf("%s: expected %d pages per sentence, found %d in all", tf_name, tf_n, tf_npages) }
# head: one head only, as a grid of one
if (!exists("head")) { head = -1 }
if (head >= 0 && tf_nheads == 0) { exit error sprintf("head %d: %s has no head axis", head, tf_name) }
if (head >= tf_n && tf_nheads > 0) { exit error sprintf("head %d: %s has heads 0..%d", head, tf_name, tf_n - 1) }
if (head >= 0) { tf_first = tf_first + head; tf_n = 1 }
tf_last = tf_first + tf_n - 1
if (tf_first < tf_dfirst || tf_last > tf_dlast) {
    exit error sprintf("%s holds pages %d..%d, not %d..%d", data, tf_dfirst, tf_dlast, tf_first, tf_last)
}

# ---- one colour scale for every head ----
# from the pages' "# values:" lines (lib/common.gp), else by passes of
# stats, a page at a time (gnuplot's `index A:B matrix` reads page A alone)
tf_vmin = 0; tf_vmax = 0
if (tf_hasvalues(tf_first, tf_last)) {
    tf_nbad = tf_rnbad(tf_first, tf_last)
    if (tf_nbad < tf_n * tf_R * tf_C) { tf_vmin = tf_rmin(tf_first, tf_last); tf_vmax = tf_rmax(tf_first, tf_last) }
    tf_allint = tf_rwhole(tf_first, tf_last)
} else {
    tf_nbad = 0; tf_allint = 1; tf_vmin = 1e300; tf_vmax = -1e300
    do for [tf_p = tf_first - tf_dfirst:tf_last - tf_dfirst] {
        stats data index tf_p matrix using (tf_isfin($3) ? 0 : 1) nooutput
        tf_nbad = tf_nbad + STATS_sum
        if (STATS_sum < tf_R * tf_C) {
            tf_lo_ = tf_vmin; tf_hi_ = tf_vmax
            eval tf_minmax("index tf_p")
            tf_vmin = tf_min(tf_lo_, tf_vmin); tf_vmax = tf_max(tf_hi_, tf_vmax)
        }
        stats data index tf_p matrix using ((tf_isfin($3) && $3 != int($3)) ? 1 : 0) nooutput
        tf_allint = tf_allint && STATS_sum == 0
    }
    if (tf_nbad == tf_n * tf_R * tf_C) { tf_vmin = 0; tf_vmax = 0 }
}
# of which the block's mask marks none (lib/common.gp): the -inf entry's
tf_nbadfree = tf_nbad
if (tf_nbad > 0 && tf_nmasked > 0) {
    eval tf_mask_array
    tf_nbadfree = 0
    do for [tf_p = tf_first - tf_dfirst:tf_last - tf_dfirst] {
        stats data index tf_p matrix using ((!tf_isfin($3) && !tf_masked($1, $2)) ? 1 : 0) nooutput
        tf_nbadfree = tf_nbadfree + STATS_sum
    }
}
tf_seq = palette eq "sequential" || (palette eq "auto" && tf_vmin >= 0)
tf_M = tf_max(abs(tf_vmin), abs(tf_vmax))
if (tf_seq) { tf_lo = tf_min(0, tf_vmin); tf_hi = tf_vmax > tf_lo ? tf_vmax : tf_lo + 1 } \
else { tf_lo = tf_M > 0 ? -tf_M : -1; tf_hi = -tf_lo }
if (exists("cbmin")) { tf_lo = cbmin }
if (exists("cbmax")) { tf_hi = cbmax }
if (tf_hi <= tf_lo) { exit error sprintf("colour range %g..%g is empty", tf_lo, tf_hi) }
if (tf_seq) { eval tf_palette_seq } else { eval tf_palette_div }

# ---- entropy of each head's rows (distributions only) ----
# H = -sum p log2 p over a row's keys, averaged over the rows: 0 when every
# query puts all its weight on one key, log2(keys) when spread evenly. The
# export computes it (src/core/row_stats.h, as the viewer and the lesson
# claims do) and writes it as each page's "# row entropy:" line.
tf_dist = (tf_kind eq "weights" || tf_kind eq "probs") && tf_vmin >= 0
array tf_entropy[tf_n]
if (tf_dist) {
    do for [tf_i = 1:tf_n] { tf_entropy[tf_i] = tf_pentropy[tf_first + tf_i] }
}

# ---- titles ----
tf_sentence = tf_nbatch > 0 ? sprintf("   ·   batch %d", batch) : ""
tf_head = exists("title") ? title : \
    tf_gen ? tf_name . " during generation" . tf_sentence : \
    tf_name . (tf_n > 1 ? sprintf("   ·   all %d heads", tf_n) : "") . tf_sentence
# Self-attention reads the KV cache, one key more each step; cross-attention
# reads the encoder memory, computed once: the same keys every step.
tf_cross = tf_gen && strstrt(tf_name, "cross_attn") > 0
tf_sub = !tf_gen ? tf_formula : tf_cross ? \
    "one row per decoding step: the new token's query against the encoder memory, the same keys every step" : \
    "one row per decoding step: the new token's query against the KV cache, one key more each step"
# The reference: the same mean for rows spread evenly over the keys each
# can see. Without a mask every key is visible: log2(keys). With one, a
# row sees the keys its mask leaves (a causal row t: t + 1 keys, log2(t + 1);
# a padded sentence: its length), and the reference is the mean of
# log2(visible keys) over the rows (a row that sees none is left out).
if (tf_dist && !tf_gen && !tf_hasmask) {
    tf_sub = tf_sub . sprintf("   ·   H = mean row entropy in bits (uniform over %d keys: %.2f)", tf_C, log(tf_C) / log(2))
}
if (tf_dist && !tf_gen && tf_hasmask) {
    eval tf_visible_keys
    tf_uref = 0.0; tf_urows = 0
    do for [tf_k = 1:tf_R] { if (tf_mvis[tf_k] > 0) { tf_uref = tf_uref + log(tf_mvis[tf_k]) / log(2); tf_urows = tf_urows + 1 } }
    tf_uref = tf_urows > 0 ? tf_uref / tf_urows : 0.0
    tf_sub = tf_sub . sprintf("   ·   H = mean row entropy in bits (uniform over the visible keys: %.2f)", tf_uref)
}
tf_sub = tf_withsource(tf_sub)

# ---- layout (pixels) ----
tf_xlab = tf_pcols[tf_first + 1]
tf_cw_ = fontsize * 0.62
tf_ywid = (tf_ticwidth(tf_prows[tf_first + 1], tf_R) + (tf_gen ? strlen(sprintf("%d", tf_R)) + 2 : 0)) * tf_cw_
tf_xwid = tf_ticwidth(tf_xlab, tf_C) * tf_cw_
# A panel is at most 360 layout pixels square: a long sequence's cells go
# below a layout pixel (drawn as one image), not the panel beyond the slide,
# which would shrink every title and label with it when the page is fitted.
tf_cell = tf_min(360.0 / tf_max(tf_R, tf_C), 90)
tf_pw = tf_C * tf_cell; tf_ph = tf_R * tf_cell
if (tf_R * tf_cell < 120) { tf_ph = tf_min(90 * tf_R, 120) }
tf_gapx = fontsize * 2.0
tf_ptitleh = fontsize * 2.0
# A row's panel titles are centred tf_ptitleh / 2 above its panels (panel.gp);
# tf_gapy keeps them clear of the x tic labels of the row above.
tf_gapy = fontsize * 1.2
tf_ml = tf_ywid + fontsize * 3.2 + 14
tf_mt = fontsize * 5.0 + 12
tf_mr = fontsize * 7 + 60
tf_xlabelh = fontsize * 2.6
tf_nkeys = (tf_nbadfree > 0) + (tf_nmasked > 0)
tf_keyh = tf_nkeys > 0 ? fontsize * (2.4 + 1.3 * (tf_nkeys - 1)) : 0
# x tic height depends on rotation, which depends on the cell width
tf_xrot = (tf_xlab ne "" && tf_C <= 60 && tf_xwid > 0.9 * tf_pw / tf_C) ? 45 : 0
tf_xtich = tf_xrot ? tf_xwid * 0.72 + fontsize * 1.6 : fontsize * 2.2
# Panels per row: four; on the slide page (lib/common.gp) as many (up to
# eight) as make the panels largest once the figure is scaled to fit:
# 16 heads as two rows of eight, not four rows of four.
tf_gridw(c) = tf_max(tf_ml + c * tf_pw + (c - 1) * tf_gapx + tf_mr, tf_titlew(tf_head, tf_sub))
tf_gridh(c) = tf_gridh1(int(ceil(real(tf_n) / c)))
tf_gridh1(r) = tf_mt + r * (tf_ptitleh + tf_ph + tf_xtich) + (r - 1) * tf_gapy + tf_xlabelh + tf_keyh + 10
tf_gridscale(c) = tf_min(real(tf_slide_w) / tf_gridw(c), real(tf_slide_h) / tf_gridh(c))
tf_cols = tf_min(tf_n, 4)
if (slide && width == 0 && height == 0) {
    do for [tf_c = 1:tf_min(tf_n, 8)] {
        if (tf_gridscale(tf_c) > tf_gridscale(tf_cols) * 1.0001) { tf_cols = tf_c }
    }
}
tf_rows = int(ceil(real(tf_n) / tf_cols))
tf_cols = int(ceil(real(tf_n) / tf_rows))
tf_w = width > 0 ? width : int(tf_max(tf_ml + tf_cols * tf_pw + (tf_cols - 1) * tf_gapx + tf_mr, tf_titlew(tf_head, tf_sub)) + 0.5)
if (width == 0 && tf_ml + tf_cols * tf_pw + (tf_cols - 1) * tf_gapx + tf_mr < tf_w) {
    # a wider canvas than the panels need (for the titles): centre them
    tf_extra = (tf_w - (tf_ml + tf_cols * tf_pw + (tf_cols - 1) * tf_gapx + tf_mr)) / 2.0
    tf_ml = tf_ml + tf_extra; tf_mr = tf_mr + tf_extra
}
tf_h = height > 0 ? height : int(tf_mt + tf_rows * (tf_ptitleh + tf_ph + tf_xtich) + (tf_rows - 1) * tf_gapy + tf_xlabelh + tf_keyh + 10 + 0.5)
if (width > 0 || height > 0) {
    tf_pw = (real(tf_w) - tf_ml - tf_mr - (tf_cols - 1) * tf_gapx) / tf_cols
    tf_ph = (real(tf_h) - tf_mt - tf_rows * (tf_ptitleh + tf_xtich) - (tf_rows - 1) * tf_gapy - tf_xlabelh - tf_keyh - 10) / tf_rows
}
if (tf_pw < 16 || tf_ph < 16) {
    exit error sprintf("size %dx%d is too small for %d panels of %d x %d cells", tf_w, tf_h, tf_n, tf_R, tf_C)
}
tf_cellw = real(tf_pw) / tf_C; tf_cellh = real(tf_ph) / tf_R
tf_vfmt = tf_allint ? "%.0f" : tf_vformat(tf_max(abs(tf_lo), abs(tf_hi)))
tf_vsize = tf_clamp(tf_min(tf_cellw / 4.2, tf_cellh / 2.4), 6, fontsize)
tf_values = values >= 0 ? values : (tf_R * tf_C <= 400 && tf_cellw >= 34 && tf_cellh >= 18)
tf_cellgrid = tf_cellw >= 14 && tf_cellh >= 14
tf_bg_rgb = tf_gen ? tf_empty_rgb : tf_mask_rgb
tf_bgnote = tf_gen ? "not in the KV cache yet" : "−∞ (masked: weight 0 after softmax)"
tf_key2_title = ""; tf_key2_rgb = "white"
tf_cbx = tf_ml + tf_cols * tf_pw + (tf_cols - 1) * tf_gapx + 22; tf_cbw = 16
tf_cby = tf_mt + tf_ptitleh
tf_cbh = tf_rows * (tf_ptitleh + tf_ph + tf_xtich) + (tf_rows - 1) * tf_gapy - tf_ptitleh - tf_xtich
tf_gridbottom = tf_mt + tf_rows * (tf_ptitleh + tf_ph + tf_xtich) + (tf_rows - 1) * tf_gapy
tf_kx = tf_ml; tf_ky = tf_gridbottom + tf_xlabelh + 2
set cblabel (tf_kind eq "weights" ? "attention weight" : tf_kind eq "probs" ? "probability" : "value")

# ---- draw ----
eval tf_open
set multiplot
set label 101 tf_head at screen 0.5, screen tf_sy(fontsize * 1.6) center font tf_fontspec(fontsize + 4)
set label 102 tf_sub at screen 0.5, screen tf_sy(fontsize * 3.4) center font tf_fontspec(fontsize) tc rgb "#505050"
set label 103 tf_axis_title(tf_coldim) at screen tf_sx(tf_ml + (tf_cols * tf_pw + (tf_cols - 1) * tf_gapx) / 2.0), screen tf_sy(tf_gridbottom + tf_xlabelh * 0.55) center
do for [tf_i = 0:tf_n - 1] {
    tf_page = tf_first + tf_i
    tf_row = tf_i / tf_cols
    tf_col = tf_i % tf_cols
    tf_px = tf_ml + tf_col * (tf_pw + tf_gapx)
    tf_py = tf_mt + tf_row * (tf_ptitleh + tf_ph + tf_xtich + tf_gapy) + tf_ptitleh
    tf_xlab = tf_pcols[tf_page + 1]
    tf_ylab = tf_prows[tf_page + 1]
    tf_showy = tf_col == 0
    tf_hname = tf_ptitle[tf_page + 1]
    if (tf_nbatch > 0 && strstrt(tf_hname, ", ") > 0) { tf_hname = tf_hname[strstrt(tf_hname, ", ") + 2:] }
    if (tf_hname eq "") { tf_hname = tf_name }
    tf_ptitle_text = tf_hname . (tf_dist ? sprintf("   ·   H = %.2f", tf_entropy[tf_i + 1]) : "")
    tf_xtitle = ""
    tf_ytitle = tf_col == 0 ? (tf_gen ? "decoding step (query token)" : tf_axis_title(tf_rowdim)) : ""
    if (tf_col == 0 && tf_rows > 1 && !tf_gen) { tf_ytitle = tf_rowdim }
    tf_y2title = ""
    tf_cbox = tf_i == tf_n - 1
    tf_bg_title = (tf_i == tf_n - 1 && tf_nbadfree > 0) ? tf_bgnote : ""
    tf_mask_key = tf_i == tf_n - 1 ? tf_mask_title : ""
    load tf_dir . "lib/panel.gp"
    unset label 101
    unset label 102
    unset label 103
}
unset multiplot
