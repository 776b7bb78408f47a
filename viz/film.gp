# film.gp — attention as frames: one attention block at snapshots during
# training side by side (the film strip), or, as an animated GIF, a frame
# per snapshot, or a frame per decoding step of a generation.
#
#   traceformer plot model.train.trace film --block dec.0.cross_attn -o out --keep-data
#   gnuplot -e "data='out/film.dec.0.cross_attn.dat'; frames='out/film.dec.0.cross_attn.frames'; out='f.pdf'" viz/film.gp
#   traceformer plot model.train.trace film --format gif -o out     (out/film.dec.0.cross_attn.gif)
#   traceformer plot g.trace gen.dec.0.self_attn.weights --format gif -o out
#
# Every frame is on one colour scale, 0..1: a weight of 1 is the same
# colour at step 0 and at step 500, so attention sharpening during
# training reads as panels darkening on fewer cells. Each panel is titled
# "step S" — the updates made when the snapshot was taken — and, for
# training, its mean row entropy H in bits (the subtitle gives the
# reference, rows spread evenly over the keys); token labels on the
# outer edges (the probe's queries down the left, its keys under each
# panel). A generation's frames (a record named gen.*) hold a row per
# decoding step, "S  token"; rows not generated yet, and keys not yet in
# the KV cache, are grey and labelled "·" (each frame has its own labels),
# so the cache is seen growing a key a frame.
#
# The data file is a .dat file as `traceformer export` writes them, of a
# record [frame, query, key] (formula: which head, or the mean of the
# heads); the frames file holds one line per frame: S, a whole number.
# `traceformer plot ... --keep-data` leaves both beside the image
# (NAME.dat, NAME.frames).
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the .dat file; the image (.png, .svg, .pdf,
#                     .gif: animated, one frame per page)
#   frames            the frames file (default: frames numbered 0, 1, ...)
#   delay             gif: hundredths of a second per frame (default 80)
#   values            1 prints every value, 0 none (default: when they fit)
#   format, width, height, font, fontsize, title, source, texts, geometry:
#                     see lib/common.gp (geometry: one "panel PAGE X0 Y0 X1 Y1"
#                     line per panel; for a gif, the one panel of every frame)
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
load tf_dir . "lib/common.gp"
if (!exists("values")) { values = -1 }
if (!exists("frames")) { frames = "" }
if (tf_nbatch > 0 || tf_nheads > 0) {
    exit error sprintf("%s: the film draws one matrix a frame; its data has a %s axis", tf_name, tf_nbatch > 0 ? "batch" : "head")
}
tf_n = tf_npages

# ---- the step of each frame ----
array tf_fstep[tf_n]
do for [tf_i = 1:tf_n] { tf_fstep[tf_i] = tf_i - 1 }
if (frames ne "") {
    stats frames using (int(column(0)) < tf_n ? (tf_fstep[int(column(0)) + 1] = int($1), 0) : 0) nooutput
}

# ---- one colour scale for every frame: weights are 0..1 ----
tf_lo = 0.0; tf_hi = 1.0; tf_seq = 1
eval tf_palette_seq
tf_vfmt = "%.2f"
tf_gen = tf_startswith(tf_name, "gen.")
if (tf_gen) { tf_ytic(tok, k) = sprintf("%d  %s", k, tok) }
tf_dist = !tf_gen && (tf_kind eq "weights" || tf_kind eq "probs")
tf_animate = format eq "gif"

# ---- titles ----
tf_fname = tf_gen ? tf_name[5:] : tf_name
tf_head = exists("title") ? title : \
    tf_fname . (tf_gen ? "   during generation" : "   during training") . (tf_formula ne "" ? "   ·   " . tf_formula : "")
tf_sub = tf_gen ? (strstrt(tf_name, "cross_attn") > 0 ? \
    "a row per decoding step: each new token's query against the same encoder memory" : \
    "a row per decoding step: the new token's query against the KV cache, one key more a step") : \
    "the probe sentence's attention after S updates, every panel on one colour scale 0..1"
tf_sub2 = tf_withsource(tf_dist ? sprintf("H = mean row entropy in bits (uniform over %d keys: %.2f)", tf_C, log(tf_C) / log(2)) : "")
tf_caption = "rows: " . (tf_gen ? "decoding steps" : "queries") . "   ·   columns: keys" . \
    ((tf_kvsrc ne "") ? "   (keys and values from " . tf_kvsrc . ")" : "")
tf_ftitle(i) = sprintf("step %d", tf_fstep[i + 1]) . (tf_dist ? sprintf("   ·   H = %.2f", tf_pentropy[i + 1]) : "")

# ---- layout (pixels of the page) ----
# A strip: up to five panels in a row, six to ten in two rows, more in
# rows of eight. A gif: one panel a frame, on a 1280 x 720 page.
tf_cols = tf_animate ? 1 : tf_n <= 5 ? tf_n : tf_n <= 10 ? int(ceil(tf_n / 2.0)) : 8
tf_rows = tf_animate ? 1 : int(ceil(real(tf_n) / tf_cols))
tf_w = width > 0 ? width : (tf_animate ? 1280 : tf_slide_w)
tf_h = height > 0 ? height : (tf_animate ? 720 : tf_slide_h)
if (tf_animate) { slide = 0 }
tf_fz = fontsize
tf_mt = tf_fz * 6.4 + 8                 # three title lines
tf_mr = tf_fz * 6.5 + 56                # colour bar, its tics and label
tf_nempty = 0
if (tf_gen) {
    stats data matrix using (tf_isfin($3) ? 0 : 1) nooutput
    tf_nempty = STATS_sum
}
tf_keyh = tf_nempty > 0 ? tf_fz * 2.0 : 0
tf_mb = tf_fz * 3.0 + tf_keyh + 6       # the caption, the legend
tf_gapx = tf_fz * 1.2
tf_gapy = tf_fz * 1.0
tf_ticfs = tf_fz * 0.9
tf_ptitlefs = tf_animate ? tf_fz + 4 : tf_fz
do for [tf_pass = 1:3] {
    # the last frame's labels: a generation's earlier frames label only
    # the tokens there so far
    tf_ywid = (tf_ticwidth(tf_prows[tf_n], tf_R) + (tf_gen ? strlen(sprintf("%d", tf_R)) + 2 : 0)) * tf_ticfs * 0.66 + tf_ticfs * 1.6
    tf_xwid = tf_ticwidth(tf_pcols[tf_n], tf_C) * tf_ticfs * 0.62
    tf_ml = tf_ywid + tf_fz * 1.2
    tf_ptitleh = tf_ptitlefs * 1.8
    tf_xrot = (tf_pcols[tf_n] ne "" && tf_C <= 60 && tf_xwid > 0.9 * (tf_pass == 1 ? 40 : tf_cell)) ? 45 : 0
    tf_xtich = tf_xrot ? tf_xwid * 0.72 + tf_ticfs * 1.2 : tf_ticfs * 1.8
    tf_availw = tf_w - tf_ml - tf_mr - (tf_cols - 1) * tf_gapx
    tf_availh = tf_h - tf_mt - tf_mb - tf_rows * (tf_ptitleh + tf_xtich) - (tf_rows - 1) * tf_gapy
    tf_cell = tf_min(110.0, tf_min(tf_availw / (tf_cols * tf_C), tf_availh / (tf_rows * tf_R)))
    tf_ticfs = tf_clamp(tf_cell * 0.8, 7, tf_fz * 0.9)
    tf_ptitlefs = tf_animate ? tf_fz + 4 : tf_clamp(tf_cell * tf_C / 9.0, 9, tf_fz)
}
if (tf_cell < 2) {
    exit error sprintf("size %dx%d is too small for %d frames of %d x %d cells", tf_w, tf_h, tf_n, tf_R, tf_C)
}
tf_pw = tf_cell * tf_C; tf_ph = tf_cell * tf_R
tf_gw = tf_cols * tf_pw + (tf_cols - 1) * tf_gapx
tf_gh = tf_rows * (tf_ptitleh + tf_ph + tf_xtich) + (tf_rows - 1) * tf_gapy
# the panels centred in the room they have
tf_x0 = tf_ml + (tf_w - tf_mr - tf_ml - tf_gw) / 2.0
tf_y0 = tf_mt + (tf_h - tf_mt - tf_mb - tf_gh) / 2.0
tf_gridbottom = tf_y0 + tf_gh
tf_cellw = tf_cell; tf_cellh = tf_cell
tf_vsize = tf_clamp(tf_min(tf_cellw / 4.2, tf_cellh / 2.4), 6, tf_fz)
tf_values = values >= 0 ? values : (tf_R * tf_C <= 400 && tf_cellw >= 34 && tf_cellh >= 18)
tf_cellgrid = tf_cellw >= 14 && tf_cellh >= 14
# not there yet: a grey that no weight of the palette takes
tf_bg_rgb = tf_gen ? "#cfcfcf" : tf_mask_rgb
tf_bg_title = ""
tf_key2_title = ""; tf_key2_rgb = "white"
tf_mask_key = ""
tf_cbx = tf_x0 + tf_gw + 20; tf_cbw = 16
tf_cby = tf_y0 + tf_ptitleh; tf_cbh = tf_gh - tf_ptitleh - tf_xtich
tf_kx = tf_x0; tf_ky = tf_gridbottom + tf_fz * 2.5
set cblabel "attention weight"
tf_xtitle = ""; tf_ytitle = ""; tf_y2title = ""

# ---- draw ----
eval tf_open
set label 101 tf_head at screen 0.5, screen tf_sy(tf_fz * 1.5) center font tf_fontspec(tf_fz + 4)
set label 102 tf_sub at screen 0.5, screen tf_sy(tf_fz * 3.4) center font tf_fontspec(tf_fz) tc rgb "#303030"
set label 103 tf_sub2 at screen 0.5, screen tf_sy(tf_fz * 5.1) center font tf_fontspec(tf_fz * 0.85) tc rgb "#505050"
set label 104 tf_caption at screen tf_sx(tf_x0 + tf_gw / 2.0), screen tf_sy(tf_gridbottom + tf_fz * 1.3) center font tf_fontspec(tf_fz * 0.85) tc rgb "#505050"
if (tf_animate) {
    # one plot a frame: the page's labels stay, the panel's title changes
    tf_px = tf_x0; tf_py = tf_y0 + tf_ptitleh
    tf_showy = 1
    tf_cbox = 1
    tf_bg_title = tf_nempty > 0 ? "not generated yet, or not in the KV cache yet" : ""
    do for [tf_i = 0:tf_n - 1] {
        tf_page = tf_i
        tf_xlab = tf_pcols[tf_page + 1]
        tf_ylab = tf_prows[tf_page + 1]
        tf_ptitle_text = tf_ftitle(tf_i)
        load tf_dir . "lib/panel.gp"
    }
} else {
    set multiplot
    do for [tf_i = 0:tf_n - 1] {
        tf_page = tf_i
        tf_row = tf_i / tf_cols
        tf_col = tf_i % tf_cols
        tf_px = tf_x0 + tf_col * (tf_pw + tf_gapx)
        tf_py = tf_y0 + tf_row * (tf_ptitleh + tf_ph + tf_xtich + tf_gapy) + tf_ptitleh
        tf_xlab = tf_pcols[tf_page + 1]
        tf_ylab = tf_prows[tf_page + 1]
        tf_showy = tf_col == 0
        tf_ptitle_text = tf_ftitle(tf_i)
        tf_cbox = tf_i == tf_n - 1
        tf_bg_title = (tf_i == tf_n - 1 && tf_nempty > 0) ? "not generated yet, or not in the KV cache yet" : ""
        load tf_dir . "lib/panel.gp"
        if (tf_i == 0) { do for [tf_k = 101:104] { unset label tf_k } }
    }
    unset multiplot
}
unset output
