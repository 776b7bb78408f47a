# modelview.gp — the model view: every layer × every head of one kind of
# attention block in one grid, the whole model at a glance (as bertviz's
# model view), sized for a slide.
#
#   traceformer plot run.trace model-view --block dec.cross -o DIR --keep-data
#   gnuplot -e "data='DIR/model-view.dec.cross.dat'; mask='DIR/model-view.dec.cross.mask.dat'; out='m.pdf'" viz/modelview.gp
#
# `traceformer plot` gathers the weights of layer 0, 1, ... into one
# record [layer, head, query, key] (its .dat file: --keep-data); the
# script draws a row of panels per layer and a column per head, all on
# one colour scale 0..1 (a weight of 1 is the same colour in every
# panel), each panel titled with its mean row entropy H in bits; the
# subtitle gives the reference, the mean for rows spread evenly over the
# keys each can see. Token labels only on the outer edges (queries down
# the left column, keys along the bottom row); values in the cells only
# when the cells are large enough; given the block's mask, the cells it
# hides grey with a × and a legend entry. The page is the 16:9 slide
# (1600 x 900) unless width and height are given: the panels shrink to
# fit it, so 6 layers × 8 heads still read.
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the .dat file of a [layer, head, query, key]
#                     record (or [head, query, key]: one layer); the image
#   values            1 prints every value, 0 none (default: when they fit)
#   mask              the block's mask .dat file, one page (see lib/common.gp)
#   format, width, height, font, fontsize, title, source, geometry: see
#                     lib/common.gp
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
load tf_dir . "lib/common.gp"
if (!exists("values")) { values = -1 }
tf_L = tf_dimsize(tf_shape, "layer")
tf_L = tf_L > 0 ? tf_L : 1
tf_Hn = tf_nheads > 0 ? tf_nheads : 1
if (tf_nbatch > 0) { exit error sprintf("%s: the model view draws one sentence; its data has a batch axis", tf_name) }
if (tf_L * tf_Hn != tf_npages) {
    exit error sprintf("%s: expected %d layers x %d heads = %d pages, found %d", tf_name, tf_L, tf_Hn, tf_L * tf_Hn, tf_npages)
}

# ---- one colour scale for every panel: weights are 0..1 ----
tf_lo = 0.0; tf_hi = 1.0; tf_seq = 1
eval tf_palette_seq
tf_vfmt = "%.2f"
tf_dist = tf_kind eq "weights" || tf_kind eq "probs"

# ---- titles ----
# The entropy reference, as heads.gp gives it: rows spread evenly over the
# keys each can see (all of them without a mask; a causal row t: t + 1).
tf_uref = log(tf_C) / log(2)
tf_urefwhat = sprintf("uniform over %d keys", tf_C)
if (tf_hasmask) {
    eval tf_visible_keys
    tf_uref = 0.0; tf_urows = 0
    do for [tf_k = 1:tf_R] { if (tf_mvis[tf_k] > 0) { tf_uref = tf_uref + log(tf_mvis[tf_k]) / log(2); tf_urows = tf_urows + 1 } }
    tf_uref = tf_urows > 0 ? tf_uref / tf_urows : 0.0
    tf_urefwhat = "uniform over the visible keys"
}
tf_head = exists("title") ? title : \
    sprintf("model view   ·   %s   ·   %d layer%s × %d head%s", tf_name, tf_L, tf_L == 1 ? "" : "s", tf_Hn, tf_Hn == 1 ? "" : "s")
tf_sub = tf_desc
tf_sub2 = tf_withsource(tf_dist ? sprintf("H = mean row entropy in bits (%s: %.2f)", tf_urefwhat, tf_uref) : "")
tf_cross = strstrt(tf_name, "cross_attn") > 0
tf_caption = "rows: queries   ·   columns: keys" . ((tf_cross && tf_kvsrc ne "") ? "   (keys and values from " . tf_kvsrc . (tf_L > 1 ? ", every layer)" : ")") : "")

