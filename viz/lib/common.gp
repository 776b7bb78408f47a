# lib/common.gp — shared by the Traceformer scripts in viz/ (each loads it
# first); not a plot on its own.
#
# It checks the inputs every script shares, reads the header of the data
# file and leaves what it found in tf_* variables:
#
#   data      (required) a .dat file as `traceformer export --format dat`
#             writes it: '#' lines naming the record, its shape, kind,
#             formula and token labels, then one matrix per page (head,
#             sentence), pages separated by two blank lines
#   out       (required) the image to write; its extension picks the format
#   format    'png', 'svg', 'pdf' or 'gif' (default: from out's extension,
#             else png); film.gp animates a gif (a frame per page, every
#             `delay` hundredths of a second, default 80), the other
#             scripts draw a still one
#   width, height   page size in pixels (PDF: 120 px to the inch);
#             default: the 16:9 slide page, 1600 x 900 (see slide below)
#   font      font family (default 'WenQuanYi Micro Hei', which has the
#             CJK glyphs; fonts-wqy-microhei), fontsize (default 16)
#   title     replaces the title made from the record's name
#   source    a short line naming where the data came from ("lesson 8 ·
#             run off"), added to the subtitle (norms.gp: in place of the
#             trace's path)
#   texts     a file of "KEY: VALUE" lines setting title, source, label
#             and label2 (`traceformer plot` passes every text this way, so
#             that nothing from a lesson or the command line is ever read
#             as a gnuplot command); its values win over -e ones
#   geometry  a file to which the script appends one line per matrix
#             panel: "panel PAGE X0 Y0 X1 Y1", the panel's plot area in
#             pixels from the image's top-left corner (used by tests)
#   mask      the attention block's mask as a .dat file (0 / -inf, one page,
#             or one per sentence), for a record the mask was applied to
#             (masked scores, weights): the cells it hides are drawn grey
#             with a ×, with a legend entry, and the heads grid's entropy
#             reference is uniform over the keys each row can see. Which
#             cells are masked is what the mask says, never guessed from a
#             weight of 0 (a weight can underflow to 0 unmasked)
#   page_bin  the pages of data as float32 numbers in the machine's byte
#             order, each R x C row by row, page after page (the pages
#             data holds), from which the panels draw their matrices
#             rather than from the text: nothing to parse, and page P
#             found at its offset, not after the P pages before it
#             (optional; `traceformer plot` writes it for a grid of heads)
#   mask_runs the same mask's hidden cells of the page drawn as runs along
#             the rows, "X Y DX DY" a line (centre, half sizes), which
#             panels draw as a box a run rather than a box a cell, and
#             from which the keys each row sees are counted without a
#             pass over the mask (`traceformer plot` writes it; optional)
#
# Header variables: tf_name, tf_shape, tf_kind, tf_formula, tf_desc,
# tf_qsrc, tf_kvsrc (provenance of attention records, "" when none),
# tf_npages, tf_R, tf_C (rows and columns of every page), tf_nheads and
# tf_nbatch (sizes of the head / batch axes, 0 when absent), tf_rowdim,
# tf_coldim (names of the matrix axes), and per page p (1-based arrays):
# tf_ptitle[p] ("head 2"), tf_prows[p], tf_pcols[p] (space-separated
# token labels, "" when the axis has none), and from the page's
# "# values:" line (NaN when it has none, as in a file of an older
# export): tf_pmin[p], tf_pmax[p] (smallest and largest finite value),
# tf_pnbad[p] (values not finite), tf_pwhole[p] (1: the finite ones are
# whole numbers); tf_dfirst, tf_dlast: the pages the file holds (all, or
# those of its "# pages in this file: F to L" line), page p being
# `index p - tf_dfirst`; with a mask: tf_hasmask,
# tf_nmasked (cells it hides), tf_mpage (its page), tf_masked(col, row)
# (after `eval tf_mask_array`) and tf_mask_title (the legend entry). gnuplot reads a '"' in a line
# as the start of a quoted string, so labels holding one are cut there;
# `traceformer plot` writes them as '”' (and a space in a label as '␣').

