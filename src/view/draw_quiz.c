/* draw_quiz.c — a question's prompt on the status line (quiz.h): the
 * choices with the selected one marked, or the typed answer with its
 * cursor; the keys on the right; a message (an unreadable answer's why)
 * on the line above, since the prompt keeps the status line. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "view/draw.h"
#include "view/paint.h"
#include "view/quiz.h"
#include "view/text.h"
#include "view/words.h"

static Word prompt_word(ViewQuestionKind k)
{
    switch (k) {
    case VIEW_Q_CHOOSE: return WORD_Q_PROMPT_CHOOSE;
    case VIEW_Q_NUMBER: return WORD_Q_PROMPT_NUMBER;
    case VIEW_Q_ORDER: return WORD_Q_PROMPT_ORDER;
    default: return WORD_Q_PROMPT_SWITCH;
    }
}

/* Choice i as the prompt shows it: "b) 老鼠". */
static void choice_text(const ViewQuestion *q, int i, char *buf, size_t cap)
{
    snprintf(buf, cap, " %c) %s ", i < 26 ? 'a' + i : '*', q->choice[i]);
}

/* The choices from the first that lets the selected one show, in cols
 * columns from x. */
static void draw_choices(const ViewState *s, int y, int x, int cols)
{
    const ViewQuestion *q = &s->question;
    bool ascii = !s->theme.utf8;
    char buf[VIEW_Q_LABEL + 16];
    int first = 0;
    for (;;) {  /* scroll right until the selected choice fits */
        int w = first > 0 ? 2 : 0;
        for (int i = first; i <= s->choice && i < q->n_choices; i++) {
            choice_text(q, i, buf, sizeof buf);
            w += text_width(buf, ascii) + 1;
        }
        if (w <= cols || first >= s->choice)
            break;
        first++;
    }
    int end = x + cols;
    if (first > 0) {
        paint_role(s, ROLE_DIM);
        x += paint_text(s, y, x, ascii ? "< " : "\xe2\x80\xb9 ", end - x);
    }
    for (int i = first; i < q->n_choices && x < end; i++) {
        choice_text(q, i, buf, sizeof buf);
        paint_role(s, i == s->choice ? ROLE_CURRENT : ROLE_STATUS);
        if (i == s->choice)
            attron(A_REVERSE | A_BOLD);
        x += paint_text(s, y, x, buf, end - x) + 1;
    }
    paint_role(s, ROLE_STATUS);
}

void draw_quiz_prompt(const ViewState *s, const ScreenLayout *l)
{
    int y = l->status.y, w = l->status.w;
    bool ascii = !s->theme.utf8;
    const ViewQuestion *q = &s->question;
    if (s->msg_kind != MSG_NONE && y > 0) {  /* why an answer was not read, and the like */
        paint_role(s, s->msg_kind == MSG_ERROR ? ROLE_ERROR : ROLE_NOTICE);
        mvhline(y - 1, 0, ' ', w);
        char buf[600];
        snprintf(buf, sizeof buf, " %s ", s->msg);
        paint_text(s, y - 1, 0, buf, w);
    }
    paint_role(s, ROLE_STATUS);
    mvhline(y, 0, ' ', w);
    paint_role(s, ROLE_KEY);
    int x = paint_text(s, y, 0, view_word(s->lang, prompt_word(q->kind)), w);
    const char *keys = view_word(s->lang, q->kind == VIEW_Q_CHOOSE ? WORD_Q_KEYS_CHOOSE : WORD_Q_KEYS);
    int kw = text_width(keys, ascii);
    if (w - x - kw < 16)
        kw = 0;  /* narrow: the answer matters more than the keys */
    int cols = w - x - kw - 1;
    if (cols < 2)
        cols = 2;
    if (kw) {
        paint_role(s, ROLE_DIM);
        paint_text(s, y, w - kw, keys, kw);
    }
    if (q->kind == VIEW_Q_CHOOSE) {
        draw_choices(s, y, x, cols);
        return;
    }
    int cx;
    size_t start = lineedit_window(&s->answer, cols, ascii, &cx);
    paint_role(s, ROLE_STATUS);
    paint_text(s, y, x, s->answer.text + start, cols);
    move(y, x + cx);
    curs_set(1);
}
