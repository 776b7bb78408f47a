/* layout.h — where everything goes on the screen, computed from the state.
 *
 * Pure functions of the state and the screen size: drawing uses them to
 * paint, the key handlers to keep the cursor in view, the mouse handler to
 * find the cell under a click, and the tests to check geometry without a
 * terminal. None of them changes the state.
 *
 *   ┌ title ──────────────────────────────────────────────────────────┐
 *   │ steps      │ matrix: title line, panels, legend line             │
 *   │ (outline)  │                                                     │
 *   │            ├ info ───────────────────────────────────────────────┤
 *   │            │ name, shape, formula, description, values, cursor   │
 *   └ status ─────────────────────────────────────────────────────────┘
 *
 * Narrow screens drop the steps pane; wide ones put the info pane on the
 * right. With narration (a lesson), a narration pane stands beside the
 * matrix on the right (from 100 columns; the steps pane keeps its place
 * only where 80 columns are left for it and the matrix), or, on narrower
 * screens, between the matrix and the info pane. The matrix area holds one panel (the current page), three in
 * compare (A, B, A − B) or one per head in the heads view. Presentation
 * mode (present.h) has a layout of its own: layout_screen and
 * layout_narration hand over to it. */
#ifndef TF_VIEW_LAYOUT_H
#define TF_VIEW_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/numfmt.h"
#include "view/state.h"

typedef struct {
    int y, x, h, w;
} Rect;

typedef struct {
    bool too_small;       /* below VIEW_MIN_LINES × VIEW_MIN_COLS */
    Rect title, status;
    Rect steps;           /* w = 0 when the screen is too narrow for it */
    Rect matrix;          /* its title line, the panels, its legend line */
    Rect panels;          /* the matrix pane between title and legend */
    Rect info;            /* its title line, then text */
    Rect narr;            /* narration: its title line, then text; w = 0 without narration */
} ScreenLayout;

void layout_screen(const ViewState *s, ScreenLayout *l);

/* Inside the narration pane: the step's note on top, the narration text
 * (scrolled by narr_top), and a footer with the run's settings and claims
 * when the viewer can re-run. Rows are 0 when there is no room. */
typedef struct {
    int x, w;              /* the text column */
    int note_y, note_rows; /* the note, wrapped (at most 3 lines) */
    int text_y, text_rows; /* the narration's window */
    int foot_y;            /* the footer line, or −1 */
    int n_lines;           /* narration lines at this width, all of them */
} NarrationGeometry;

void layout_narration(const ViewState *s, const ScreenLayout *l, NarrationGeometry *g);

/* The claims panel: a box above the status line, as wide as fits (at most
 * 96), as tall as its lines need (at most the body). */
typedef struct {
    int y0, x0, w, h;   /* the box, borders included */
    int tw;             /* the claims' text column, after the PASS / FAIL badge */
    int need;           /* lines of claims: each wrapped, and its measured value */
    int max_top;        /* claims_top that shows the last line at the bottom */
} ClaimsGeometry;

void layout_claims(const ViewState *s, ClaimsGeometry *g);

typedef enum { PANEL_A, PANEL_B, PANEL_DIFF } PanelSource;

/* One heatmap on screen. Pooled cells: R × C, each the mean of pr × pc
 * values of the page. Full mode draws a pooled row as rh lines; half mode
 * draws two pooled rows per line with half-block characters. */
typedef struct {
    Rect r;                /* the panel, its title line first */
    PanelSource source;
    size_t page;           /* page of the record shown */
    int head;              /* heads view: the head, else −1 */
    uint32_t rows, cols;   /* of the page */
    uint32_t pr, pc;
    uint32_t R, C;
    bool numbers, half;
    int cw;                /* columns per cell */
    int rh;                /* lines per pooled row (full mode) */
    int label_w;           /* row-label column, 0 when none */
    int hdr;               /* lines of column labels (0 or 1) */
    int cy, cx;            /* screen cell of the first visible cell */
    uint32_t top, left;    /* first visible pooled row / column */
    uint32_t vr, vc;       /* visible pooled rows / columns */
    uint32_t cap_r, cap_c; /* how many pooled rows / columns the panel can show */
    int bar_w;             /* a curve shown as a column (curve.h): columns of the bar
                              beside each row's cell; else 0 */
    NumberFormat nf;
} Panel;

#define LAYOUT_MAX_PANELS VIEW_MAX_HEADS

/* The panels of the current view; 0 when there is nothing to draw (a
 * record that could not be read). */
int layout_panels(const ViewState *s, const ScreenLayout *l, Panel *out, int max);

/* The first panel of the screen as it is now (layout_screen, then
 * layout_panels), for cursor moves, scrolling and the top-k columns;
 * false when there is none (a terminal too small, no record). */
bool layout_first_panel(const ViewState *s, Panel *out);

/* The data cell (row, col of the page) under screen position (y, x); in
 * half mode the upper of the two rows. */
bool layout_hit(const Panel *p, int y, int x, uint32_t *row, uint32_t *col);

/* A row's or column's label: its token, or its index when the axis has
 * no tokens. buf (cap bytes) holds the index. */
const char *layout_row_label(const Record *r, const RecordPages *pg, size_t page, uint32_t i, char *buf,
                             size_t cap);
const char *layout_col_label(const Record *r, const RecordPages *pg, size_t page, uint32_t j, char *buf,
                             size_t cap);

/* Lines the steps pane has for rows (below its title). */
int layout_steps_rows(const ScreenLayout *l);

#endif
