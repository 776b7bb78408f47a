/* paint.h — the few ncurses calls every pane uses: a role's attributes
 * from the role table (colour or monochrome theme), a heatmap cell's
 * colour pair, and text cut to a width in display columns.
 *
 * Colour pairs are set up once by paint_init: one per screen role, and one
 * per (foreground, background) pair of heatmap colours, numbered so that
 * drawing looks them up without allocating. */
#ifndef TF_VIEW_PAINT_H
#define TF_VIEW_PAINT_H

#include <stdbool.h>

#include <curses.h>

#include "view/palette.h"
#include "view/state.h"

/* After start_color(): define the pairs. False when the terminal has too
 * few colours or pairs for the heatmaps (the caller then uses monochrome). */
bool paint_init(void);

void paint_role(const ViewState *s, Role r);
/* Heatmap colours: fg and bg are xterm-256 colours or −1 (default). */
void paint_colors(int fg, int bg, attr_t extra);
/* Text at (y, x) cut to max_cols display columns (ASCII in ASCII mode).
 * Returns the columns written. */
int paint_text(const ViewState *s, int y, int x, const char *text, int max_cols);
/* The same, padded with spaces to exactly cols; align as text_cell. */
void paint_cell_text(const ViewState *s, int y, int x, const char *text, int cols, int align);
/* n copies of a one-column glyph at (y, x). */
void paint_fill(int y, int x, int n, const char *glyph);
/* Lines: horizontal from (y, x) n wide; vertical from (y, x) n high. */
void paint_hline(const ViewState *s, Role r, int y, int x, int n);
void paint_vline(const ViewState *s, Role r, int y, int x, int n);
/* A box over the panes, h high and w wide from (y0, x0): blanked, framed,
 * its title on the top border (the help and claims overlays). */
void paint_box(const ViewState *s, int y0, int x0, int h, int w, const char *title);

#endif
