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
 * right. The matrix area holds one panel (the current page), three in
 * compare (A, B, A − B) or one per head in the heads view. */
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
} ScreenLayout;

void layout_screen(const ViewState *s, ScreenLayout *l);

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
    NumberFormat nf;
} Panel;

#define LAYOUT_MAX_PANELS VIEW_MAX_HEADS

/* The panels of the current view; 0 when there is nothing to draw (a
 * record that could not be read). */
int layout_panels(const ViewState *s, const ScreenLayout *l, Panel *out, int max);

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
