/* draw_present.c — what presentation mode paints of its own (present.h):
 * the heading (the step's note) and the status line that names only the
 * lesson, the step and the two keys a presenter needs. The matrix and the
 * narration are the usual panes, in presentation mode's places. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "view/draw.h"
#include "view/paint.h"
#include "view/present.h"
#include "view/text.h"
#include "view/words.h"

/* The note, wrapped by display width into the heading's lines; centred
 * when it takes one line. */
void draw_present_heading(const ViewState *s, const ScreenLayout *l)
{
    const Rect *r = &l->title;
    bool ascii = !s->theme.utf8;
    paint_role(s, ROLE_TITLE);
    for (int i = 0; i < r->h; i++)
        mvhline(r->y + i, r->x, ' ', r->w);
    const char *head = present_heading(s);
    if (!head || r->w < 3)
        return;
    attron(A_BOLD);
    TextLine lines[8];
    int n = text_lines(head, r->w - 2, ascii, lines, 8);
    if (n > 8)
        n = 8;
    for (int i = 0; i < n && i < r->h; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)lines[i].len, head + lines[i].off);
        if (i == r->h - 1 && i + 1 < n) {
            /* the last line holds the rest, cut with an ellipsis */
            snprintf(line, sizeof line, "%s", head + lines[i].off);
        }
        int w = text_width(line, ascii);
        int x = n == 1 && w < r->w - 2 ? r->x + (r->w - w) / 2 : r->x + 1;
        paint_text(s, r->y + i, x, line, r->w - 2);
    }
    attroff(A_BOLD);
}

/* " lesson 7 · step 3 of 9 · N next · P back", and "J more" on the right
 * when the narration goes on below. */
void draw_present_status(const ViewState *s, const ScreenLayout *l)
{
    int y = l->status.y, w = l->status.w;
    bool ascii = !s->theme.utf8;
    ViewLang g = s->lang;
    const char *dot = ascii ? " - " : " \xc2\xb7 ";
    char where[256];
    int n = 0;
    if (s->narration.number > 0)
        n = view_format(where, sizeof where, g, WORD_PRESENT_LESSON, s->narration.number);
    if (n < 0 || (size_t)n >= sizeof where)
        n = 0;
    char step[160];
    if (s->show_intro)
        snprintf(step, sizeof step, "%s", view_word(g, WORD_PRESENT_INTRO));
    else if (s->guide_step < 0)
        view_format(step, sizeof step, g, WORD_PRESENT_STEPS, s->n_guide);
    else if (s->guide_on)
        view_format(step, sizeof step, g, WORD_PRESENT_STEP, s->guide_step + 1, s->n_guide);
    else
        view_format(step, sizeof step, g, WORD_PRESENT_OFF, s->guide_step + 1, s->n_guide);
    snprintf(where + n, sizeof where - (size_t)n, "%s%s", n ? dot : "", step);

    paint_role(s, ROLE_STATUS);
    mvhline(y, 0, ' ', w);
    int x = 1;
    x += paint_text(s, y, x, where, w - x - 1);
    if (s->n_guide > 0) {
        const struct {
            const char *key;
            Word what;
        } keys[] = {{"N", WORD_PRESENT_NEXT}, {"P", WORD_PRESENT_BACK}};
        for (int i = 0; i < 2; i++) {
            int need = text_width(dot, ascii) + 2 + text_width(view_word(g, keys[i].what), ascii);
            if (x + need > w - 1)
                break;
            paint_role(s, ROLE_STATUS);
            x += paint_text(s, y, x, dot, w - x);
            paint_role(s, ROLE_KEY);
            x += paint_text(s, y, x, keys[i].key, w - x);
            paint_role(s, ROLE_STATUS);
            x += paint_text(s, y, x + 1, view_word(g, keys[i].what), w - x - 1) + 1;
        }
    }
    /* more narration below than the screen shows: J scrolls it */
    NarrationGeometry ng;
    layout_narration(s, l, &ng);
    if (s->narr_top + ng.text_rows < ng.n_lines) {
        const char *more = view_word(g, WORD_MORE);
        int mw = text_width(more, ascii);
        if (x + 2 + mw < w) {
            paint_role(s, ROLE_KEY);
            paint_text(s, y, w - mw - 1, more, mw);
        }
    }
}
