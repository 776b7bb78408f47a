# lib/single.gp — lays out and draws one panel, page tf_page, with its
# titles; the end of heatmap.gp and mask.gp. The caller has set the
# palette, tf_lo, tf_hi, tf_seq, tf_nbad (cells without a finite value),
# tf_cbox (1: colour bar), tf_bg_rgb, tf_bg_title, tf_key2_rgb,
# tf_key2_title, tf_head and tf_sub (title lines), and `values`; the
# mask's legend entry is lib/common.gp's tf_mask_title.
tf_sub = tf_withsource(tf_sub)
tf_xlab = tf_pcols[tf_page + 1]
tf_ylab = tf_prows[tf_page + 1]
tf_cw_ = fontsize * 0.62          # width of one character cell
tf_ywid = tf_ticwidth(tf_ylab, tf_R) * tf_cw_
tf_xwid = tf_ticwidth(tf_xlab, tf_C) * tf_cw_
if (tf_R <= 60 && tf_C <= 60) {
    tf_cellw = tf_clamp(720.0 / tf_max(tf_R, tf_C), 18, 110); tf_cellh = tf_cellw
    if (tf_R * tf_cellh < 220) { tf_cellh = tf_min(110, 220.0 / tf_R) }
} else {
    tf_cellw = tf_C <= 60 ? tf_clamp(720.0 / tf_C, 18, 110) : 900.0 / tf_C
    tf_cellh = tf_R <= 60 ? tf_clamp(720.0 / tf_R, 18, 110) : 700.0 / tf_R
}
tf_xrot = (tf_xlab ne "" && tf_C <= 60 && tf_xwid > 0.9 * tf_cellw) ? 45 : 0
tf_xtich = tf_xrot ? tf_xwid * 0.72 + fontsize : fontsize * 1.5
tf_mask_key = tf_mask_title
tf_nkeys = (tf_bg_title ne "") + (tf_key2_title ne "") + (tf_mask_key ne "")
tf_ml = tf_ywid + fontsize * 3.2 + 14
tf_mt = fontsize * 4.6 + 12
tf_mr = tf_cbox ? fontsize * 7 + 60 : fontsize * 2
tf_mb = tf_xtich + fontsize * 3.0 + tf_nkeys * fontsize * 1.5 + (tf_nkeys > 0 ? fontsize : 0) + 10
tf_keyw = tf_nkeys > 0 ? tf_max(tf_max(tf_width(tf_bg_title), tf_width(tf_key2_title)), tf_width(tf_mask_key)) * tf_cw_ + fontsize * 4 : 0
tf_w = width > 0 ? width : int(tf_max(tf_max(tf_ml + tf_C * tf_cellw + tf_mr, 360), \
                                      tf_max(tf_ml + tf_keyw, tf_titlew(tf_head, tf_sub))) + 0.5)
if (width == 0 && tf_ml + tf_C * tf_cellw + tf_mr < tf_w) {
    # a wider canvas than the matrix needs (for its titles): centre the matrix
    tf_extra = (tf_w - (tf_ml + tf_C * tf_cellw + tf_mr)) / 2.0
    tf_ml = tf_ml + tf_extra; tf_mr = tf_mr + tf_extra
}
tf_h = height > 0 ? height : int(tf_mt + tf_R * tf_cellh + tf_mb + 0.5)
tf_px = tf_ml; tf_py = tf_mt
tf_pw = tf_w - tf_ml - tf_mr; tf_ph = tf_h - tf_mt - tf_mb
if (tf_pw < 16 || tf_ph < 16) {
    exit error sprintf("size %dx%d is too small for %s (%d x %d cells with labels)", tf_w, tf_h, tf_name, tf_R, tf_C)
}
tf_cellw = real(tf_pw) / tf_C; tf_cellh = real(tf_ph) / tf_R
if (!exists("tf_vfmt")) { tf_vfmt = tf_vformat(tf_max(abs(tf_lo), abs(tf_hi))) }
tf_vsize = tf_clamp(tf_min(tf_cellw / 4.2, tf_cellh / 2.4), 6, fontsize)
tf_values = values >= 0 ? values : (tf_R * tf_C <= 900 && tf_cellw >= 34 && tf_cellh >= 18)
tf_cellgrid = tf_cellw >= 14 && tf_cellh >= 14
tf_cbx = tf_px + tf_pw + 22; tf_cbw = 16; tf_cby = tf_py; tf_cbh = tf_ph
tf_kx = tf_px; tf_ky = tf_py + tf_ph + tf_xtich + fontsize * 3.4
tf_showy = 1
tf_ptitle_text = ""
tf_xtitle = tf_axis_title(tf_coldim)
tf_ytitle = tf_axis_title(tf_rowdim)
tf_y2title = ""

eval tf_open
set label 101 tf_head at screen 0.5, screen tf_sy(fontsize * 1.6) center font tf_fontspec(fontsize + 4)
if (tf_sub ne "") { set label 102 tf_sub at screen 0.5, screen tf_sy(fontsize * 3.3) center font tf_fontspec(fontsize) tc rgb "#505050" }
load tf_dir . "lib/panel.gp"
