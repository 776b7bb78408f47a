# lib/panel.gp — draws page tf_page of `data` as one heatmap panel; loaded
# by heatmap.gp, heads.gp, mask.gp, generation.gp, modelview.gp and film.gp
# (lib/common.gp first).
#
# The caller sets: the palette; tf_page; the plot area tf_px, tf_py, tf_pw,
# tf_ph (pixels from the top-left); the colour range tf_lo..tf_hi and
# tf_seq (1 sequential, 0 diverging, for the text colour); tf_values (1:
# print each value, with format tf_vfmt in font size tf_vsize); tf_xlab,
# tf_ylab (tic labels, "" for numbers) and tf_showy (0 hides the row
# labels); tf_xrot (x tic rotation in degrees); tf_ptitle_text, tf_xtitle,
# tf_ytitle, tf_y2title; tf_cbox (1: a colour bar at tf_cbx, tf_cby,
# tf_cbw, tf_cbh pixels); tf_bg_rgb, the colour of cells that hold no
# finite value (-inf, or nan), with the legend entry tf_bg_title ("" for
# none) placed at tf_kx, tf_ky (pixels) with tf_key2_title/tf_key2_rgb
# as a second entry ("" for none); tf_mask_key, the legend entry of the
# cells the block's mask hides ("" for none; with a mask, lib/common.gp's
# tf_masked says which: drawn tf_mask_rgb with a ×, and no value in them);
# tf_cellgrid (1: white lines between cells). Optional (modelview.gp):
# tf_ticfs, the tic labels' font size (default: the page's); tf_showx (0
# hides the column labels); tf_ptitlefs, the title's font size (default
# fontsize + 1).
# Labels (titles) are the caller's: the panel leaves them alone.
if (tf_values) { eval tf_mask_array }    # before the ranges below, which would clip its pass
eval tf_place
set xrange [-0.5 : tf_C - 0.5]
set yrange [tf_R - 0.5 : -0.5]
set cbrange [tf_lo : tf_hi]
eval tf_set_xtics
eval tf_set_ytics
if (exists("tf_ticfs")) { tf_ticfont = tf_fontspec(tf_ticfs); set xtics font tf_ticfont; set ytics font tf_ticfont }
if (tf_xrot != 0) { set xtics rotate by tf_xrot right } else { set xtics norotate }
if (!tf_showy) { unset ytics }
if (exists("tf_showx") && !tf_showx) { unset xtics }
# The panel's title as a label centred tf_ptitleh / 2 above it (not gnuplot's
# title, whose place gnuplot chooses), so that the grid can keep it clear
# of the row above.
unset title
unset label 110
if (tf_ptitle_text ne "") {
    set label 110 tf_ptitle_text at screen tf_sx(tf_px + tf_pw / 2.0), screen tf_sy(tf_py - tf_ptitleh / 2.0) center font tf_fontspec(exists("tf_ptitlefs") ? tf_ptitlefs : fontsize + 1)
}
set xlabel tf_xtitle
set ylabel tf_ytitle
unset y2tics
unset y2label
if (tf_y2title ne "") { set y2label tf_y2title }
unset object
unset arrow
# Cells without a finite value are left out of the image, so the
# rectangle behind it shows through in tf_bg_rgb.
set object 1 rectangle from graph 0, 0 to graph 1, 1 behind fc rgb tf_bg_rgb fs solid 1.0 noborder
if (tf_cellgrid) {
    do for [tf_k = 1:tf_C - 1] { set arrow from tf_k - 0.5, graph 0 to tf_k - 0.5, graph 1 nohead front lc rgb tf_grid_rgb lw 1.5 }
    do for [tf_k = 1:tf_R - 1] { set arrow from graph 0, first tf_k - 0.5 to graph 1, first tf_k - 0.5 nohead front lc rgb tf_grid_rgb lw 1.5 }
}
if (tf_cbox) {
    set colorbox user origin screen tf_sx(tf_cbx), screen tf_sy(tf_cby + tf_cbh) size screen real(tf_cbw) / tf_pagew, screen real(tf_cbh) / tf_pageh
    set cbtics tf_nicestep(tf_hi - tf_lo, tf_max(2, int(tf_cbh / (fontsize * 2.8)))) scale 0 nomirror
    set cblabel offset 1.5, 0
} else { unset colorbox }
if (tf_bg_title ne "" || tf_key2_title ne "" || tf_mask_key ne "") {
    set key at screen tf_sx(tf_kx), screen tf_sy(tf_ky) left top Left reverse samplen 1.2 spacing 1.2 noautotitle
} else { unset key }
set border lw 1 lc rgb "#505050"
# Small cells as rectangles (crisp in SVG and PDF viewers, which smooth
# bitmaps); many small ones as one bitmap (no hairline gaps between them).
# A single row or column is no image to gnuplot: boxes then.
tf_pixels = tf_cellw >= 6 && tf_cellh >= 6
# A page its "# values:" line says is all finite needs no tf_fin (an
# expression a cell, the slowest part of a large page).
tf_di = tf_page - tf_dfirst
tf_boxes = tf_R == 1 || tf_C == 1
# An image from page_bin (lib/common.gp) when given: the same cells at the
# same places (the value its only column, x and y counted from 0 as the
# matrix's columns and rows); boxes need their coordinates from the text.
tf_bin = page_bin ne "" && !tf_boxes
tf_zc = tf_bin ? '1' : '3'
tf_z = tf_pnbad[tf_page + 1] == 0 ? tf_zc : '(tf_fin($' . tf_zc . '))'
tf_src = tf_bin ? 'page_bin binary array=(tf_C,tf_R) format="%float32" skip=(tf_di * tf_R * tf_C * 4) using ' : \
    'data index tf_di matrix using 1:2:'
