# positions.gp — a positional table, and some of its columns as curves.
#
#   traceformer export run.trace enc.pos --format dat -o d
#   gnuplot -e "data='d/enc.pos.dat'; out='pos.png'" viz/positions.gp
#
# Top: the table as a heatmap, rows the positions (labelled with the
# position and the sentence's token), columns its dimensions; a diverging
# palette centred on 0 (at least -1..1) for signed tables, sequential for
# non-negative ones (rotary angles). Bottom, for a [token, model] or
# [token, pair] table, a few of its columns against the position:
#   sinusoidal (enc.pos, dec.pos): the paper's PE(pos, 2i) =
#     sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...) drawn from the
#     formula for positions 0..max(T-1, 20), the trace's values as dots on
#     them: low dimensions oscillate fast, high ones slowly, so every
#     position gets its own pattern;
#   rotary angles (*.rope_angles): angle(pos, i) = pos * 10000^(-2i/d_k),
#     straight lines from the formula, dots from the trace;
#   learned (enc.pos with positions = learned): the trace's values, joined.
# Any other positional record (*.rel_buckets, the relative-distance bucket
# of each query and key) is drawn as the heatmap alone, values in cells.
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the .dat file; the image (.png, .svg, .pdf)
#   dims              the columns to draw as curves, as a string "0 1 4 8"
#                     (default: 0 and 1, and three more spread over the table)
#   batch             sentence of a batched record (default 0)
#   format, width, height, font, fontsize, title, geometry: see lib/common.gp
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
load tf_dir . "lib/common.gp"
tf_page = batch * (tf_nheads > 0 ? tf_nheads : 1)
if (tf_page >= tf_npages) { exit error sprintf("%s: no page %d", tf_name, tf_page) }
tf_table = tf_coldim eq "model" || tf_coldim eq "pair"
tf_sinus = tf_coldim eq "model" && strstrt(tf_formula, "sin(pos/10000") > 0
tf_rope = tf_coldim eq "pair" && strstrt(tf_formula, "10000^(-2i/d_k)") > 0
tf_d = tf_C

# ---- values and palette ----
stats data index tf_page - tf_dfirst matrix using (tf_isfin($3) ? 0 : 1) nooutput
tf_nbad = STATS_sum
tf_vmin = 0; tf_vmax = 0
if (tf_nbad < tf_R * tf_C) {
    eval tf_minmax("index tf_page - tf_dfirst")
}
stats data index tf_page - tf_dfirst matrix using ((tf_isfin($3) && $3 != int($3)) ? 1 : 0) nooutput
tf_allint = STATS_sum == 0
tf_seq = tf_vmin >= 0
if (tf_seq) { tf_lo = 0; tf_hi = tf_vmax > 0 ? tf_vmax : 1; eval tf_palette_seq } \
else { tf_M = tf_max(abs(tf_vmin), abs(tf_vmax)); if (tf_sinus) { tf_M = tf_max(1, tf_M) }; tf_lo = -tf_M; tf_hi = tf_M; eval tf_palette_div }
if (!exists("dims")) {
    # sinusoidal: the sine and cosine of the fastest frequency, then sines
    # at d/8, d/4, d/2; other tables: first, second, and three spread out
    dims = tf_sinus ? sprintf("0 1 %d %d %d", 2 * int(tf_d / 16), 2 * int(tf_d / 8), 2 * int(tf_d / 4)) : \
        sprintf("0 1 %d %d %d", tf_d / 4, tf_d / 2, tf_d - 1)
}
# the curves: distinct dims inside the table
tf_dims = ""
do for [tf_k = 1:words(dims)] {
    tf_j = int(word(dims, tf_k))
    if (tf_j >= 0 && tf_j < tf_d && strstrt(" " . tf_dims . " ", sprintf(" %d ", tf_j)) == 0) {
        tf_dims = tf_dims . (tf_dims eq "" ? "" : " ") . sprintf("%d", tf_j)
    }
}
tf_ndims = words(tf_dims)
tf_freq(j) = 1.0 / (10000.0 ** (2.0 * int(j / 2) / tf_d))
tf_pe(j, pos) = j % 2 == 0 ? sin(pos * tf_freq(j)) : cos(pos * tf_freq(j))
tf_ropef(i) = 10000.0 ** (-2.0 * i / (2 * tf_d))      # d_k = 2 x pairs
tf_curve_title(j) = tf_sinus ? sprintf("dim %d:  %s(pos / %.4g)", j, j % 2 ? "cos" : "sin", 1.0 / tf_freq(j)) : \
    tf_rope ? sprintf("pair %d:  pos x %.4g", j, tf_ropef(j)) : sprintf("%s %d", tf_coldim eq "model" ? "dim" : tf_coldim, j)

