# training.gp — one curve of training runs: the value of every update and
# the held-out value of every evaluation, several runs on one set of axes.
#
#   traceformer plot a.train.trace loss --compare b.train.trace -o out --keep-data
#   gnuplot -e "data='out/loss.dat'; out='loss.svg'" viz/training.gp
#
# Each run has one colour. Its value at every update (train.loss, the mean
# loss of that update's batch, against the update number 1..N) is a thin,
# pale line: noisy, as each batch is different; its held-out value at
# each evaluation (train.eval.loss against train.eval.step, the steps
# 0, K, 2K, ..., N) is points on a line, the curve to read. The legend
# names the runs, and says which line is which. A log y axis when the
# table says so (`traceformer plot` chooses it when the values span more
# than a factor of 20: a loss falling from 4 to 0.01); accuracy is drawn
# from 0 to 1.
#
# The data file, as `traceformer plot TRACE CURVE --keep-data` writes it:
#   # training curve: NAME             (loss, accuracy, lr, grad-norm)
#   # y: AXIS TITLE
#   # log_y: 0 or 1
#   # runs: N                          (1..8)
#   # run K: LABEL                     then, for each run K:
#   # run K updates: U                 (values per update)
#   # run K evaluations: E             (held-out values; 0: none)
#   then two blocks per run, in order, separated by two blank lines:
#   "# block: run K, updates" with lines "UPDATE VALUE", and
#   "# block: run K, held-out" with lines "STEP VALUE" (a single
#   "NaN NaN" line when the run has none); NaN is not drawn.
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the table; the image (.png, .svg, .pdf)
#   title             the heading (default: "training loss", ...)
#   source            the line under it (traceformer plot: the traces' paths)
#   format, width, height, font, fontsize, texts, geometry: see lib/common.gp
#   (geometry: one "panel 0 X0 Y0 X1 Y1" line, the plot area)
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
tf_parse_header = 0
load tf_dir . "lib/common.gp"

# ---- what the file holds ----
tf_maxr = 8
array tf_rlabel[tf_maxr]
array tf_rupd[tf_maxr]
array tf_reval[tf_maxr]
do for [tf_i = 1:tf_maxr] { tf_rlabel[tf_i] = ""; tf_rupd[tf_i] = 0; tf_reval[tf_i] = 0 }
tf_curve = ""; tf_ylabel = ""; tf_logy = 0; tf_nruns = 0
tf_runk(s) = tf_number(word(s, 3))
tf_okrun(s) = tf_runk(s) >= 1 && tf_runk(s) <= tf_maxr
tf_th(s) = tf_startswith(s, "# training curve: ") ? (tf_curve = s[19:], 0) : \
    tf_startswith(s, "# y: ") ? (tf_ylabel = s[6:], 0) : \
    tf_startswith(s, "# log_y: ") ? (tf_logy = int(s[10:]), 0) : \
    tf_startswith(s, "# runs: ") ? (tf_nruns = int(s[9:]), 0) : \
    (tf_startswith(s, "# run ") && tf_okrun(s) && strstrt(s, " updates: ") > 0) ? \
        (tf_rupd[tf_runk(s)] = int(tf_after(s, " updates: ")), 0) : \
    (tf_startswith(s, "# run ") && tf_okrun(s) && strstrt(s, " evaluations: ") > 0) ? \
        (tf_reval[tf_runk(s)] = int(tf_after(s, " evaluations: ")), 0) : \
    (tf_startswith(s, "# run ") && tf_okrun(s)) ? (tf_rlabel[tf_runk(s)] = tf_after(s, ": "), 0) : 0
set datafile commentschars ""
set datafile separator "\t"
stats data using (tf_th(strcol(1))) nooutput
set datafile commentschars "#"
set datafile separator whitespace
if (tf_nruns < 1 || tf_nruns > tf_maxr || tf_curve eq "") {
    exit error sprintf("%s: not a training-curve table (no '# training curve:' and '# runs: 1..%d' lines)", data, tf_maxr)
}
tf_maxupd = 1
do for [tf_i = 1:tf_nruns] { tf_maxupd = tf_max(tf_maxupd, tf_rupd[tf_i]) }
tf_anyeval = 0
do for [tf_i = 1:tf_nruns] { tf_anyeval = tf_anyeval || tf_reval[tf_i] > 0 }

