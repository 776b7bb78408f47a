/* quiz.h — a walk's questions in the viewer: the student answers before
 * the numbers are shown.
 *
 * At a guided step that asks a question (ViewNarration.has_question) the
 * matrix is hidden until the question is answered or skipped; the
 * narration pane shows the question (and the hint, once asked for), and a
 * prompt on the status line takes the answer: CHOOSE by ←/→ or a choice's
 * letter, the other kinds typed in a line editor. Enter answers; an
 * unreadable answer says why and the prompt stays. Then the reveal: right
 * or not, the expected answer measured on the run on screen, the switches
 * that would change it, the explanation above the step's narration, and
 * the matrix. Answers are kept per step while the viewer runs.
 *
 * Action lines ("> try M: ..." in the narration) are drawn highlighted and
 * marked done once their key was pressed on that step.
 *
 * State changes only (no terminal): keys.c calls these, draw_*.c reads
 * what they leave in ViewState. */
#ifndef TF_VIEW_QUIZ_H
#define TF_VIEW_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/state.h"

/* Bring the question on screen up to date (the step, the language, the
 * run it is measured on) and open the prompt on arriving at a question
 * that is not answered yet. view_sync calls it. */
void view_quiz_sync(ViewState *s);

/* A key while the prompt has the keys. */
void view_quiz_key(ViewState *s, int ch);
/* A character typed that is not ASCII (老鼠), for a typed answer. */
void view_quiz_char(ViewState *s, uint32_t cp);

void view_quiz_open(ViewState *s);    /* Enter at an unanswered question: the prompt again */
void view_quiz_hint(ViewState *s);    /* Ctrl-T */
void view_quiz_skip(ViewState *s);    /* Ctrl-X */

/* The step on screen asks a question not yet answered: its numbers are hidden. */
bool view_quiz_hides(const ViewState *s);
/* The number of questions answered right, skipped, and in all. */
int view_quiz_right(const ViewState *s);
int view_quiz_skipped(const ViewState *s);
int view_quiz_total(const ViewState *s);

/* The narration pane's text at a question step: the question (before),
 * or the reveal then the step's narration (after); NULL elsewhere. The
 * text lives in a buffer the next call overwrites. */
const char *view_quiz_narration(const ViewState *s, const char *narration);

/* ---- action lines ---- */

/* The key of an action line ("> try M: ..." / "> 试试 M：..."), len bytes
 * of flowed narration from its start; 0 when the line is not one. */
int view_action_key(const char *line, size_t len);
/* Record a key pressed on the step on screen. */
void view_action_pressed(ViewState *s, int ch);
/* Was key pressed on the step on screen? */
bool view_action_done(const ViewState *s, int key);

#endif