# ---- not a [position, dimension] table: one heatmap, as heatmap.gp draws it ----
if (!tf_table) {
    if (!exists("values")) { values = -1 }
    tf_vfmt = tf_allint ? "%.0f" : tf_vformat(tf_max(abs(tf_lo), abs(tf_hi)))
    tf_cbox = 1
    tf_bg_rgb = tf_mask_rgb; tf_bg_title = ""; tf_key2_title = ""; tf_key2_rgb = "white"
    tf_head = exists("title") ? title : tf_name
    tf_sub = tf_formula
    set cblabel "value"
    load tf_dir . "lib/single.gp"
    exit
}

# ---- layout (pixels) ----
tf_ytic(tok, k) = sprintf("%d  %s", k, tok)
tf_cw_ = fontsize * 0.62
tf_ylab = tf_prows[tf_page + 1]
tf_xlab = tf_pcols[tf_page + 1]
tf_ywid = (tf_ylab ne "" && tf_R <= 60 ? tf_maxwidth(tf_ylab) + strlen(sprintf("%d", tf_R)) + 2 : strlen(sprintf("%d", tf_R))) * tf_cw_
tf_ml = tf_ywid + fontsize * 3.2 + 14
tf_mt = fontsize * 4.6 + 12
tf_mr = fontsize * 7 + 60
tf_mid = fontsize * 9            # the heatmap's x tics and title, the curves' title
tf_curvesh = tf_table && tf_ndims > 0 ? 300 : 0
tf_mb = fontsize * 4.2 + 10
tf_hmh = tf_clamp(tf_R * 28, 110, 420)
tf_w = width > 0 ? width : 1000
tf_h = height > 0 ? height : int(tf_mt + tf_hmh + (tf_curvesh > 0 ? tf_mid + tf_curvesh : 0) + tf_mb + 0.5)
tf_avail = tf_h - tf_mt - tf_mb - (tf_curvesh > 0 ? tf_mid : 0)
if (tf_curvesh > 0) { tf_hmh = tf_avail * tf_hmh / (tf_hmh + tf_curvesh); tf_curvesh = tf_avail - tf_hmh } \
else { tf_hmh = tf_avail }
tf_px = tf_ml; tf_py = tf_mt; tf_pw = tf_w - tf_ml - tf_mr; tf_ph = tf_hmh
if (tf_pw < 32 || tf_ph < 16 || (tf_curvesh > 0 && tf_curvesh < 40)) {
    exit error sprintf("size %dx%d is too small for %s", tf_w, tf_h, tf_name)
}
tf_cellw = real(tf_pw) / tf_C; tf_cellh = real(tf_ph) / tf_R
tf_vfmt = tf_allint ? "%.0f" : "%.2f"
tf_vsize = tf_clamp(tf_min(tf_cellw / 4.2, tf_cellh / 2.4), 6, fontsize)
tf_values = tf_R * tf_C <= 400 && tf_cellw >= 34 && tf_cellh >= 18
tf_cellgrid = tf_cellw >= 14 && tf_cellh >= 14
tf_xrot = 0
tf_cbox = 1
tf_cbx = tf_px + tf_pw + 22; tf_cbw = 16; tf_cby = tf_py; tf_cbh = tf_ph
tf_bg_rgb = tf_mask_rgb
tf_bg_title = ""; tf_key2_title = ""; tf_key2_rgb = "white"; tf_kx = 0; tf_ky = 0
tf_showy = 1
tf_ptitle_text = ""
tf_xtitle = tf_coldim eq "model" ? "model dimension" : tf_coldim eq "pair" ? "pair (dimensions 2i, 2i+1)" : tf_axis_title(tf_coldim)
tf_ytitle = tf_table ? "position  token" : tf_axis_title(tf_rowdim)
tf_y2title = ""
set cblabel (tf_rope ? "angle (radians)" : "value")

