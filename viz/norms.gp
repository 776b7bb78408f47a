# norms.gp — how large the residual stream is, record by record and layer
# by layer; and how large the gradients are, where the trace has them.
#
#   traceformer plot run.trace norms -o out --keep-data     (writes out/norms.dat)
#   gnuplot -e "data='out/norms.dat'; out='norms.png'" viz/norms.gp
#   gnuplot -e "data='a/norms.dat'; data2='b/norms.dat'; label='with residuals'; label2='without'; out='ab.png'" viz/norms.gp
#
# Top: one line per stack (encoder, decoder) through the records of the
# residual stream in execution order (input, each layer's residual sums
# and LayerNorm outputs, the final norm): the mean L2 norm of a token's
# d_model-wide vector, with a band from the smallest to the largest token.
# A dotted line marks sqrt(d_model), the norm of a LayerNorm output with
# gain 1 and bias 0. Given a second file (data2), its lines are drawn
# dashed on the same axes, to compare two runs (with / without residual
# connections, pre- / post-LN). Bottom, when the file has gradients:
# per layer (a trace of `traceformer run --train-step`, with
# grad.norms.*), two panels of bars, one bar per stack and run (the
# second file's pale with a dashed border; lesson 8: a deep stack with
# and without residual connections):
#   traceformer plot res.trace norms --compare nores.trace -o out
#   - left, the residual stream's gradient entering each layer as a
#     fraction of the gradient leaving the stack's top layer (1: as large
#     as at the top; a dotted line), so a shrinking or vanishing gradient
#     reads at a glance;
#   - right, the norm of each layer's weight gradients;
# both on a log scale from 1e-6 up: a gradient below 1e-6 of the top (or
# a weight gradient below 1e-6), 0 included, is drawn "vanished", a × on
# the floor, never a point far down an axis reaching to 1e-40. Otherwise
# (no grad.norms.*), on a log scale, the L2 norm of every grad.* record;
# one of exactly 0 is not drawn there. A line under the panels says which
# gradients are exactly 0 (underflowed) in which layers (or records).
#
# Up to 30 stream records, each is named under the top panel; a deeper
# stack (8 + 8 layers: 84 records) gets a small tic per record, one label
# per layer at its first record ("enc.3"), and a faint line between
# layers, so that it fits a normal width.
#
# The data file, as `traceformer plot TRACE norms --keep-data` writes it:
#   '#' header lines, among them "# trace: FILE" and "# d_model: N";
#   block 0, the residual stream, one line per record:
#       STEP STACK NAME MEAN MIN MAX     (STACK: enc or dec)
#   "# gradients: layers" or "# gradients: records" when there are
#   gradients; then two blank lines and block 1, one line per layer:
#       LAYER STACK NAME INPUT OUTPUT WEIGHTS      (layers: from grad.norms.*)
#   or one line per gradient record:
#       STEP grad NAME NORM NORM NORM              (records)
#
# Inputs (gnuplot variables, set with -e "name=value; ..."):
#   data, out         (required) the norms file; the image (.png, .svg, .pdf)
#   data2             a second norms file to compare with (default: none)
#   label, label2     names of the two runs in the legend (default: their traces)
#   source            the subtitle, in place of the trace names (lib/common.gp)
#   format, width, height, font, fontsize, title, texts: see lib/common.gp
set encoding utf8
tf_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : tf_slash(s, i - 1))
tf_dir = ARG0[1:tf_slash(ARG0, strlen(ARG0))]
tf_parse_header = 0
load tf_dir . "lib/common.gp"
if (!exists("data2")) { data2 = "" }

# ---- what the files hold ----
tf_trace = ""; tf_dmodel = 0; tf_nstream = 0; tf_ngrad = 0; tf_namew = 0; tf_glayers = 0
tf_nh(s, blk) = tf_startswith(s, "# trace: ") ? (tf_trace = s[10:], 0) : \
    tf_startswith(s, "# d_model: ") ? (tf_dmodel = int(s[12:]), 0) : \
    tf_startswith(s, "# gradients: ") ? (tf_glayers = (s[14:] eq "layers"), 0) : \
    s[1:1] eq "#" ? 0 : \
    (blk == 0 ? (tf_nstream = tf_nstream + 1) : (tf_ngrad = tf_ngrad + 1), \
     tf_namew = tf_max(tf_namew, strlen(word(s, 3))), 0)
