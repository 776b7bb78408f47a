/* view.h — the viewer on a real terminal: take the screen, run the loop
 * (read a key, change the state, repaint), give the screen back.
 *
 * Everything that can go wrong with the trace is found before the screen
 * is taken (view_init), so an error is printed to a normal terminal. The
 * terminal is restored on every way out: q, an error, SIGINT, SIGTERM or
 * SIGHUP (the handler only sets a flag; the loop sees it, leaves, and
 * calls endwin). */
#ifndef TF_VIEW_VIEW_H
#define TF_VIEW_VIEW_H

#include "core/error.h"
#include "view/state.h"

/* Run the viewer. cfg->theme and the screen size are filled in from the
 * terminal and the environment (NO_COLOR, the locale); the rest is the
 * caller's. Returns TF_OK after q, or an error (err filled) before or
 * while taking the screen. *signal_out is the signal that ended the
 * viewer, or 0. */
Status view_run(const ViewConfig *cfg, int *signal_out, Error *err);

#endif