# ---- inputs ----
if (!exists("data") || !exists("out")) {
    exit error "usage: gnuplot -e \"data='FILE.dat'; out='IMAGE.png'\" SCRIPT.gp (see the comment at the top of the script)"
}
if (!exists("format")) {
    tf_ext = strlen(out) > 4 ? out[strlen(out) - 3:] : ""
    format = tf_ext eq ".svg" ? "svg" : tf_ext eq ".pdf" ? "pdf" : tf_ext eq ".gif" ? "gif" : "png"
}
if (format ne "png" && format ne "svg" && format ne "pdf" && format ne "gif") {
    exit error sprintf("format '%s': expected png, svg, pdf or gif", format)
}
if (!exists("delay")) { delay = 80 }
tf_animate = 0      # film.gp sets 1: the gif terminal's animate option
if (!exists("font")) { font = "WenQuanYi Micro Hei" }
if (!exists("fontsize")) { fontsize = 16 }
if (!exists("width")) { width = 0 }
if (!exists("height")) { height = 0 }
if (!exists("geometry")) { geometry = "" }
if (!exists("batch")) { batch = 0 }
if ((width != 0 && width < 64) || (height != 0 && height < 64) || width > 20000 || height > 20000) {
    exit error sprintf("size %d,%d: width and height must be 64..20000 pixels", width, height)
}

# ---- colours (one table for every script) ----
tf_mask_rgb = "#6b6b6b"      # -inf: blocked / masked
tf_allow_rgb = "#dcefd6"     # mask.gp: 0 = may attend
tf_empty_rgb = "#f2f2f2"     # generation.gp: not yet in the KV cache
tf_grid_rgb = "#ffffff"
tf_text_dark = 0x1a1a1a
tf_text_light = 0xffffff
# Sequential (ColorBrewer Blues): 0 is white, the largest value darkest.
tf_palette_seq = 'set palette defined (0 "#f7fbff", 0.125 "#deebf7", 0.25 "#c6dbef", 0.375 "#9ecae1", 0.5 "#6baed6", 0.625 "#4292c6", 0.75 "#2171b5", 0.875 "#08519c", 1 "#08306b")'
# Diverging (ColorBrewer RdBu): negative blue, 0 white, positive red;
# used with a colour range symmetric about 0.
tf_palette_div = 'set palette defined (0 "#2166ac", 0.125 "#4393c3", 0.25 "#92c5de", 0.375 "#d1e5f0", 0.5 "#f7f7f7", 0.625 "#fddbc7", 0.75 "#f4a582", 0.875 "#d6604d", 1 "#b2182b")'

# ---- numbers ----
# No floating-point exception handler set up around each expression of a
# `using` while data is read: that is three system calls a cell, most of
# the time of a pass over a 500 x 500 page. x86 and ARM raise no signal
# for a float error (an overflow is inf, 0/0 NaN), and gnuplot tests its
# integer divisions for 0 itself.
set datafile nofpe_trap
# Values outside float32's range are the infinities the .dat file spells
# "-inf" and "inf"; v != v is NaN.
tf_fin(v) = (v == v && abs(v) < 3.5e38) ? v : NaN
tf_isfin(v) = (v == v && abs(v) < 3.5e38)
# tf_vmin, tf_vmax: the smallest and largest finite value of `data` in the
# pages selected (call when there is one). stats would take a NaN for a
# number and report a wrong minimum and maximum, so non-finite values are
# replaced by values that cannot win instead.
tf_minmax(sel) = sprintf("stats data %s matrix using (tf_isfin($3) ? $3 : 1e300) nooutput; tf_vmin = STATS_min; \
    stats data %s matrix using (tf_isfin($3) ? $3 : -1e300) nooutput; tf_vmax = STATS_max", sel, sel)