set datafile commentschars ""
set datafile separator "\t"
stats data using (tf_nh(strcol(1), column(-2))) nooutput
tf_trace1 = tf_trace
tf_nstream2 = 0; tf_ngrad2 = 0; tf_glayers2 = 0
if (data2 ne "") {
    tf_n1 = tf_nstream; tf_g1 = tf_ngrad; tf_l1 = tf_glayers; tf_trace = ""; tf_nstream = 0; tf_ngrad = 0; tf_glayers = 0
    stats data2 using (tf_nh(strcol(1), column(-2))) nooutput
    tf_nstream2 = tf_nstream; tf_ngrad2 = tf_ngrad; tf_trace2 = tf_trace; tf_glayers2 = tf_glayers
    tf_nstream = tf_n1; tf_ngrad = tf_g1; tf_glayers = tf_l1
}
set datafile commentschars "#"
set datafile separator whitespace
if (tf_nstream == 0) { exit error sprintf("%s: no residual-stream rows (STEP STACK NAME MEAN MIN MAX)", data) }
if (!exists("label")) { label = tf_trace1 ne "" ? tf_trace1 : data }
if (!exists("label2")) { label2 = data2 ne "" && tf_trace2 ne "" ? tf_trace2 : data2 }
tf_steps = tf_max(tf_nstream, tf_nstream2)
# ---- the top panel's x tics: every record's name, or one label per layer ----
tf_layertics = tf_steps > 30
# "enc.3.resid_mid" -> "enc.3"; "enc.input", "dec.norm" stay as they are
tf_layerkey(s) = strstrt(s[5:], ".") > 0 ? s[1:4 + strstrt(s[5:], ".") - 1] : s
# the decoder's records start two steps further right: room between the
# encoder's final norm and the decoder's input for their labels
tf_x(stack, step) = step + (tf_layertics && tf_isdec(stack) ? 2 : 0)
tf_isdec(s) = s eq "dec"
# one entry per run of records with the same key: the key, the first and last x
array tf_laykey[tf_nstream]
array tf_layx0[tf_nstream]
array tf_layx1[tf_nstream]
tf_nlay = 0; tf_layw = 0
tf_lay1(stack, s, x) = (tf_nlay > 0 && tf_layerkey(s) eq tf_laykey[tf_max(tf_nlay, 1)]) ? (tf_layx1[tf_nlay] = x, 0) : \
    (tf_nlay = tf_nlay + 1, tf_laykey[tf_nlay] = tf_layerkey(s), tf_layx0[tf_nlay] = x, tf_layx1[tf_nlay] = x, \
     tf_layw = tf_max(tf_layw, strlen(tf_layerkey(s))), 0)
if (tf_layertics) { stats data index 0 using (tf_lay1(strcol(2), strcol(3), tf_x(strcol(2), $1))) nooutput }
if (tf_layertics && (tf_ngrad == 0 || tf_glayers)) { tf_namew = tf_layw }
# a record's own tic: its name; with layer labels, only the input's and
# the final norm's (a layer's record gets a tic without one)
tf_ticname(s) = !tf_layertics || tf_layerkey(s) eq s ? s : ""
stats data index 0 using ($6 == $6 ? $6 : 0) nooutput
tf_ymax = STATS_max
if (data2 ne "") { stats data2 index 0 using ($6 == $6 ? $6 : 0) nooutput; tf_ymax = tf_max(tf_ymax, STATS_max) }
if (tf_dmodel > 0) { tf_ymax = tf_max(tf_ymax, sqrt(tf_dmodel)) }

