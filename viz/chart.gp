# chart.gp — a lesson's chart: numbers measured on its traces, in panels,
# each series a line with points against x, its values printed at the
# points (lesson 9: four measures of attention against d_k, divided by
# √d_k and not).
#
#   traceformer lesson 9 --plot out          (writes out/scaling.png and out/scaling.dat)
#   gnuplot -e "data='out/scaling.dat'; out='scaling.svg'" viz/chart.gp
#
# Panels are laid out in a grid (1 or 2 side by side, 3 and 4 in two rows,
# up to 8 in two rows of up to 4); every panel has its own y axis and
# legend. A series keeps its colour and dash from panel to panel (series 1
# solid blue, series 2 dashed red, ...), so "divided" reads the same
# everywhere. With log_x the x axis is log2 (d_k = 4, 16, 64, 256 evenly
# spaced); the tics are the x values themselves. With log_y the y axis is
# log10 (values from 1 to 120 on one panel).
#
# The data file, as `traceformer lesson N --plot` writes it (NAME.dat):
#   # chart: NAME
#   # x: AXIS NAME                   (the x axis's title)
#   # log_x: 0 or 1
#   # log_y: 0 or 1                  (a log10 y axis; every value above 0)
#   # panels: P
#   # panel 1: TITLE                 then, for each of its series,
#   # series 1 1: LABEL              (panel, series: the legend's entry)
#   ... every panel and its series, in order; then one block per series
#   in the same order, blocks separated by two blank lines, each
#   "# block: panel P, series S" and one line per x:
#       X VALUE                      (NaN: not measured, not drawn)
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the chart's table; the image (.png, .svg, .pdf)
#   title             the heading (default: the chart's name)
#   source            the line under it ("lesson 9")
#   format, width, height, font, fontsize, texts, geometry: see lib/common.gp
#   (geometry: one "panel P X0 Y0 X1 Y1" line per panel, P from 0)
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
tf_parse_header = 0
load tf_dir . "lib/common.gp"

# ---- what the file holds ----
tf_maxp = 8; tf_maxs = 8 * 6
array tf_ptitle[tf_maxp]
array tf_pns[tf_maxp]        # series of each panel
array tf_pfirst[tf_maxp]     # its first series' number (blocks count from 0)
array tf_slabel[tf_maxs]
do for [tf_i = 1:tf_maxp] { tf_ptitle[tf_i] = ""; tf_pns[tf_i] = 0; tf_pfirst[tf_i] = 0 }
do for [tf_i = 1:tf_maxs] { tf_slabel[tf_i] = "" }
tf_cname = ""; tf_xlabel = "x"; tf_logx = 0; tf_logy = 0; tf_np = 0; tf_ns = 0
tf_ch(s) = tf_startswith(s, "# chart: ") ? (tf_cname = s[10:], 0) : \
    tf_startswith(s, "# x: ") ? (tf_xlabel = s[6:], 0) : \
    tf_startswith(s, "# log_x: ") ? (tf_logx = int(s[10:]), 0) : \
    tf_startswith(s, "# log_y: ") ? (tf_logy = int(s[10:]), 0) : \
    (tf_startswith(s, "# panel ") && tf_np < tf_maxp) ? \
        (tf_np = tf_np + 1, tf_ptitle[tf_np] = tf_after(s, ": "), tf_pfirst[tf_np] = tf_ns, 0) : \
    (tf_startswith(s, "# series ") && tf_np > 0 && tf_ns < tf_maxs) ? \
        (tf_ns = tf_ns + 1, tf_pns[tf_np] = tf_pns[tf_np] + 1, tf_slabel[tf_ns] = tf_after(s, ": "), 0) : 0
set datafile commentschars ""
set datafile separator "\t"
stats data using (tf_ch(strcol(1))) nooutput
set datafile commentschars "#"
set datafile separator whitespace
if (tf_np < 1 || tf_ns < 1) {
    exit error sprintf("%s: not a chart table (no '# panel N: TITLE' and '# series P S: LABEL' lines)", data)
}
do for [tf_i = 1:tf_np] {
    if (tf_pns[tf_i] < 1) { exit error sprintf("%s: panel %d has no series", data, tf_i) }
}
# the x values, from the first block
array tf_xs[16]
tf_nx = 0
stats data index 0 using (tf_nx < 16 ? (tf_nx = tf_nx + 1, tf_xs[tf_nx] = $1, 0) : 0) nooutput
if (tf_nx < 1) { exit error sprintf("%s: no X VALUE lines", data) }
# every value, to place each label on the side of its point away from the
# other series (the larger value's label above, the smaller's below)
array tf_v[tf_maxs * 16]
do for [tf_i = 1:tf_maxs * 16] { tf_v[tf_i] = NaN }
stats data using ((column(-2) < tf_ns && column(0) < 16) ? (tf_v[int(column(-2)) * 16 + int(column(0)) + 1] = $2, 0) : 0) nooutput
if (tf_logx) {
    do for [tf_i = 1:tf_nx] { if (!(tf_xs[tf_i] > 0)) { exit error sprintf("%s: log_x, but x = %g", data, tf_xs[tf_i]) } }
}

# ---- series styles: one colour and dash per series number ----
array tf_scol[6] = ["#1f78b4", "#d7301f", "#33a02c", "#6a3d9a", "#ff7f00", "#8c510a"]
tf_sdt(k) = (k - 1) % 2 == 0 ? 1 : 2
tf_spt(k) = (k - 1) % 2 == 0 ? 7 : 5
tf_color(k) = tf_scol[(k - 1) % 6 + 1]
# values at the points: three significant digits, no exponent for the
# sizes a lesson measures
tf_vlabel(v) = v != v ? "" : abs(v) >= 1000 || (abs(v) < 0.001 && v != 0) ? sprintf("%.2e", v) : \
    abs(v) >= 100 ? sprintf("%.0f", v) : abs(v) >= 10 ? sprintf("%.1f", v) : abs(v) >= 1 ? sprintf("%.2f", v) : sprintf("%.3f", v)