# ---- layout (pixels of the page) ----
tf_w = width > 0 ? width : tf_slide_w
tf_h = height > 0 ? height : tf_slide_h
tf_fz = fontsize
tf_mt = tf_fz * 6.4 + 8                 # three title lines
tf_colh = tf_fz * 1.8                   # "head H" above the top row
tf_layerw = tf_fz * 2.0                 # "layer L", turned, left of each row
tf_mr = tf_fz * 6.5 + 56                # colour bar, its tics and label
tf_keyh = tf_nmasked > 0 ? tf_fz * 2.0 : 0
tf_mb = tf_fz * 3.2 + tf_keyh + 6       # the caption, the legend
tf_gapx = tf_fz * 0.9
tf_gapy = tf_fz * 0.3
# Tic labels and panel titles shrink with the cells; two passes settle
# the margins they take.
tf_ticfs = tf_fz * 0.8
tf_ptitlefs = tf_fz
do for [tf_pass = 1:3] {
    tf_ywid = tf_ticwidth(tf_prows[1], tf_R) * tf_ticfs * 0.66 + tf_ticfs * 1.6
    tf_xwid = tf_ticwidth(tf_pcols[1], tf_C) * tf_ticfs * 0.62
    tf_ml = tf_layerw + tf_ywid + 6
    tf_ptitleh = tf_ptitlefs * 1.5
    tf_xrot = (tf_pcols[1] ne "" && tf_C <= 60 && tf_xwid > 0.9 * (tf_pass == 1 ? 40 : tf_cell)) ? 45 : 0
    tf_xtich = tf_xrot ? tf_xwid * 0.72 + tf_ticfs * 1.2 : tf_ticfs * 1.8
    tf_availw = tf_w - tf_ml - tf_mr - (tf_Hn - 1) * tf_gapx
    tf_availh = tf_h - tf_mt - tf_colh - tf_xtich - tf_mb - tf_L * tf_ptitleh - (tf_L - 1) * tf_gapy
    tf_cell = tf_min(90.0, tf_min(tf_availw / (tf_Hn * tf_C), tf_availh / (tf_L * tf_R)))
    tf_ticfs = tf_clamp(tf_cell * 0.8, 7, tf_fz * 0.8)
    tf_ptitlefs = tf_clamp(tf_cell * tf_C / 5.5, 8, tf_fz)
}
if (tf_cell < 2) {
    exit error sprintf("size %dx%d is too small for %d layers x %d heads of %d x %d cells", tf_w, tf_h, tf_L, tf_Hn, tf_R, tf_C)
}
tf_pw = tf_cell * tf_C; tf_ph = tf_cell * tf_R
tf_gw = tf_Hn * tf_pw + (tf_Hn - 1) * tf_gapx
tf_gh = tf_L * (tf_ptitleh + tf_ph) + (tf_L - 1) * tf_gapy
# the grid centred in the room it has
tf_x0 = tf_ml + (tf_w - tf_mr - tf_ml - tf_gw) / 2.0
tf_y0 = tf_mt + tf_colh + (tf_h - tf_mt - tf_colh - tf_xtich - tf_mb - tf_gh) / 2.0
tf_gridbottom = tf_y0 + tf_gh
tf_cellw = tf_cell; tf_cellh = tf_cell
tf_vsize = tf_clamp(tf_min(tf_cellw / 4.2, tf_cellh / 2.4), 6, tf_fz)
tf_values = values >= 0 ? values : (tf_R * tf_C <= 400 && tf_cellw >= 34 && tf_cellh >= 18)
tf_cellgrid = tf_cellw >= 14 && tf_cellh >= 14
tf_bg_rgb = tf_mask_rgb; tf_bg_title = ""
tf_key2_title = ""; tf_key2_rgb = "white"
tf_cbx = tf_x0 + tf_gw + 20; tf_cbw = 16
tf_cby = tf_y0 + tf_ptitleh; tf_cbh = tf_gh - tf_ptitleh
tf_kx = tf_x0; tf_ky = tf_gridbottom + tf_xtich + tf_fz * 2.9
set cblabel (tf_kind eq "weights" ? "attention weight" : tf_kind eq "probs" ? "probability" : "value")

# ---- draw ----
eval tf_open
set multiplot
# Labels for the whole page: set before the first panel, drawn with it.
set label 101 tf_head at screen 0.5, screen tf_sy(tf_fz * 1.5) center font tf_fontspec(tf_fz + 4)
set label 102 tf_sub at screen 0.5, screen tf_sy(tf_fz * 3.4) center font tf_fontspec(tf_fz) tc rgb "#303030"
set label 103 tf_sub2 at screen 0.5, screen tf_sy(tf_fz * 5.1) center font tf_fontspec(tf_fz * 0.85) tc rgb "#505050"
set label 104 tf_caption at screen tf_sx(tf_x0 + tf_gw / 2.0), screen tf_sy(tf_gridbottom + tf_xtich + tf_fz * 1.7) center font tf_fontspec(tf_fz * 0.85) tc rgb "#505050"
tf_lfs = tf_clamp(tf_ph / 5.0, 8, tf_fz)
do for [tf_l = 0:tf_L - 1] {
    set label (120 + tf_l) sprintf("layer %d", tf_l) at screen tf_sx(tf_x0 - tf_ywid - 6 - tf_layerw * 0.45), \
        screen tf_sy(tf_y0 + tf_l * (tf_ptitleh + tf_ph + tf_gapy) + tf_ptitleh + tf_ph / 2.0) center rotate by 90 font tf_fontspec(tf_lfs)
}
do for [tf_c = 0:tf_Hn - 1] {
    set label (120 + tf_L + tf_c) sprintf("head %d", tf_c) at screen tf_sx(tf_x0 + tf_c * (tf_pw + tf_gapx) + tf_pw / 2.0), \
        screen tf_sy(tf_y0 - tf_colh * 0.55) center font tf_fontspec(tf_min(tf_fz, tf_ptitlefs + 1))
}
do for [tf_i = 0:tf_L * tf_Hn - 1] {
    tf_page = tf_i
    tf_row = tf_i / tf_Hn
    tf_col = tf_i % tf_Hn
    tf_px = tf_x0 + tf_col * (tf_pw + tf_gapx)
    tf_py = tf_y0 + tf_row * (tf_ptitleh + tf_ph + tf_gapy) + tf_ptitleh
    tf_xlab = tf_pcols[tf_page + 1]
    tf_ylab = tf_prows[tf_page + 1]
    tf_showy = tf_col == 0
    tf_showx = tf_row == tf_L - 1
    tf_ptitle_text = tf_dist ? sprintf("H = %.2f", tf_pentropy[tf_page + 1]) : ""
    tf_xtitle = ""; tf_ytitle = ""; tf_y2title = ""
    tf_cbox = tf_i == tf_L * tf_Hn - 1
    tf_mask_key = tf_cbox ? tf_mask_title : ""
    load tf_dir . "lib/panel.gp"
    if (tf_i == 0) {
        do for [tf_k = 101:104] { unset label tf_k }
        do for [tf_k = 120:120 + tf_L + tf_Hn - 1] { unset label tf_k }
    }
}
unset multiplot