# ---- gradients of exactly 0 ----
# A norm of exactly 0 (a gradient that underflowed on its way down) has no
# place on a log scale. Rather than leave it out silently, the figure says
# under the gradient panel which curve lost which layers (or records), one
# line per run: tf_znote1, tf_znote2 ("" when nothing is 0).
tf_two = data2 ne ""
tf_zlayers(n, lo, hi, list) = n == 1 ? sprintf("layer %d", lo) : n == hi - lo + 1 ? sprintf("layers %d-%d", lo, hi) : "layers " . list
tf_zadd(list, item) = list . (list eq "" ? "" : ", ") . item
tf_znote1 = ""; tf_znote2 = ""
do for [tf_zrun = 1:(tf_two ? 2 : 1)] {
    tf_zfile = tf_zrun == 1 ? data : data2
    tf_zbylayer = tf_zrun == 1 ? tf_glayers : tf_glayers2
    tf_zparts = ""
    if ((tf_zrun == 1 ? tf_ngrad : tf_ngrad2) > 0) {
        do for [tf_zq = 1:(tf_zbylayer ? 4 : 1)] {
            tf_zstack = !tf_zbylayer ? "grad" : tf_zq <= 2 ? "enc" : "dec"
            tf_zcol = tf_zq % 2 == 1 ? 4 : 6
            tf_zn = 0; tf_zlo = 1e9; tf_zhi = -1; tf_zlist = ""
            stats tf_zfile index 1 using ((strcol(2) eq tf_zstack && column(tf_zcol) == 0) ? \
                (tf_zn = tf_zn + 1, tf_zlo = tf_min(tf_zlo, $1), tf_zhi = tf_max(tf_zhi, $1), \
                 tf_zlist = tf_zadd(tf_zlist, tf_zbylayer ? sprintf("%d", $1) : (tf_zn <= 4 ? strcol(3) : "")), 0) : 0) nooutput
            if (tf_zn > 0 && tf_zbylayer) {
                tf_zparts = tf_zadd(tf_zparts, (tf_zstack eq "enc" ? "encoder" : "decoder") . \
                    (tf_zcol == 4 ? " stream gradient in " : " weight gradients in ") . tf_zlayers(tf_zn, int(tf_zlo), int(tf_zhi), tf_zlist))
            }
            if (tf_zn > 0 && !tf_zbylayer) {
                tf_zparts = sprintf("%d gradient record%s: ", tf_zn, tf_zn > 1 ? "s" : "") . tf_zlist . (tf_zn > 4 ? sprintf(" and %d more", tf_zn - 4) : "")
            }
        }
    }
    if (tf_zparts ne "") {
        tf_znote = (tf_two ? (tf_zrun == 1 ? label : label2) . ": " : "") . \
            (tf_zbylayer ? "exactly 0 (underflowed), drawn as vanished: " : "exactly 0, so not drawn on the log scale: ") . tf_zparts
        if (tf_zrun == 1) { tf_znote1 = tf_znote } else { tf_znote2 = tf_znote }
    }
}
tf_znotes = (tf_znote1 ne "" ? 1 : 0) + (tf_znote2 ne "" ? 1 : 0)

