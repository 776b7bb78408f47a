/* draw_help.c — the help screen (every key, from the key table, then the
 * glossary) in the viewer's language, and the jump prompt with its list
 * of matching names. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "view/draw.h"
#include "view/glossary.h"
#include "view/keys.h"
#include "view/paint.h"
#include "view/text.h"
#include "view/words.h"

/* Key names use arrows; ASCII terminals read words instead. */
static void key_names(const ViewState *s, const char *names, char *buf, size_t cap)
{
    if (s->theme.utf8) {
        snprintf(buf, cap, "%s", names);
        return;
    }
    static const struct {
        const char *from, *to;
    } arrows[] = {{"\xe2\x86\x92", "Right"}, {"\xe2\x86\x90", "Left"}, {"\xe2\x86\x91", "Up"},
                  {"\xe2\x86\x93", "Down"}};
    size_t o = 0;
    buf[0] = '\0';
    for (const char *p = names; *p && o + 8 < cap;) {
        bool done = false;
        for (size_t i = 0; i < sizeof arrows / sizeof arrows[0] && !done; i++) {
            size_t n = strlen(arrows[i].from);
            if (strncmp(p, arrows[i].from, n) == 0) {
                o += (size_t)snprintf(buf + o, cap - o, "%s", arrows[i].to);
                p += n;
                done = true;
            }
        }
        if (!done)
            buf[o++] = *p++;
        buf[o] = '\0';
    }
}

/* The re-run a key asks for; VIEW_EDIT_CHECK (never refused) for other keys. */
static ViewEditKind edit_of(Action a)
{
    switch (a) {
    case DO_CAUSAL: return VIEW_EDIT_CAUSAL;
    case DO_PADDING: return VIEW_EDIT_PADDING;
    case DO_POSITIONS: return VIEW_EDIT_POSITIONS;
    case DO_RESIDUAL: return VIEW_EDIT_RESIDUAL;
    case DO_SCALE: return VIEW_EDIT_SCALE;
    case DO_TEMPERATURE: return VIEW_EDIT_TEMPERATURE;
    case DO_ABLATE: return VIEW_EDIT_ABLATE;
    case DO_CACHE: return VIEW_EDIT_CACHE;
    case DO_HEAD_COUNT: return VIEW_EDIT_HEADS;
    case DO_NORM: return VIEW_EDIT_NORM;
    case DO_WARMUP: return VIEW_EDIT_WARMUP;
    default: return VIEW_EDIT_CHECK;
    }
}

