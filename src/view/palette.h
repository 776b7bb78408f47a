/* palette.h — how values and screen roles look: the colour scales of the
 * heatmaps, the monochrome shading ramps, and the one role table every
 * pane takes its colours from.
 *
 * A value is first placed on a Scale as a *level* (terminal-free, tested):
 *   sequential  weights and probabilities (0…1), any non-negative record:
 *               level 0 = the scale's low end = lightest, the last = darkest
 *   diverging   signed values, centred on 0: level 0 = most negative (dark
 *               blue), the middle level = 0 (white), the last = most
 *               positive (dark red)
 *   −∞ (masked) is never a level: PALETTE_MASKED, drawn in its own colour
 *   and glyph and named in the legend; +∞ and NaN likewise.
 * A level then becomes an xterm-256 colour (colour themes) or a glyph of a
 * shading ramp (monochrome: NO_COLOR, or a terminal without 256 colours). */
#ifndef TF_VIEW_PALETTE_H
#define TF_VIEW_PALETTE_H

#include <stdbool.h>

#include <curses.h>

#include "core/record_kind.h"

#define PALETTE_SEQ_LEVELS 12
#define PALETTE_DIV_LEVELS 13  /* odd: one level is exactly the centre */
#define PALETTE_MASKED (-1)    /* −∞ */
#define PALETTE_POS_INF (-2)   /* +∞ */
#define PALETTE_NAN (-3)

/* xterm-256 colours of the specials. */
#define PALETTE_MASK_COLOR 240    /* grey: a hidden cell, neither low nor high */
#define PALETTE_POS_INF_COLOR 226 /* yellow */
#define PALETTE_NAN_COLOR 201     /* magenta */
#define PALETTE_CURSOR_COLOR 208  /* orange: the cell cursor in half-block mode */

typedef enum { SCALE_SEQUENTIAL, SCALE_DIVERGING } ScaleKind;

typedef struct {
    ScaleKind kind;
    float lo, hi;  /* sequential: lo … hi; diverging: −hi … hi (lo = −hi) */
} Scale;

/* The scale for a record of this kind (core/record_kind.h) whose finite values span
 * [min, max] (min > max when there is none): weights and probs are always
 * 0…1; masks 0…1 (their only finite value is 0, shown lightest); other
 * records sequential from 0 when nothing is negative, else diverging
 * symmetric about 0. A degenerate span still gives a usable scale. */
Scale palette_scale_for(RecordKind kind, float min, float max);
/* Diverging, symmetric about 0, reaching ±max_abs (A−B in compare). */
Scale palette_scale_diverging(float max_abs);

int palette_levels(const Scale *s);
/* The level of v, or PALETTE_MASKED / PALETTE_POS_INF / PALETTE_NAN.
 * Values beyond the scale are clamped to its ends. */
int palette_level(const Scale *s, float v);

/* xterm-256 colour of a level (or a special). */
int palette_color(const Scale *s, int level);
/* Readable text on that colour: 16 (black) or 231 (white). */
int palette_ink(int color);
/* sRGB of an xterm-256 colour (cube, grey ramp, and the 16 system colours
 * as xterm draws them); relative luminance 0…1 of the same. */
void palette_rgb(int color, int rgb[3]);
double palette_luminance(int color);

/* Monochrome: a glyph per level (one column wide), from a shading ramp for
 * sequential scales and a minus/plus family for diverging ones (so the sign
 * survives without colour). ASCII when utf8 is false. */
const char *palette_glyph(const Scale *s, int level, bool utf8);

/* ---- screen roles: one table, a colour theme and a monochrome theme ---- */

typedef enum {
    ROLE_NORMAL,
    ROLE_TITLE,         /* top bar */
    ROLE_STATUS,        /* bottom bar */
    ROLE_KEY,           /* a key name in a hint */
    ROLE_ERROR,         /* a message that something failed */
    ROLE_NOTICE,        /* a message that something happened */
    ROLE_BORDER,
    ROLE_PANE_TITLE,
    ROLE_FOCUS_TITLE,   /* the title of the pane that has the keys */
    ROLE_CURRENT,       /* the current step in the steps pane */
    ROLE_GROUP,         /* a stack/layer/block in the steps pane */
    ROLE_DIM,           /* indices, units, secondary text */
    ROLE_LABEL,         /* token labels on the axes */
    ROLE_CURSOR_LABEL,  /* the labels of the cursor's row and column */
    ROLE_HEADING,       /* field names in the info pane */
    ROLE_VALUE,         /* the value under the cursor */
    ROLE_COUNT
} Role;

typedef struct {
    short fg, bg;   /* colour theme; −1 = the terminal's default */
    attr_t attr;    /* colour theme attributes */
    attr_t mono;    /* monochrome theme attributes */
} RoleStyle;

extern const RoleStyle palette_roles[ROLE_COUNT];

#endif
