/* lineedit.h — the one-line editor the viewer opens at the bottom of the
 * screen to change the input sentence of a lesson (keys e and E).
 *
 * The text is UTF-8 and stays well formed: characters go in whole, the
 * cursor sits between characters, and backspace takes away the whole
 * character before it, so 老鼠 loses 鼠 (three bytes) at one press. What
 * is shown is measured in display columns (猫 takes two), and a text wider
 * than the line scrolls so the cursor is always in view. No terminal here:
 * the unit tests drive it directly. */
#ifndef TF_VIEW_LINEEDIT_H
#define TF_VIEW_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINEEDIT_CAP 512  /* bytes, with the terminating NUL */

typedef struct {
    char text[LINEEDIT_CAP];
    size_t len;   /* bytes in text */
    size_t cur;   /* the cursor: a byte offset at a character boundary */
} LineEdit;

/* Start with text (cut at a character boundary when too long); the
 * cursor at the end. */
void lineedit_set(LineEdit *e, const char *text);
/* Insert one code point at the cursor. False (nothing changes) for a
 * control character, a code point that is not a character, or no room. */
bool lineedit_insert(LineEdit *e, uint32_t cp);
/* Delete the whole character before / at the cursor. False at the edge. */
bool lineedit_backspace(LineEdit *e);
bool lineedit_delete(LineEdit *e);
/* Move one character left / right, or to the start / end. */
void lineedit_left(LineEdit *e);
void lineedit_right(LineEdit *e);
void lineedit_home(LineEdit *e);
void lineedit_end(LineEdit *e);
/* Empty the line (Ctrl-U). */
void lineedit_clear(LineEdit *e);

/* What a line of cols columns shows: the byte offset of the first
 * character drawn, chosen so the cursor (and a column for it) is in view;
 * *cursor_col is the cursor's column relative to that start. */
size_t lineedit_window(const LineEdit *e, int cols, bool ascii, int *cursor_col);

#endif