# A round tic step (1, 2 or 5 times a power of ten) giving about n steps over range.
tf_nicestep(range, n) = tf_nice1(range / n, 10.0 ** floor(log10(range / n)))
tf_nice1(raw, p) = raw <= 1.5 * p ? p : raw <= 3.5 * p ? 2 * p : raw <= 7.5 * p ? 5 * p : 10 * p
tf_clamp(x, lo, hi) = x < lo ? lo : (x > hi ? hi : x)
tf_max(a, b) = a > b ? a : b
tf_min(a, b) = a < b ? a : b

# ---- strings ----
tf_ascii = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_abcdefghijklmnopqrstuvwxyz{|}~"   # (no backquote: gnuplot would run it as a command)
# Display width of s in character cells: CJK and other non-ASCII count 2
# (wide enough for CJK; a little generous for accented Latin letters).
tf_width_from(s, i) = i > strlen(s) ? 0 : (strstrt(tf_ascii, s[i:i]) > 0 ? 1 : 2) + tf_width_from(s, i + 1)
tf_width(s) = strlen(s) > 200 ? 400 : tf_width_from(s, 1)
# Widest label of a space-separated list.
tf_maxwidth_from(s) = strstrt(s, " ") == 0 ? tf_width(s) : \
    tf_max(tf_width(s[1:strstrt(s, " ") - 1]), tf_maxwidth_from(s[strstrt(s, " ") + 1:]))
tf_maxwidth(s) = s eq "" ? 0 : tf_maxwidth_from(s)
tf_digit(c) = strlen(c) == 1 && strstrt("0123456789", c) > 0
# A number as the data file writes it: real() reads "1e-45" as 1 followed
# by junk, so a mantissa without a point gets one ("1.0e-45").
tf_num(s) = real((strstrt(s, "e") > 0 && strstrt(s, ".") == 0) ? s[1:strstrt(s, "e") - 1] . ".0" . s[strstrt(s, "e"):] : s)
tf_startswith(s, p) = strlen(s) >= strlen(p) && s[1:strlen(p)] eq p
tf_after(s, p) = s[strstrt(s, p) + strlen(p):]
# Size of axis `dim` in a shape "[batch=2, head=4, query=3, key=3]", 0 when absent.
tf_dimsize(shape, dim) = strstrt(shape, "[".dim."=") > 0 ? int(tf_number(tf_after(shape, "[".dim."="))) : \
    strstrt(shape, " ".dim."=") > 0 ? int(tf_number(tf_after(shape, " ".dim."="))) : 0
# The leading digits of s, as a string.
tf_digits(s, i) = (i <= strlen(s) && tf_digit(s[i:i])) ? s[i:i].tf_digits(s, i + 1) : ""
tf_number(s) = tf_digits(s, 1) eq "" ? 0 : int(tf_digits(s, 1))
# Name of the last (k = 0) or second-last (k = 1) axis of a shape.
tf_lastdim_from(s, k) = strstrt(s, ", ") == 0 ? (k == 0 ? s : "") : \
    (strstrt(tf_after(s, ", "), ", ") == 0 ? (k == 0 ? tf_after(s, ", ") : s[1:strstrt(s, ", ") - 1]) : tf_lastdim_from(tf_after(s, ", "), k))
tf_dimname(entry) = strstrt(entry, "=") > 0 ? entry[1:strstrt(entry, "=") - 1] : ""

# ---- texts from a file (see `texts` above) ----
if (!exists("texts")) { texts = "" }
if (texts ne "") {
    tf_text1(s) = tf_startswith(s, "title: ") ? (title = s[8:], 0) : \
        tf_startswith(s, "source: ") ? (source = s[9:], 0) : \
        tf_startswith(s, "label: ") ? (label = s[8:], 0) : \
        tf_startswith(s, "label2: ") ? (label2 = s[9:], 0) : 0
    set datafile commentschars ""
    set datafile separator "\t"
    stats texts using (tf_text1(strcol(1))) nooutput
    set datafile commentschars "#"
    set datafile separator whitespace
}
if (!exists("source")) { source = "" }
# A subtitle with the source after it.
tf_withsource(s) = source eq "" ? s : (s eq "" ? source : s . "   ·   " . source)