# ---- layout (pixels) ----
tf_cw_ = fontsize * 0.62
tf_ticsh = tf_min(tf_namew, 28) * tf_cw_ * 0.72 + fontsize * 1.5
tf_ml = fontsize * 6 + 20
tf_lw = tf_two ? tf_max(tf_width(label), tf_width(label2)) : 0
tf_keyw = tf_max(tf_max(31, tf_two ? tf_lw + 12 : 0), tf_glayers && tf_ngrad > 0 ? 39 : 0) * tf_cw_ + fontsize * 5
tf_mr = tf_keyw + 20
tf_mt = fontsize * 4.6 + 12
tf_streamh = 340
tf_gradh = tf_ngrad > 0 ? (tf_glayers ? 340 : 260) : 0
tf_gap = fontsize * 3
tf_w = width > 0 ? width : int(tf_max(900, tf_ml + (tf_steps + (tf_layertics ? 2 : 0)) * (tf_layertics ? 15 : 38) + tf_mr))
tf_noteh = tf_znotes * fontsize * 1.6
tf_h = height > 0 ? height : int(tf_mt + tf_streamh + tf_ticsh + (tf_gradh > 0 ? tf_gap + fontsize * 2 + tf_gradh + tf_ticsh : 0) + fontsize * 1.5 + tf_noteh + 10)
tf_avail = tf_h - tf_mt - tf_ticsh - fontsize * 1.5 - tf_noteh - 10 - (tf_gradh > 0 ? tf_gap + fontsize * 2 + tf_ticsh : 0)
if (tf_gradh > 0) { tf_streamh = tf_avail * (tf_glayers ? 0.5 : 0.57); tf_gradh = tf_avail - tf_streamh } else { tf_streamh = tf_avail }
if (tf_streamh < 60 || (tf_ngrad > 0 && tf_gradh < 40) || tf_w - tf_ml - tf_mr < 100) {
    exit error sprintf("size %dx%d is too small for the norms plot", tf_w, tf_h)
}
tf_isenc(s) = s eq "enc"
# which stacks the residual stream has (a decoder-only model: no encoder)
stats data index 0 using (tf_isenc(strcol(2)) ? 1 : 0) nooutput
tf_senc = STATS_sum > 0
stats data index 0 using (tf_isdec(strcol(2)) ? 1 : 0) nooutput
tf_sdec = STATS_sum > 0
set style line 1 lc rgb "#1f78b4" lw 2.2 pt 7 ps 1.0
set style line 2 lc rgb "#e66101" lw 2.2 pt 7 ps 1.0
set style line 3 lc rgb "#1f78b4" lw 2.0 dt (8, 5) pt 6 ps 1.1
set style line 4 lc rgb "#e66101" lw 2.0 dt (8, 5) pt 6 ps 1.1
set style line 5 lc rgb "#7b3294" lw 2.2 pt 7 ps 1.0
set style line 6 lc rgb "#7b3294" lw 2.0 dt (8, 5) pt 6 ps 1.1
# per-layer gradients: the stream's in the stack's colour, the weights' lighter, squares
set style line 7 lc rgb "#6fa8dc" lw 2.0 pt 5 ps 0.9
set style line 8 lc rgb "#f4a261" lw 2.0 pt 5 ps 0.9
set style line 9 lc rgb "#6fa8dc" lw 1.8 dt (8, 5) pt 4 ps 1.0
set style line 10 lc rgb "#f4a261" lw 1.8 dt (8, 5) pt 4 ps 1.0
tf_t1(s) = tf_two ? s . "  (" . label . ")" : s
tf_t2(s) = s . "  (" . label2 . ")"

