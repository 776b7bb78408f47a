/* draw.h — painting the screen from the state.
 *
 * view_draw(const ViewState *) erases and repaints everything from the state
 * and the layout (layout.h); it never changes the state. Each pane has its
 * own file; this header lists them for draw.c, which puts them together. */
#ifndef TF_VIEW_DRAW_H
#define TF_VIEW_DRAW_H

#include "view/layout.h"
#include "view/state.h"

/* The whole screen (the caller refreshes). */
void view_draw(const ViewState *s);

/* ---- panes (draw_*.c) ---- */
void draw_steps(const ViewState *s, const ScreenLayout *l);   /* draw_steps.c */
void draw_matrix(const ViewState *s, const ScreenLayout *l);  /* draw_matrix.c */
void draw_info(const ViewState *s, const ScreenLayout *l);    /* draw_info.c */
void draw_help(const ViewState *s, const ScreenLayout *l);    /* draw_help.c */
void draw_prompt(const ViewState *s, const ScreenLayout *l);  /* draw_help.c: the jump prompt */
void draw_narration(const ViewState *s, const ScreenLayout *l);  /* draw_narration.c */
void draw_claims(const ViewState *s, const ScreenLayout *l);     /* draw_narration.c: the claims panel */
void draw_editor(const ViewState *s, const ScreenLayout *l);     /* draw_narration.c: the line editor */
void draw_present_heading(const ViewState *s, const ScreenLayout *l);  /* draw_present.c: the step's note on top */
void draw_present_status(const ViewState *s, const ScreenLayout *l);   /* draw_present.c: lesson, step, N / P */
void draw_quiz_prompt(const ViewState *s, const ScreenLayout *l);  /* draw_quiz.c: a question's prompt */

#endif