void draw_help(const ViewState *s, const ScreenLayout *l)
{
    int w = s->cols - 4 < 76 ? s->cols - 4 : 76;
    int h = s->lines - 2;
    int y0 = 1, x0 = (s->cols - w) / 2;
    paint_box(s, y0, x0, h, w, view_word(s->lang, WORD_HELP_TITLE));
    bool zh = s->lang == VIEW_LANG_ZH;

    int rows = h - 2, shown = 0, line = 0, key_w = 16;
    int nsec;
    const KeySection *sec = keys_sections(&nsec);
    int total = keys_help_lines();
    int top = s->help_top > total - rows ? total - rows : s->help_top;
    if (top < 0)
        top = 0;
    char names[64];
#define EMIT(role, xoff, text)                                                        \
    do {                                                                              \
        if (line >= top && shown < rows) {                                            \
            paint_role(s, role);                                                      \
            paint_text(s, y0 + 1 + shown, x0 + 2 + (xoff), text, w - 4 - (xoff));     \
        }                                                                             \
    } while (0)
    /* In a lesson its own keys come first; elsewhere they come after the
     * viewer's (and say they need a lesson). */
    int lesson = -1;
    for (int i = 0; i < nsec; i++)
        if (strncmp(sec[i].title, "Lesson", 6) == 0)
            lesson = i;
    bool lesson_first = s->narration.lookup != NULL && lesson >= 0;
    for (int ii = 0; ii < nsec; ii++) {
        int i = !lesson_first ? ii : ii == 0 ? lesson : ii <= lesson ? ii - 1 : ii;
        EMIT(ROLE_GROUP, 0, zh ? sec[i].title_zh : sec[i].title);
        if (line >= top && shown < rows)
            shown++;
        line++;
        for (int k = 0; k < sec[i].n; k++) {
            key_names(s, sec[i].keys[k].names, names, sizeof names);
            EMIT(ROLE_VALUE, 2, names);
            const char *why = view_rerun_refused(s, edit_of(sec[i].keys[k].action));
            const char *help = zh ? sec[i].keys[k].help_zh : sec[i].keys[k].help;
            if (why) {  /* a toggle this walk's model refuses: dimmed; pressing it says why */
                char dimmed[300];
                snprintf(dimmed, sizeof dimmed, "%s%s", view_word(s->lang, WORD_HELP_REFUSED), help);
                EMIT(ROLE_DIM, 2 + key_w, dimmed);
            } else
                EMIT(ROLE_NORMAL, 2 + key_w, help);
            if (line >= top && shown < rows)
                shown++;
            line++;
        }
        if (line >= top && shown < rows)
            shown++;
        line++;
    }
    EMIT(ROLE_DIM, 0, view_word(s->lang, WORD_HELP_MOUSE));
    if (line >= top && shown < rows)
        shown++;
    line++;
    if (line >= top && shown < rows)
        shown++;  /* the blank line */
    line++;
    /* The glossary: English term, Chinese term, the meaning in the
     * viewer's language (each fits its column at 80 columns). */
    EMIT(ROLE_GROUP, 0, view_word(s->lang, WORD_HELP_GLOSSARY));
    if (line >= top && shown < rows)
        shown++;
    line++;
    int nterms;
    const GlossaryEntry *g = glossary_entries(&nterms);
    for (int i = 0; i < nterms; i++) {
        EMIT(ROLE_VALUE, 2, g[i].term[VIEW_LANG_EN]);
        EMIT(ROLE_VALUE, 2 + 21, g[i].term[VIEW_LANG_ZH]);
        EMIT(ROLE_NORMAL, 2 + 33, g[i].meaning[zh ? VIEW_LANG_ZH : VIEW_LANG_EN]);
        if (line >= top && shown < rows)
            shown++;
        line++;
    }
#undef EMIT
    if (total > rows) {
        char more[80];
        view_format(more, sizeof more, s->lang, WORD_HELP_LINES, top + 1, top + rows < total ? top + rows : total,
                    total);
        int mw = text_width(more, !s->theme.utf8);
        paint_role(s, ROLE_DIM);
        paint_text(s, y0 + h - 1, x0 + w - 2 - mw, more, mw);
    }
    (void)l;
}

void draw_prompt(const ViewState *s, const ScreenLayout *l)
{
    const Search *q = &s->search;
    int y = l->status.y, w = l->status.w;
    /* the list of matches, above the prompt */
    int max_list = s->lines / 2 < 12 ? s->lines / 2 : 12;
    int n = q->n_match < (uint32_t)max_list ? (int)q->n_match : max_list;
    int lw = w < 60 ? w : 60;
    /* keep the selection in the list's window */
    int first = (int)q->sel >= n ? (int)q->sel - n + 1 : 0;
    for (int i = 0; i < n; i++) {
        uint32_t k = (uint32_t)(first + i);
        int yy = y - n + i;
        paint_role(s, k == q->sel ? ROLE_CURRENT : ROLE_STATUS);
        mvhline(yy, 0, ' ', lw);
        char row[200];
        snprintf(row, sizeof row, " %5u  %s", q->match[k], view_name(s, q->match[k]));
        paint_text(s, yy, 0, row, lw);
    }
    paint_role(s, ROLE_STATUS);
    mvhline(y, 0, ' ', w);
    char count[64];
    if (q->n_total == 0)
        snprintf(count, sizeof count, "%s", view_word(s->lang, WORD_SEARCH_NONE));
    else
        view_format(count, sizeof count, s->lang, WORD_SEARCH_COUNT, q->n_total,
                    q->n_total == 1 || s->lang == VIEW_LANG_ZH ? "" : "es");
    int cw = text_width(count, !s->theme.utf8);
    paint_role(s, ROLE_KEY);
    mvaddstr(y, 0, "/");
    paint_role(s, ROLE_STATUS);
    int tx = 2;
    int shown = paint_text(s, y, tx, q->text, w - tx - cw - 1);
    paint_role(s, q->n_total ? ROLE_STATUS : ROLE_ERROR);
    if (w - cw > tx + shown + 1)
        paint_text(s, y, w - cw, count, cw);
    move(y, tx + shown);
    curs_set(1);
}