# ---- the header of the data file (scripts reading other files set
# tf_parse_header = 0 before loading this one) ----
if (!exists("tf_parse_header")) { tf_parse_header = 1 }
if (tf_parse_header) {
# Every line is read as one string column: '#' lines are data here, and
# a tab never occurs in the file (labels have no control characters).
# The '#' lines come first in each page (at most 13 in the first, 5 in
# the others): only the first tf_hlines + 1 lines of a page are read,
# not its rows of numbers (seconds for an 8 MB record).
tf_hlines = 31
tf_name = ""; tf_shape = ""; tf_kind = ""; tf_formula = ""; tf_desc = ""
tf_qsrc = ""; tf_kvsrc = ""; tf_npages = 0; tf_R = 0; tf_C = 0; tf_dfirst = 0; tf_dlast = -1
tf_head1(s, blk, i) = \
    (blk == 0 && i == 0) ? (tf_name = strstrt(s, " [") > 0 ? s[3:strstrt(s, " [") - 1] : s[3:], \
                            tf_shape = strstrt(s, " [") > 0 ? s[strstrt(s, " [") + 1:] : "", 0) : \
    tf_startswith(s, "# kind: ") ? (tf_kind = s[9:], 0) : \
    tf_startswith(s, "# formula: ") ? (tf_formula = s[12:], 0) : \
    tf_startswith(s, "# description: ") ? (tf_desc = s[16:], 0) : \
    tf_startswith(s, "# queries from: ") ? (tf_qsrc = s[17:], 0) : \
    tf_startswith(s, "# keys/values from: ") ? (tf_kvsrc = s[21:], 0) : \
    tf_startswith(s, "# pages in this file: ") ? (tf_dfirst = int(word(s, 6)), tf_dlast = int(word(s, 8)), 0) : \
    (tf_startswith(s, "# ") && tf_digit(s[3:3]) && strstrt(s, " rows x ") > 0) ? \
        (tf_npages = int(word(s, 2)), tf_R = int(word(s, 5)), tf_C = int(word(s, 8)), 0) : 0
set datafile commentschars ""
set datafile separator "\t"
stats data every ::0::tf_hlines using (tf_head1(strcol(1), column(-2), column(0))) nooutput
if (tf_npages < 1 || tf_R < 1 || tf_C < 1) {
    exit error sprintf("%s: not a traceformer .dat file (no '# N pages of R rows x C columns' line)", data)
}
array tf_ptitle[tf_npages]
array tf_prows[tf_npages]
array tf_pcols[tf_npages]
array tf_pentropy[tf_npages]
array tf_pmin[tf_npages]
array tf_pmax[tf_npages]
array tf_pnbad[tf_npages]
array tf_pwhole[tf_npages]
do for [tf_i = 1:tf_npages] { tf_ptitle[tf_i] = ""; tf_prows[tf_i] = ""; tf_pcols[tf_i] = ""; tf_pentropy[tf_i] = NaN; \
    tf_pmin[tf_i] = NaN; tf_pmax[tf_i] = NaN; tf_pnbad[tf_i] = NaN; tf_pwhole[tf_i] = NaN }
if (tf_dlast < 0) { tf_dlast = tf_npages - 1 }
if (tf_dfirst < 0 || tf_dfirst > tf_dlast || tf_dlast >= tf_npages) {
    exit error sprintf("%s: pages %d to %d in a file of %d pages", data, tf_dfirst, tf_dlast, tf_npages)
}
tf_rowdim = ""; tf_coldim = ""
# A page's title is its first '#' line without ": " that is neither the
# record's own first line nor the "N pages of" line. Block blk of the
# file is page tf_dfirst + blk.
tf_head2(s, blk, i) = blk + tf_dfirst >= tf_npages ? 0 : tf_head3(s, blk + tf_dfirst + 1, blk == 0 && i == 0)
tf_head3(s, p, first) = \
    tf_startswith(s, "# rows (") ? (tf_prows[p] = tf_after(s, "): "), tf_rowdim = s[9:strstrt(s, "):") - 1], 0) : \
    tf_startswith(s, "# cols (") ? (tf_pcols[p] = tf_after(s, "): "), tf_coldim = s[9:strstrt(s, "):") - 1], 0) : \
    tf_startswith(s, "# row entropy: ") ? (tf_pentropy[p] = real(s[16:]), 0) : \
    tf_startswith(s, "# values: ") ? (tf_pmin[p] = tf_num(word(s, 4)), tf_pmax[p] = tf_num(word(s, 6)), \
        tf_pnbad[p] = int(word(s, 8)), tf_pwhole[p] = int(word(s, 12)), 0) : \
    (tf_startswith(s, "# ") && !first && strstrt(s, ": ") == 0 && !tf_digit(s[3:3]) && tf_ptitle[p] eq "") ? \
        (tf_ptitle[p] = s[3:], 0) : 0
stats data every ::0::tf_hlines using (tf_head2(strcol(1), column(-2), column(0))) nooutput
set datafile commentschars "#"
set datafile separator whitespace
# Pages a..b (from 0) summed up from their "# values:" lines: whether
# they all have one, the values not finite, the smallest and largest
# finite value (pages without any left out), whether all are whole.
tf_hasvalues(a, b) = a > b ? 1 : (tf_pnbad[a + 1] == tf_pnbad[a + 1]) && tf_hasvalues(a + 1, b)
tf_rnbad(a, b) = a > b ? 0 : tf_pnbad[a + 1] + tf_rnbad(a + 1, b)
tf_rmin(a, b) = a > b ? 1e300 : tf_min(tf_pnbad[a + 1] < tf_R * tf_C ? tf_pmin[a + 1] : 1e300, tf_rmin(a + 1, b))
tf_rmax(a, b) = a > b ? -1e300 : tf_max(tf_pnbad[a + 1] < tf_R * tf_C ? tf_pmax[a + 1] : -1e300, tf_rmax(a + 1, b))
tf_rwhole(a, b) = a > b ? 1 : tf_pwhole[a + 1] && tf_rwhole(a + 1, b)
tf_nheads = tf_dimsize(tf_shape, "head")
tf_nbatch = tf_dimsize(tf_shape, "batch")
tf_inner = tf_shape[2:strlen(tf_shape) - 1]
if (tf_coldim eq "") { tf_coldim = tf_dimname(tf_lastdim_from(tf_inner, 0)) }
if (tf_rowdim eq "") { tf_rowdim = tf_dimname(tf_lastdim_from(tf_inner, 1)) }
if (batch < 0 || (tf_nbatch > 0 && batch >= tf_nbatch) || (tf_nbatch == 0 && batch != 0)) {
    exit error sprintf("batch %d: %s has %s", batch, tf_name, tf_nbatch > 0 ? sprintf("sentences 0..%d", tf_nbatch - 1) : "no batch axis")
}
if (tf_name eq "") { tf_name = data }
}