# Label of value v of series k (1-based in panel tf_p) at the i-th x
# (from 0): 1 above its point, -1 below; above unless another series of
# the panel is larger there.
tf_val(k, i) = tf_v[(tf_pfirst[tf_p] + k - 1) * 16 + int(i) + 1]
tf_above_from(k, i, j) = j > tf_pns[tf_p] ? 1 : \
    (j != k && tf_val(j, i) == tf_val(j, i) && tf_val(j, i) > tf_val(k, i)) ? -1 : tf_above_from(k, i, j + 1)
tf_side(k, i) = tf_above_from(k, i, 1)

# ---- layout (pixels) ----
tf_cols = tf_np <= 2 ? tf_np : tf_np <= 4 ? 2 : tf_np <= 6 ? 3 : 4
tf_rows = (tf_np + tf_cols - 1) / tf_cols
tf_w = width > 0 ? width : 1600
tf_h = height > 0 ? height : (tf_rows == 1 ? 700 : 1000)
tf_mt = fontsize * 4.8 + 10                  # heading and source
tf_cellw = real(tf_w - 20) / tf_cols
tf_cellh = real(tf_h - tf_mt - 10) / tf_rows
tf_pl = fontsize * 5.5 + 10                  # y tics and a little room
tf_pr = fontsize * 1.5
tf_ptop = fontsize * 2.2                     # the panel's title
tf_pbot = fontsize * 6.6                     # x tics, x title, legend
if (tf_cellw - tf_pl - tf_pr < 80 || tf_cellh - tf_ptop - tf_pbot < 60) {
    exit error sprintf("size %dx%d is too small for %d panels", tf_w, tf_h, tf_np)
}

# ---- draw ----
eval tf_open
set multiplot
tf_head = exists("title") ? title : tf_cname
set label 101 tf_head at screen 0.5, screen tf_sy(fontsize * 1.6) center font tf_fontspec(fontsize + 4)
if (source ne "") { set label 102 source at screen 0.5, screen tf_sy(fontsize * 3.3) center font tf_fontspec(fontsize) tc rgb "#505050" }
if (tf_logx) { set logscale x 2 } else { unset logscale x }
if (tf_logy) { set logscale y 10 } else { unset logscale y }
tf_xlo = tf_logx ? tf_xs[1] / 1.6 : tf_xs[1] - (tf_nx > 1 ? (tf_xs[tf_nx] - tf_xs[1]) * 0.08 : 1)
tf_xhi = tf_logx ? tf_xs[tf_nx] * 1.6 : tf_xs[tf_nx] + (tf_nx > 1 ? (tf_xs[tf_nx] - tf_xs[1]) * 0.08 : 1)
set xrange [tf_xlo : tf_xhi]
set xtics () nomirror scale 0.5
do for [tf_i = 1:tf_nx] { set xtics add (sprintf("%g", tf_xs[tf_i]) tf_xs[tf_i]) }
set mxtics 1
set ytics nomirror scale 0.5
set grid xtics ytics lc rgb "#e4e4e4" lw 1
set border 3 lw 1 lc rgb "#505050"
set xlabel tf_xlabel offset 0, 0.3
set offsets 0, 0, graph 0.14, graph 0.1
set format y "%g"
tf_vfont = tf_fontspec(fontsize - 2)
do for [tf_p = 1:tf_np] {
    tf_c = (tf_p - 1) % tf_cols; tf_r = (tf_p - 1) / tf_cols
    tf_px = 10 + tf_c * tf_cellw + tf_pl
    tf_py = tf_mt + tf_r * tf_cellh + tf_ptop
    tf_pw = tf_cellw - tf_pl - tf_pr
    tf_ph = tf_cellh - tf_ptop - tf_pbot
    eval tf_place
    tf_page = tf_p - 1
    eval tf_geometry
    set title tf_ptitle[tf_p] font tf_fontspec(fontsize + 1) offset 0, -0.3
    set key at screen tf_sx(tf_px + tf_pw / 2.0), screen tf_sy(tf_py + tf_ph + fontsize * 3.9) center top horizontal Left reverse samplen 3 spacing 1.1 width 2
    tf_f = tf_pfirst[tf_p]
    plot for [tf_k = 1:tf_pns[tf_p]] data index (tf_f + tf_k - 1) using 1:2 with linespoints \
             lw 2.5 lc rgb tf_color(tf_k) dt tf_sdt(tf_k) pt tf_spt(tf_k) ps 1.3 title tf_slabel[tf_f + tf_k], \
         for [tf_k = 1:tf_pns[tf_p]] data index (tf_f + tf_k - 1) using 1:2:(tf_side(tf_k, $0) > 0 ? tf_vlabel($2) : "") \
             with labels offset 0, 1.0 font tf_vfont tc rgb tf_color(tf_k) notitle, \
         for [tf_k = 1:tf_pns[tf_p]] data index (tf_f + tf_k - 1) using 1:2:(tf_side(tf_k, $0) < 0 ? tf_vlabel($2) : "") \
             with labels offset 0, -1.0 font tf_vfont tc rgb tf_color(tf_k) notitle
    unset label 101
    unset label 102
}
unset multiplot
unset output