tf_image = tf_boxes ? tf_src . '(0.5):(0.5):' . tf_z . ' with boxxyerror fs solid 1.0 noborder fc palette' : \
    tf_src . tf_z . (tf_pixels ? ' with image pixels' : ' with image')
# Masked cells (the block's mask, when given): grey over the image, a ×
# in each when the cells are large enough to hold one.
tf_xsize = tf_clamp(tf_min(tf_cellw, tf_cellh) * 0.42, 6, fontsize * 1.4)
# Given mask_runs (lib/common.gp), the masked cells come as a box a run
# along a row: the same grey, without a box (and an expression) a cell.
# Each box reaches half a page pixel into the next row: rows of boxes that
# only meet leave an antialiased seam between them, lines of the cells
# beneath across the grey when the rows are a pixel or two high.
tf_maskseam = 0.5 / tf_max(tf_cellh * tf_s, 0.5)
tf_maskplot = tf_nmasked == 0 ? "" : \
    (mask_runs ne "" ? ", mask_runs using 1:2:3:($4 + tf_maskseam) with boxxyerror fs solid 1.0 noborder fc rgb tf_mask_rgb notitle" : \
    sprintf(", mask index %d matrix using 1:(tf_ninf($3) ? $2 : NaN):(0.5):(0.5) with boxxyerror fs solid 1.0 noborder fc rgb tf_mask_rgb notitle", tf_mpage)) . \
    (tf_cellw >= 8 && tf_cellh >= 8 ? sprintf(", mask index %d matrix using 1:(tf_ninf($3) ? $2 : NaN):(\"×\") with labels tc rgb \"#f2f2f2\" font tf_fontspec(tf_xsize) notitle", tf_mpage) : "")
# The values in the cells: no labels at all when none are printed (a
# label a cell, each empty, would draw nothing and take seconds).
tf_valueplot = !tf_values ? "" : \
    ', data index tf_di matrix using 1:2:(!tf_masked($1, $2) ? tf_vlabel($3) : ""):(tf_vcolor($3)) with labels tc rgb variable font tf_fontspec(tf_vsize) notitle'
plot @tf_image notitle @tf_maskplot, \
     keyentry with boxes fs solid 1.0 border lc rgb "#505050" fc rgb tf_bg_rgb title tf_bg_title, \
     keyentry with boxes fs solid 1.0 border lc rgb "#505050" fc rgb tf_key2_rgb title tf_key2_title, \
     keyentry with boxes fs solid 1.0 border lc rgb "#505050" fc rgb tf_mask_rgb title tf_mask_key @tf_valueplot
unset label 110
eval tf_geometry