# ---- the block's mask (see `mask` above) ----
if (!exists("page_bin")) { page_bin = "" }
if (!exists("mask")) { mask = "" }
if (!exists("mask_runs") || mask eq "") { mask_runs = "" }
tf_ninf(v) = v < -3.5e38
tf_hasmask = 0; tf_nmasked = 0; tf_mpage = 0
if (mask ne "" && tf_parse_header) {
    tf_mnpages = 0; tf_mR = 0; tf_mC = 0; tf_mninf = -1
    # the count of -inf cells of the page drawn, from its "# values:" line
    tf_mhead(s, blk) = (tf_startswith(s, "# ") && tf_digit(s[3:3]) && strstrt(s, " rows x ") > 0) ? \
        (tf_mnpages = int(word(s, 2)), tf_mR = int(word(s, 5)), tf_mC = int(word(s, 8)), 0) : \
        (tf_startswith(s, "# values: ") && blk == (tf_mnpages > 1 ? batch : 0)) ? (tf_mninf = int(word(s, 10)), 0) : 0
    set datafile commentschars ""
    set datafile separator "\t"
    stats mask every ::0::tf_hlines using (tf_mhead(strcol(1), column(-2))) nooutput
    set datafile commentschars "#"
    set datafile separator whitespace
    if (tf_mnpages < 1) { exit error sprintf("mask %s: not a traceformer .dat file", mask) }
    if (tf_mR != tf_R || tf_mC != tf_C) {
        exit error sprintf("mask %s: %d x %d, but %s is %d x %d", mask, tf_mR, tf_mC, tf_name, tf_R, tf_C)
    }
    tf_mpage = tf_mnpages > 1 ? batch : 0
    if (tf_mpage >= tf_mnpages) { exit error sprintf("mask %s: no page %d", mask, tf_mpage) }
    tf_hasmask = 1
}
# tf_masked reads the mask cell by cell from an array, which takes a pass
# of gnuplot's over the mask to fill: `eval tf_mask_array` before using
# it; it is filled once, and only when the mask has masked cells. The
# count comes from the mask's "# values:" line when it has one.
array tf_mk[1]
tf_mk[1] = 0
tf_mkfilled = 0
tf_mask_array = 'if (tf_hasmask && !tf_mkfilled) { array tf_mk[tf_R * tf_C]; \
    do for [tf_k = 1:tf_R * tf_C] { tf_mk[tf_k] = 0 }; \
    stats [*:*] [*:*] mask index tf_mpage matrix using (tf_ninf($3) ? (tf_mk[int($2) * tf_C + int($1) + 1] = 1, 1) : 0) nooutput; \
    tf_nmasked = STATS_sum; tf_mkfilled = 1 }'