# ---- draw ----
eval tf_open
set multiplot
tf_head = exists("title") ? title : tf_name . (tf_ptitle[tf_page + 1] ne "" ? "   ·   " . tf_ptitle[tf_page + 1] : "")
set label 101 tf_head at screen 0.5, screen tf_sy(fontsize * 1.6) center font tf_fontspec(fontsize + 4)
tf_sub = tf_withsource(tf_formula)
if (tf_sub ne "") { set label 102 tf_sub at screen 0.5, screen tf_sy(fontsize * 3.3) center font tf_fontspec(fontsize) tc rgb "#505050" }
load tf_dir . "lib/panel.gp"
unset label 101
unset label 102
if (tf_curvesh > 0) {
    # the curves: x is the position now, y the value
    tf_P = (tf_sinus || tf_rope) ? tf_max(tf_R - 1, 20) : tf_max(tf_R - 1, 1)
    tf_py = tf_mt + tf_hmh + tf_mid; tf_ph = tf_curvesh
    eval tf_place
    unset object
    unset arrow
    unset colorbox
    set xrange [0 : tf_P]
    if (tf_sinus) { set yrange [-1.15 : 1.15]; set ytics -1, 0.5, 1 scale 0.5 nomirror format "%g" } \
    else { set autoscale y; set ytics autofreq scale 0.5 nomirror format "%g" }
    set xtics autofreq norotate scale 0.5 nomirror format "%g"
    set xlabel "position (pos)"
    set ylabel tf_rope ? "angle (radians)" : sprintf("%s[pos, %s]", tf_name, tf_coldim eq "pair" ? "pair" : "dim")
    set title ((tf_sinus || tf_rope) ? "columns of the table against the position: curves from the formula, dots from the trace" : \
        "columns of the table against the position (values from the trace)") font tf_fontspec(fontsize)
    set grid xtics ytics lc rgb "#e0e0e0" lw 1
    set key at screen tf_sx(tf_px + tf_pw - fontsize * 15 + 20), screen tf_sy(tf_py) left top Left reverse samplen 2 spacing 1.3 noautotitle
    set samples 400
    set style line 11 lc rgb "#1b9e77" lw 2
    set style line 12 lc rgb "#d95f02" lw 2
    set style line 13 lc rgb "#7570b3" lw 2
    set style line 14 lc rgb "#e7298a" lw 2
    set style line 15 lc rgb "#66a61e" lw 2
    set style line 16 lc rgb "#e6ab02" lw 2
    # room for the key on the right
    set rmargin at screen tf_sx(tf_px + tf_pw - fontsize * 15)
    if (tf_sinus || tf_rope) {
        plot for [tf_k = 1:tf_ndims] (tf_sinus ? tf_pe(int(word(tf_dims, tf_k)), x) : x * tf_ropef(int(word(tf_dims, tf_k)))) \
                 with lines ls (10 + (tf_k - 1) % 6 + 1) title tf_curve_title(int(word(tf_dims, tf_k))), \
             for [tf_k = 1:tf_ndims] data index tf_page - tf_dfirst matrix using 2:($1 == int(word(tf_dims, tf_k)) ? $3 : NaN) \
                 with points pt 7 ps 0.9 lc rgb "#303030" notitle
    } else {
        # a matrix is read row by row, so a column's points are gathered
        # first (curve k in tf_col[(k-1)R+1 .. kR]) to be joined by lines
        array tf_col[tf_ndims * tf_R]
        do for [tf_k = 1:tf_ndims] {
            tf_j = int(word(tf_dims, tf_k))
            stats data index tf_page - tf_dfirst matrix using ($1 == tf_j ? (tf_col[(tf_k - 1) * tf_R + int($2) + 1] = $3, 0) : 0) nooutput
        }
        plot for [tf_k = 1:tf_ndims] tf_col every ::((tf_k - 1) * tf_R)::(tf_k * tf_R - 1) using ($1 - (tf_k - 1) * tf_R - 1):2 \
                 with linespoints ls (10 + (tf_k - 1) % 6 + 1) pt 7 ps 0.8 title tf_curve_title(int(word(tf_dims, tf_k)))
    }
    unset grid
}
unset multiplot