# ---- draw ----
eval tf_open
set multiplot
tf_head = exists("title") ? title : "residual-stream norms" . (tf_ngrad > 0 ? " and gradient norms" : "")
set label 101 tf_head at screen 0.5, screen tf_sy(fontsize * 1.6) center font tf_fontspec(fontsize + 4)
set label 102 (source ne "" ? source : tf_two ? label . "   vs   " . label2 : label) at screen 0.5, screen tf_sy(fontsize * 3.3) center font tf_fontspec(fontsize) tc rgb "#505050"
tf_px = tf_ml; tf_py = tf_mt; tf_pw = tf_w - tf_ml - tf_mr; tf_ph = tf_streamh
eval tf_place
set xrange [-0.5 : tf_steps - 0.5 + (tf_layertics ? 2 : 0)]
set yrange [0 : tf_ymax * 1.08]
tf_ticfont = tf_fontspec(fontsize - 1)
set xtics rotate by 45 right scale 0 nomirror font tf_ticfont
if (tf_layertics) {
    # a small tic per record, a label per layer (under its middle), and a
    # faint line between layers
    set xtics () scale 0.5, 0.5
    do for [tf_k = 1:tf_nlay] {
        if (tf_layx1[tf_k] > tf_layx0[tf_k]) { set xtics add (tf_laykey[tf_k] (tf_layx0[tf_k] + tf_layx1[tf_k]) / 2.0) }
        if (tf_k > 1) {
            set arrow (200 + tf_k) from first tf_layx0[tf_k] - 0.5, graph 0 to first tf_layx0[tf_k] - 0.5, graph 1 nohead lw 1 lc rgb "#dcdcdc" back
        }
    }
}
set ytics nomirror scale 0.5
set grid ytics lc rgb "#e4e4e4" lw 1
set ylabel "L2 norm of a token's vector"
set key at screen tf_sx(tf_px + tf_pw + 20), screen tf_sy(tf_py) left top Left reverse samplen 2.5 spacing 1.25 noautotitle
set border 3 lw 1 lc rgb "#505050"
if (tf_dmodel > 0) {
    set arrow 1 from graph 0, first sqrt(tf_dmodel) to graph 1, first sqrt(tf_dmodel) nohead dt 3 lw 1.5 lc rgb "#808080" back
}
plot data index 0 using (tf_x(strcol(2), $1)):(tf_isenc(strcol(2)) ? $5 : NaN):(tf_isenc(strcol(2)) ? $6 : NaN) with filledcurves fc rgb "#1f78b4" fs transparent solid 0.15 noborder notitle, \
     data index 0 using (tf_x(strcol(2), $1)):(tf_isdec(strcol(2)) ? $5 : NaN):(tf_isdec(strcol(2)) ? $6 : NaN) with filledcurves fc rgb "#e66101" fs transparent solid 0.15 noborder notitle, \
     data index 0 using (tf_x(strcol(2), $1)):(tf_isenc(strcol(2)) ? $4 : NaN) with linespoints ls 1 title (tf_senc ? tf_t1("encoder") : ""), \
     data index 0 using (tf_x(strcol(2), $1)):(tf_isdec(strcol(2)) ? $4 : NaN) with linespoints ls 2 title (tf_sdec ? tf_t1("decoder") : ""), \
     (tf_two ? data2 : data) index 0 using (tf_x(strcol(2), $1)):(tf_two && tf_isenc(strcol(2)) ? $4 : NaN) with linespoints ls 3 title (tf_two && tf_senc ? tf_t2("encoder") : ""), \
     (tf_two ? data2 : data) index 0 using (tf_x(strcol(2), $1)):(tf_two && tf_isdec(strcol(2)) ? $4 : NaN) with linespoints ls 4 title (tf_two && tf_sdec ? tf_t2("decoder") : ""), \
     keyentry with filledcurves fc rgb "#b0b0b0" fs transparent solid 0.3 noborder title "band: smallest to largest token", \
     keyentry with lines dt 3 lw 1.5 lc rgb "#808080" title (tf_dmodel > 0 ? sprintf("sqrt(d_model) = %.2f", sqrt(tf_dmodel)) : ""), \
     data index 0 using (tf_x(strcol(2), $1)):(-1e30):xtic(tf_ticname(strcol(3))) with points pt -1 notitle
