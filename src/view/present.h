/* present.h — presentation mode: a lesson shown to a class.
 *
 * For an instructor at a projector (`traceformer lesson N --present`, or
 * the f key in a lesson): the step's note as a heading on top, the matrix
 * as large as the terminal allows, the narration beneath it across the
 * full width, and a status line that says only where the lesson is and
 * how to go on ("lesson 7 · step 3 of 9 · N next · P back"). The steps
 * pane and the info pane are hidden. What presenter remotes send (→ ←,
 * Space Backspace, PgDn PgUp) steps the lesson like N and P; every other
 * key keeps its meaning.
 *
 *   ┌ the step's note (one line, or two) ─────────────────────────────┐
 *   │ matrix: title line, panel (token labels on both axes), legend   │
 *   │                                                                 │
 *   │ narration, wrapped to the full width                            │
 *   │ (a line kept free for a prompt)                                 │
 *   └ status ─────────────────────────────────────────────────────────┘
 *
 * The geometry here is pure arithmetic of the state and the screen size,
 * like layout.h, which hands over to it; drawing is in draw_present.c. */
#ifndef TF_VIEW_PRESENT_H
#define TF_VIEW_PRESENT_H

#include <stdbool.h>

#include "view/layout.h"
#include "view/state.h"

/* The heading: the current step's note, or the lesson's title where there
 * is no note (the introduction, a record off the lesson's path); NULL
 * when there is neither. */
const char *present_heading(const ViewState *s);

/* The screen in presentation mode (l zeroed by layout_screen, the screen
 * at least the minimum size): title = the heading's lines, matrix and
 * panels, narr = the narration's lines (no title line), status; steps
 * and info empty. The line above the status line is left free. */
void present_layout(const ViewState *s, ScreenLayout *l);

/* The narration's geometry inside l->narr: the text only, at the full
 * width less a column of margin each side (no note, no footer). */
void present_layout_narration(const ViewState *s, const ScreenLayout *l, NarrationGeometry *g);

/* A panel on a projector: centred across the width it does not fill. */
void present_centre_panel(const ViewState *s, Panel *p);

/* f (and F5): presentation mode on / off; only in a lesson (else a
 * notice says so). */
void view_toggle_present(ViewState *s);

/* What a presenter's remote sends, in presentation mode: → Space PgDn
 * go to the next step of the lesson, ← Backspace PgUp to the previous
 * one. True when ch was one of them (and was done). */
bool view_present_key(ViewState *s, int ch);

#endif