if (tf_hasmask && tf_mninf >= 0) { tf_nmasked = tf_mninf }
if (tf_hasmask && tf_mninf < 0) { eval tf_mask_array }
if (tf_nmasked == 0) { tf_mkfilled = 1 }    # nothing masked: every cell reads 0
tf_masked(c, r) = tf_hasmask && tf_nmasked > 0 ? tf_mk[int(r) * tf_C + int(c) + 1] : 0
# `eval tf_visible_keys` (with a mask): tf_mvis[k], the keys row k - 1 of
# the mask sees, for the entropy reference; from mask_runs when given (a
# line a run of hidden cells, DX half its length), else by a pass over the
# mask's cells.
tf_visible_keys = 'array tf_mvis[tf_R]; \
  if (tf_nmasked == 0 || mask_runs ne "") { do for [tf_k = 1:tf_R] { tf_mvis[tf_k] = tf_C } }; \
  if (tf_nmasked > 0 && mask_runs ne "") { \
    stats mask_runs using (tf_mvis[int($2) + 1] = tf_mvis[int($2) + 1] - int(2 * $3 + 0.5), 0) nooutput }; \
  if (tf_nmasked > 0 && mask_runs eq "") { do for [tf_k = 1:tf_R] { tf_mvis[tf_k] = 0 }; \
    stats mask index tf_mpage matrix using (tf_ninf($3) ? 0 : (tf_mvis[int($2) + 1] = tf_mvis[int($2) + 1] + 1, 1)) nooutput }'
tf_mask_title = tf_nmasked > 0 ? "×   masked: the block's mask hides this key (weight exactly 0)" : ""
tf_mask_key = ""    # the entry a panel draws (lib/panel.gp); single.gp and grid.gp set it