unset label 101
unset label 102
unset arrow
# the notes on gradients of exactly 0, under the gradient panel (drawn
# with its plot)
tf_zk = 0
do for [tf_zrun = 1:2] {
    tf_znote = tf_zrun == 1 ? tf_znote1 : tf_znote2
    if (tf_znote ne "") {
        tf_zk = tf_zk + 1
        set label (120 + tf_zk) tf_znote at screen tf_sx(tf_ml), screen tf_sy(tf_h - 10 - tf_noteh + (tf_zk - 0.5) * fontsize * 1.6) left tc rgb "#1a1a1a"
    }
}
unset arrow
if (tf_ngrad > 0 && tf_glayers) {
    # Per layer, two panels of bars, x the layer (0: the first, next to
    # the embeddings), one bar per stack and run (the second run's pale,
    # with a dashed border): left, the stream gradient entering each layer
    # as a fraction of the gradient leaving the top layer (1: nothing lost
    # on the way down); right, the norm of each layer's weight gradients.
    # Both on a log scale that ends at tf_gfloor: a gradient below it
    # (0 included: one that underflowed) is "vanished", a × on the floor,
    # not a point far down an axis reaching to 1e-40.
    tf_gfloor = 1e-6    # the legend entry below says 1e-6
    tf_two2 = tf_two && tf_ngrad2 > 0 && tf_glayers2
    tf_py = tf_mt + tf_streamh + tf_ticsh + tf_gap + fontsize * 2; tf_ph = tf_gradh
    # stats leaves out values outside the current ranges: without this the
    # top panel's y range (0 to the largest stream norm, say 6.8) cut the
    # layer numbers and the gradient norms above it
    set autoscale xy
    unset logscale
    # the series: stack by stack, each run's bar beside the other's
    array tf_sfile[4]; array tf_sstack[4]; array tf_srun[4]; array tf_stop[4]
    tf_nser = 0; tf_nlayers = 0
    do for [tf_q = 1:4] {
        tf_qstack = tf_q <= 2 ? "enc" : "dec"
        tf_qrun = tf_q % 2 == 1 ? 1 : 2
        if (tf_qrun == 1 || tf_two2) {
            tf_qfile = tf_qrun == 1 ? data : data2
            stats tf_qfile index 1 using (tf_isenc(tf_qstack) == tf_isenc(strcol(2)) && (strcol(2) eq "enc" || strcol(2) eq "dec") ? $1 : -1) nooutput
            tf_qtopl = STATS_max
            if (tf_qtopl >= 0) {
                # the gradient leaving the stack's top layer: its OUTPUT
                stats tf_qfile index 1 using (strcol(2) eq tf_qstack && $1 == tf_qtopl ? $5 : 0) nooutput
                tf_nser = tf_nser + 1
                tf_sfile[tf_nser] = tf_qfile; tf_sstack[tf_nser] = tf_qstack; tf_srun[tf_nser] = tf_qrun
                tf_stop[tf_nser] = STATS_max
                tf_nlayers = tf_max(tf_nlayers, tf_qtopl + 1)
            }
        }
    }
    tf_bw = 0.8 / tf_max(tf_nser, 1)
    tf_off(k) = (k - 1 - (tf_nser - 1) / 2.0) * tf_bw
    # a value the log scale can show, else NaN (vanished: the × instead)
    tf_shown(v) = v == v && v >= tf_gfloor ? v : NaN
    tf_gone(v) = v == v && v >= tf_gfloor ? NaN : tf_gfloor * 1.9
    tf_ratio(v, top) = top > 0 ? v / top : 0
    tf_sname(k) = (tf_sstack[k] eq "enc" ? "encoder" : "decoder")
    tf_stitle(k) = tf_srun[k] == 1 ? tf_t1(tf_sname(k)) : tf_t2(tf_sname(k))
    tf_scol(k) = tf_sstack[k] eq "enc" ? "#1f78b4" : "#e66101"
    # the largest value drawn, for the top of each panel
    tf_gmax1 = 1.0; tf_gmax2 = tf_gfloor * 10
    do for [tf_k = 1:tf_nser] {
        tf_kstack = tf_sstack[tf_k]; tf_ktop = tf_stop[tf_k]
        stats tf_sfile[tf_k] index 1 using (strcol(2) eq tf_kstack ? tf_ratio($4, tf_ktop) : 0) nooutput
        tf_gmax1 = tf_max(tf_gmax1, STATS_max)
        stats tf_sfile[tf_k] index 1 using (strcol(2) eq tf_kstack && $6 == $6 ? $6 : 0) nooutput
        tf_gmax2 = tf_max(tf_gmax2, STATS_max)
    }
    tf_gpw = (tf_pw - fontsize * 7) / 2.0
    set logscale y
    set format y "%g"
    set ytics 100 nomirror scale 0.5 font tf_ticfont
    set mytics 10
    set xrange [-0.5 : tf_nlayers - 0.5]
    set xtics 1 scale 0 nomirror norotate font tf_ticfont format "%.0f"
    set grid ytics lc rgb "#e4e4e4" lw 1
    set xlabel "layer (0: the first, next to the embeddings)"
    set key at screen tf_sx(tf_px + tf_pw + 20), screen tf_sy(tf_py) left top Left reverse samplen 2.5 spacing 1.25 noautotitle
    set style fill solid 1.0
    do for [tf_panel = 1:2] {
        tf_px = tf_ml + (tf_panel - 1) * (tf_gpw + fontsize * 7); tf_pw_all = tf_pw; tf_pw = tf_gpw
        eval tf_place
        tf_pw = tf_pw_all
        tf_px = tf_ml
        set yrange [tf_gfloor : (tf_panel == 1 ? tf_gmax1 : tf_gmax2) * 4.0]
        unset arrow
        if (tf_panel == 1) {
            set title "stream gradient entering each layer ÷ leaving the top layer" font tf_fontspec(fontsize + 1)
            set ylabel "fraction of the top layer's gradient"
            set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 3 lw 1.5 lc rgb "#808080" back
        } else {
            set title "weight gradients of each layer (L2 norm)" font tf_fontspec(fontsize + 1)
            set ylabel "L2 norm of the gradient"
            unset key
        }
        plot for [tf_k = 1:tf_nser] tf_sfile[tf_k] index 1 \
                using ($1 + tf_off(tf_k)):(strcol(2) eq tf_sstack[tf_k] ? tf_shown(tf_panel == 1 ? tf_ratio($4, tf_stop[tf_k]) : $6) : NaN):($1 + tf_off(tf_k) - tf_bw / 2):($1 + tf_off(tf_k) + tf_bw / 2):(tf_gfloor):(tf_shown(tf_panel == 1 ? tf_ratio($4, tf_stop[tf_k]) : $6)) \
                with boxxyerror lc rgb tf_scol(tf_k) lw 1.5 dt tf_srun[tf_k] \
                fs transparent solid (tf_srun[tf_k] == 1 ? 0.85 : 0.25) border lc rgb tf_scol(tf_k) title tf_stitle(tf_k), \
             for [tf_k = 1:tf_nser] tf_sfile[tf_k] index 1 \
                using ($1 + tf_off(tf_k)):(strcol(2) eq tf_sstack[tf_k] ? tf_gone(tf_panel == 1 ? tf_ratio($4, tf_stop[tf_k]) : $6) : NaN) \
                with points pt 2 ps 1.5 lw 2.5 lc rgb "#1a1a1a" notitle, \
             keyentry with points pt 2 ps 1.5 lw 2.5 lc rgb "#1a1a1a" title "vanished: below 1e-6 (0: underflowed)", \
             keyentry with lines dt 3 lw 1.5 lc rgb "#808080" title "1: as large as leaving the top"
        # geometry (tests): the panels as pages 1001 (ratios) and 1002 (weights)
        tf_page = 1000 + tf_panel; tf_px = tf_ml + (tf_panel - 1) * (tf_gpw + fontsize * 7); tf_pw = tf_gpw
        eval tf_geometry
        tf_pw = tf_pw_all; tf_px = tf_ml
    }
}
if (tf_ngrad > 0 && !tf_glayers) {
    tf_tworec = tf_two && tf_ngrad2 > 0 && !tf_glayers2
    tf_py = tf_mt + tf_streamh + tf_ticsh + tf_gap + fontsize * 2; tf_ph = tf_gradh
    tf_gsteps = tf_max(tf_ngrad, data2 ne "" && !tf_glayers2 ? tf_ngrad2 : 0)
    eval tf_place
    set autoscale xy    # no range filtering the stats below (see above)
    set xrange [-0.5 : tf_gsteps - 0.5]
    # no NaN into stats (see tf_minmax in lib/common.gp)
    stats data index 1 using ($4 > 0 ? $4 : 1e300) nooutput
    tf_gmin = STATS_min
    stats data index 1 using ($4 > 0 ? $4 : 0) nooutput
    tf_gmax = STATS_max
    if (tf_tworec) {
        stats data2 index 1 using ($4 > 0 ? $4 : 1e300) nooutput
        tf_gmin = tf_min(tf_gmin, STATS_min)
        stats data2 index 1 using ($4 > 0 ? $4 : 0) nooutput
        tf_gmax = tf_max(tf_gmax, STATS_max)
    }
    set logscale y
    set yrange [tf_gmin / 3.0 : tf_gmax * 3.0]
    set format y "%.0e"
    set key at screen tf_sx(tf_px + tf_pw + 20), screen tf_sy(tf_py) left top
    set ylabel "L2 norm of the gradient"
    set title "gradients (grad.* records)" font tf_fontspec(fontsize + 1)
    plot data index 1 using 1:4 with linespoints ls 5 title tf_t1("gradient"), \
         (tf_tworec ? data2 : data) index 1 using 1:(tf_tworec ? $4 : NaN) with linespoints ls 6 title (tf_tworec ? tf_t2("gradient") : ""), \
         data index 1 using 1:(tf_gmin / 1000.0):xtic(3) with points pt -1 notitle
}
unset multiplot