# ---- run styles: one colour per run (the chart's colours) ----
array tf_rcol[8] = ["#1f78b4", "#d7301f", "#33a02c", "#6a3d9a", "#ff7f00", "#8c510a", "#e7298a", "#525252"]
tf_color(k) = tf_rcol[(k - 1) % 8 + 1]
# the per-update line: the same colour, mostly transparent ("#AARRGGBB")
tf_pale(k) = "#a0" . tf_color(k)[2:7]
tf_pt(k) = int(word("7 5 9 11 13 15 7 5", (k - 1) % 8 + 1))

# ---- titles ----
tf_what = tf_curve eq "loss" ? "training loss" : tf_curve eq "accuracy" ? "training accuracy" : \
    tf_curve eq "lr" ? "learning rate" : tf_curve eq "grad-norm" ? "gradient norm" : tf_curve
tf_head = exists("title") ? title : tf_what . (tf_nruns > 1 ? sprintf("   ·   %d runs", tf_nruns) : "")
tf_sub = tf_anyeval ? "thin: every update's batch   ·   points: held-out, every evaluation" : "every update"
tf_sub = tf_withsource(tf_sub)

# ---- layout (pixels) ----
tf_w = width > 0 ? width : 1600
tf_h = height > 0 ? height : 900
tf_lw_ = 0
do for [tf_i = 1:tf_nruns] { tf_lw_ = tf_max(tf_lw_, tf_width(tf_rlabel[tf_i])) }
tf_keyw = tf_max(tf_lw_, 20) * fontsize * 0.62 + fontsize * 6
tf_mt = fontsize * 5.0 + 12
tf_ml = fontsize * 6.5 + 20
tf_mr = tf_keyw + fontsize * 2
tf_mb = fontsize * 4.0 + 10
tf_px = tf_ml; tf_py = tf_mt
tf_pw = tf_w - tf_ml - tf_mr; tf_ph = tf_h - tf_mt - tf_mb
if (tf_pw < 120 || tf_ph < 80) {
    exit error sprintf("size %dx%d is too small for the %s figure", tf_w, tf_h, tf_curve)
}

# ---- draw ----
eval tf_open
set label 101 tf_head at screen 0.5, screen tf_sy(fontsize * 1.6) center font tf_fontspec(fontsize + 4)
set label 102 tf_sub at screen 0.5, screen tf_sy(fontsize * 3.4) center font tf_fontspec(fontsize) tc rgb "#505050"
eval tf_place
tf_page = 0
eval tf_geometry
set border 3 lw 1 lc rgb "#505050"
set grid xtics ytics mytics lc rgb "#e4e4e4" lw 1
set xtics nomirror scale 0.5
set ytics nomirror scale 0.5
set xlabel "update (training step)" offset 0, 0.3
set ylabel tf_ylabel
set xrange [0 : tf_maxupd]
if (tf_logy) { set logscale y 10; set format y "%g"; set mytics 10 } else { unset logscale y; set format y "%g" }
if (tf_curve eq "accuracy") { set yrange [0 : 1.0]; set ytics 0, 0.1, 1 } else { set yrange [*:*] }
set key at screen tf_sx(tf_px + tf_pw + fontsize * 1.5), screen tf_sy(tf_py) left top Left reverse samplen 2.5 spacing 1.3 width 2 noautotitle
# without evaluations (lr, grad-norm) the per-update line is the curve
tf_thincol(k) = tf_anyeval ? tf_pale(k) : tf_color(k)
plot for [tf_k = 1:tf_nruns] data index (2 * (tf_k - 1)) using 1:2 with lines lw (tf_anyeval ? 1 : 2) \
         lc rgb tf_thincol(tf_k) title (tf_anyeval ? "" : tf_rlabel[tf_k]), \
     for [tf_k = 1:tf_nruns] data index (2 * (tf_k - 1) + 1) using 1:2 with linespoints \
         lw 2.5 lc rgb tf_color(tf_k) pt tf_pt(tf_k) ps 1.2 title (tf_reval[tf_k] > 0 ? tf_rlabel[tf_k] : ""), \
     keyentry with lines lw 1 lc rgb "#909090" title (tf_anyeval ? "every update (thin)" : ""), \
     keyentry with linespoints lw 2.5 pt 7 lc rgb "#505050" title (tf_anyeval ? "held-out (points)" : "")
unset output