# ---- output ----
# A script lays its figure out in "layout pixels": tf_w x tf_h, text
# fontsize (a 12 nominal size is 16 layout pixels to the em, as pngcairo
# draws it). tf_open then puts that layout on the page:
#   - width and height given: the page is that size in pixels, the layout
#     fills it (tf_s = 1);
#   - else, with slide = 1 (the default), the page is a 16:9 slide,
#     1600 x 900 pixels, and the layout is scaled by tf_s (up or down) to
#     fit it and centred;
#   - slide = 0: the page is the layout's own size.
# The three formats draw the same page: PNG in pixels, SVG in pixels
# (user units), PDF at tf_pdf_ppi pixels to the inch (1600 x 900 is a
# 13.333 x 7.5 in page, the 16:9 slide of presentation programs). Text
# and lines are scaled with the page, so a label is the same fraction of
# the figure in all three: pango draws a font size at 96 dpi in pngcairo
# and pdfcairo (pdfcairo halves it unless told fontscale 1), the svg
# terminal writes it as that many user units (so 4/3 of it); pdfcairo's
# line width 1 is half a point, the others' one pixel.
if (!exists("slide")) { slide = 1 }
tf_slide_w = 1600; tf_slide_h = 900
tf_pdf_ppi = 120.0
tf_fontk = 1.0
tf_fontspec(size) = sprintf("%s,%g", font, size * tf_fontk)
# Call with tf_w, tf_h set (layout pixels): chooses the page and the
# terminal and opens out.
tf_page_fit = 'tf_fit = slide && width == 0 && height == 0; \
  tf_s = tf_fit ? tf_min(real(tf_slide_w) / tf_w, real(tf_slide_h) / tf_h) : 1.0; \
  tf_pagew = tf_fit ? tf_slide_w / tf_s : real(tf_w); tf_pageh = tf_fit ? tf_slide_h / tf_s : real(tf_h); \
  tf_ox = (tf_pagew - tf_w) / 2.0; tf_oy = (tf_pageh - tf_h) / 2.0; \
  tf_imgw = tf_fit ? tf_slide_w : tf_w; tf_imgh = tf_fit ? tf_slide_h : tf_h; \
  tf_dev = tf_s * (format eq "pdf" ? 72.0 / tf_pdf_ppi : 1.0); \
  tf_fontk = tf_dev * (format eq "svg" ? 4.0 / 3.0 : 1.0)'
tf_open = 'eval tf_page_fit; tf_fs = tf_fontspec(fontsize); \
  if (format eq "svg") { set term svg size tf_imgw, tf_imgh dynamic font tf_fs linewidth tf_dev noenhanced background rgb "white" } \
  else { if (format eq "pdf") { set term pdfcairo size tf_imgw / tf_pdf_ppi, tf_imgh / tf_pdf_ppi font tf_fs fontscale 1 linewidth 2 * tf_dev noenhanced background rgb "white" } \
  else { if (format eq "gif") { if (tf_animate) { set term gif animate delay delay loop 0 size tf_imgw, tf_imgh font tf_fs linewidth tf_dev noenhanced background rgb "white" } \
    else { set term gif size tf_imgw, tf_imgh font tf_fs linewidth tf_dev noenhanced background rgb "white" } } \
  else { set term pngcairo size tf_imgw, tf_imgh font tf_fs linewidth tf_dev noenhanced background rgb "white" } } }; \
  set output out; set encoding utf8'
# Plot-area margins in layout pixels (tf_ml, tf_mr, tf_mb, tf_mt from the
# layout's edges) for a panel whose area starts at (tf_px, tf_py) from the
# top-left.
tf_pagew = 1.0; tf_pageh = 1.0; tf_ox = 0; tf_oy = 0; tf_s = 1.0
tf_sx(px) = (tf_ox + px) / tf_pagew          # layout pixels to screen fractions
tf_sy(py) = 1 - (tf_oy + py) / tf_pageh      # (never gnuplot's integer division)
tf_place = 'set lmargin at screen tf_sx(tf_px); set rmargin at screen tf_sx(tf_px + tf_pw); \
  set tmargin at screen tf_sy(tf_py); set bmargin at screen tf_sy(tf_py + tf_ph)'
