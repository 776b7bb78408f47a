/* keys.h — what every key does: one table, read by the key handler and by
 * the help screen, so the two cannot drift apart.
 *
 * view_key changes the state and never draws (STYLE.md). Keys are ncurses
 * key codes (KEY_UP, ...) or characters below 256; the main loop turns
 * mouse events into view_click / view_wheel calls. */
#ifndef TF_VIEW_KEYS_H
#define TF_VIEW_KEYS_H

#include "view/state.h"

typedef enum {
    DO_NONE,
    DO_NEXT, DO_PREV, DO_FIRST, DO_LAST,
    DO_UP, DO_DOWN, DO_LEFT, DO_RIGHT, DO_PAGE_UP, DO_PAGE_DOWN, DO_ROW_START, DO_ROW_END,
    DO_HEAD_NEXT, DO_HEAD_PREV, DO_LAYER_NEXT, DO_LAYER_PREV, DO_BATCH_NEXT, DO_BATCH_PREV,
    DO_SEARCH,
    DO_HEADS, DO_COMPARE, DO_ALL_COLUMNS, DO_NUMBERS, DO_MASK, DO_STRETCH, DO_ZOOM_OUT, DO_ZOOM_IN, DO_ZOOM_FIT,
    DO_FOCUS, DO_FOLD, DO_TREE_MODE,
    DO_EXPORT, DO_MODEL_VIEW, DO_HELP, DO_BACK, DO_REDRAW, DO_QUIT,
    DO_GUIDE_NEXT, DO_GUIDE_PREV, DO_INTRO, DO_LANG, DO_NARR_DOWN, DO_NARR_UP,
    DO_EDIT_SOURCE, DO_EDIT_TARGET, DO_CAUSAL, DO_PADDING, DO_POSITIONS, DO_RESIDUAL,
    DO_SCALE, DO_TEMPERATURE, DO_ABLATE, DO_CACHE, DO_HEAD_COUNT, DO_NORM, DO_WARMUP, DO_CLAIMS,
    DO_PRESENT,
    DO_QUIZ_ANSWER, DO_QUIZ_HINT, DO_QUIZ_SKIP,
} Action;

#define KEY_CTRL(c) ((c) & 0x1f)

typedef struct {
    int keys[6];          /* key codes, 0-terminated */
    const char *names;    /* as help shows them: "n →" */
    Action action;
    const char *help;     /* what the key does */
    const char *help_zh;  /* the same in Chinese */
} KeyBinding;

typedef struct {
    const char *title;
    const char *title_zh;
    const KeyBinding *keys;
    int n;
} KeySection;

/* The sections of the key table, in the order help lists them. */
const KeySection *keys_sections(int *n);
/* Lines of the help screen: per section a title, its keys and a blank
 * line, then the mouse line and a blank, then the glossary (view/glossary.h):
 * its title and one line a term. */
int keys_help_lines(void);


/* Handle one key (the viewer repaints after every key). */
void view_key(ViewState *s, int ch);
/* A character typed that is not ASCII (猫): text for the line editor,
 * ignored elsewhere. */
void view_input_char(ViewState *s, uint32_t cp);
/* The line editor's keys (arrows, Home/End, Ctrl-A/E/D/U, Backspace,
 * Delete, printable ASCII) applied to e: the sentence editor's and a
 * question's prompt. False only when a character did not fit. */
bool view_lineedit_key(LineEdit *e, int ch);
/* A mouse click at screen position (y, x): selects the cell under it, or
 * the step in the steps pane. */
void view_click(ViewState *s, int y, int x);
/* The wheel: dir < 0 up, > 0 down, over the pane at (y, x). */
void view_wheel(ViewState *s, int y, int x, int dir);

#endif