# Page pixels of a layout position (what geometry reports).
tf_gx(px) = int((tf_ox + px) * tf_s + 0.5)
tf_gy(py) = int((tf_oy + py) * tf_s + 0.5)
tf_geometry = 'if (geometry ne "") { set print geometry append; \
  print sprintf("panel %d %d %d %d %d", tf_page, tf_gx(tf_px), tf_gy(tf_py), tf_gx(tf_px + tf_pw), tf_gy(tf_py + tf_ph)); \
  set print }'


# ---- one matrix panel (lib/panel.gp draws it) ----
# Tic labels from a space-separated list, or numbers when the axis has no
# labels or too many to read.
tf_step(n) = n <= 16 ? 1 : n <= 40 ? 4 : n <= 100 ? 10 : n <= 400 ? 50 : n <= 1000 ? 100 : n <= 4000 ? 500 : 5000
tf_set_xtics = 'unset xtics; \
  if (tf_xlab ne "" && tf_C <= 60) { set xtics () scale 0 nomirror; tf_rest = tf_xlab; \
    do for [tf_k = 0:tf_C - 1] { tf_sp = strstrt(tf_rest, " "); tf_tok = tf_sp > 0 ? tf_rest[1:tf_sp - 1] : tf_rest; \
      tf_rest = tf_sp > 0 ? tf_rest[tf_sp + 1:] : ""; set xtics add (tf_tok tf_k) } } \
  else { set xtics 0, tf_step(tf_C), tf_C - 1 scale 0.5 nomirror format "%.0f" }'
tf_set_ytics = 'unset ytics; \
  if (tf_ylab ne "" && tf_R <= 60) { set ytics () scale 0 nomirror; tf_rest = tf_ylab; \
    do for [tf_k = 0:tf_R - 1] { tf_sp = strstrt(tf_rest, " "); tf_tok = tf_sp > 0 ? tf_rest[1:tf_sp - 1] : tf_rest; \
      tf_rest = tf_sp > 0 ? tf_rest[tf_sp + 1:] : ""; set ytics add (tf_ytic(tf_tok, tf_k) tf_k) } } \
  else { set ytics 0, tf_step(tf_R), tf_R - 1 scale 0.5 nomirror format "%.0f" }'
# A row's tic label from its token label (positions.gp adds the position).
tf_ytic(tok, k) = tok
# Canvas width the two title lines need (pixels).
tf_titlew(head, sub) = tf_max(tf_width(head) * (fontsize + 4) * 0.62, tf_width(sub) * fontsize * 0.62) + 40
# Widest tic label of an axis, in character cells.
tf_ticwidth(lab, n) = (lab ne "" && n <= 60) ? tf_maxwidth(lab) : strlen(sprintf("%d", n - 1))
# Values in cells: a format that fits the largest magnitude.
tf_vformat(m) = m < 9.995 ? "%.2f" : m < 99.95 ? "%.1f" : m < 99999.5 ? "%.0f" : "%.1e"
tf_nozero(s) = s eq "-" . sprintf(tf_vfmt, 0.0) ? sprintf(tf_vfmt, 0.0) : s    # no "-0.00"
tf_vlabel(v) = v != v ? "" : v < -3.5e38 ? "−∞" : v > 3.5e38 ? "∞" : tf_nozero(sprintf(tf_vfmt, v))
# Light text on dark cells.
tf_dark(v) = !tf_isfin(v) ? 1 : tf_seq ? ((v - tf_lo) / (tf_hi - tf_lo) > 0.55) : \
    (abs(v) / tf_max(abs(tf_lo), abs(tf_hi)) > 0.55)
tf_vcolor(v) = tf_dark(v) ? tf_text_light : tf_text_dark
# An axis title: the dim's name, and where an attention record's queries or
# keys came from.
tf_axis_title(dim) = dim . ((dim eq "key" && tf_kvsrc ne "") ? "   (keys and values from " . tf_kvsrc . ")" : \
    (dim eq "query" && tf_qsrc ne "") ? "   (queries from " . tf_qsrc . ")" : "")
