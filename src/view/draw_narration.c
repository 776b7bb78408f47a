/* draw_narration.c — what a guided walk adds to the screen: the narration
 * pane (the step's note, its narration, the run's settings and claims),
 * the claims panel, and the line editor for the input sentence. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "view/draw.h"
#include "view/markdown.h"
#include "view/paint.h"
#include "view/quiz.h"
#include "view/text.h"
#include "view/words.h"

#define MAX_LINES 512  /* narration lines wrapped for drawing */

/* Lines [first, first + rows) of text wrapped to g->w, from screen row y. */
static void text_block(const ViewState *s, const char *text, int first, int rows, int y, int x, int w, Role role)
{
    static TextLine lines[MAX_LINES];
    int n = text_lines(text, w, !s->theme.utf8, lines, MAX_LINES);
    if (n > MAX_LINES)
        n = MAX_LINES;
    paint_role(s, role);
    for (int i = 0; i < rows && first + i < n; i++) {
        char line[1024];
        const TextLine *t = &lines[first + i];
        snprintf(line, sizeof line, "%.*s", (int)t->len, text + t->off);
        paint_text(s, y + i, x, line, w);
    }
}

/* The action key of the flowed line that holds byte off of text (its
 * "> try M: ..."), 0 when it is no action line; *start its first byte. */
static int action_at(const char *text, size_t off, size_t *start)
{
    size_t b = off;
    while (b > 0 && text[b - 1] != '\n')
        b--;
    *start = b;
    return view_action_key(text + b, strcspn(text + b, "\n"));
}

/* Markdown lines [first, first + rows) of text wrapped to w, from screen
 * row y: code spans in the value colour, **strong** bold, *emphasis*
 * underlined, list items with a bullet and a hanging indent. An action
 * line ("> try M: ...") is drawn in the key colour with a marker for its
 * '>', and as done (a tick, the notice colour) once M was pressed here. */
static void md_block(const ViewState *s, const char *text, int first, int rows, int y, int x, int w)
{
    static MdLine lines[MAX_LINES];
    static MdSpan spans[MAX_LINES * 8];
    bool ascii = !s->theme.utf8;
    int n = markdown_lines(text, w, ascii, lines, MAX_LINES, spans, MAX_LINES * 8);
    if (n > MAX_LINES)
        n = MAX_LINES;
    for (int i = 0; i < rows && first + i < n; i++) {
        const MdLine *ln = &lines[first + i];
        int cx = ln->indent;
        size_t act_start = 0;
        int key = ln->n_spans > 0 ? action_at(text, spans[ln->span].off, &act_start) : 0;
        bool done = key && view_action_done(s, key);
        for (int k = 0; k < ln->n_spans && cx < w; k++) {
            const MdSpan *sp = &spans[ln->span + k];
            char part[1024];
            if (sp->style & MD_BULLET)
                snprintf(part, sizeof part, "%s", ascii ? "- " : "\xe2\x80\xa2 ");
            else if (key && act_start >= sp->off && act_start < sp->off + sp->len)  /* its '>': the marker */
                snprintf(part, sizeof part, "%.*s%s%.*s", (int)(act_start - sp->off), text + sp->off,
                         done ? (ascii ? "+" : "\xe2\x9c\x93") : (ascii ? ">" : "\xe2\x96\xb6"),
                         (int)(sp->off + sp->len - act_start - 1), text + act_start + 1);
            else
                snprintf(part, sizeof part, "%.*s", (int)sp->len, text + sp->off);
            paint_role(s, key ? (done ? ROLE_NOTICE : ROLE_KEY) : sp->style & MD_CODE ? ROLE_VALUE : ROLE_NORMAL);
            if (key)
                attron(A_BOLD);
            if (sp->style & MD_STRONG)
                attron(A_BOLD);
            if (sp->style & MD_EM)
                attron(A_UNDERLINE);
            cx += paint_text(s, y + i, x + cx, part, w - cx);
        }
    }
    paint_role(s, ROLE_NORMAL);
}

static void pane_title(const ViewState *s, char *buf, size_t cap)
{
    ViewLang g = s->lang;
    if (s->show_intro)
        snprintf(buf, cap, "%s", view_word(g, WORD_INTRO_TITLE));
    else if (s->n_guide == 0)
        snprintf(buf, cap, "%s", view_word(g, WORD_NARRATION));
    else if (s->guide_step < 0)
        view_format(buf, cap, g, WORD_LESSON_STEPS, s->n_guide);
    else if (s->guide_on)
        view_format(buf, cap, g, WORD_LESSON_STEP, s->guide_step + 1, s->n_guide);
    else
        view_format(buf, cap, g, WORD_OFF_PATH, s->guide_step + 1, s->n_guide);
}

void draw_narration(const ViewState *s, const ScreenLayout *l)
{
    const Rect *r = &l->narr;
    /* presentation mode: the text alone, no title line (present.h) */
    const bool bare = s->present;
    if (r->w <= 0 || r->h < (bare ? 1 : 2))
        return;
    bool beside = r->x > 0;
    if (beside)
        paint_vline(s, ROLE_BORDER, r->y, r->x - 1, r->h);
    int tw = 0, lw = 0;
    if (!bare) {
        paint_hline(s, ROLE_BORDER, r->y, r->x, r->w);
        char title[128];
        pane_title(s, title, sizeof title);
        paint_role(s, ROLE_FOCUS_TITLE);
        tw = paint_text(s, r->y, r->x + 1, title, r->w - 2);
        /* the language on the right of the title line, when it fits */
        const char *lang = s->lang == VIEW_LANG_ZH ? " \xe4\xb8\xad\xe6\x96\x87 " : " EN ";
        lw = text_width(lang, !s->theme.utf8);
        if (tw + lw + 3 < r->w) {
            paint_role(s, ROLE_DIM);
            paint_text(s, r->y, r->x + r->w - lw - 1, lang, lw);
        }
    }

    NarrationGeometry g;
    layout_narration(s, l, &g);
    ViewGuideStep st;
    if (g.note_rows > 0 && !s->show_intro && view_guide_current(s, &st) && st.note)
        text_block(s, st.note, 0, g.note_rows, g.note_y, g.x, g.w, ROLE_VALUE);

    bool fallback;
    const char *text = view_narration_text(s, &fallback);
    int rows = g.text_rows, y = g.text_y, top = s->narr_top;
    if (top > g.n_lines - rows)
        top = g.n_lines - rows > 0 ? g.n_lines - rows : 0;
    if (!text) {
        if (rows > 0) {
            char msg[160];
            if (s->n_guide > 0 && !s->guide_on)
                view_format(msg, sizeof msg, s->lang, WORD_NO_NARRATION_GUIDE, view_name(s, s->cur),
                            s->guide_step >= 0 ? s->guide_step + 1 : 1);
            else
                view_format(msg, sizeof msg, s->lang, WORD_NO_NARRATION, view_name(s, s->cur));
            text_block(s, msg, 0, rows, y, g.x, g.w, ROLE_DIM);
        }
    } else {
        int skip = top;
        if (fallback) {  /* the first line says why this is English */
            if (skip == 0 && rows > 0) {
                paint_role(s, ROLE_DIM);
                paint_text(s, y, g.x, view_word(s->lang, WORD_FALLBACK), g.w);
                y++;
                rows--;
            } else
                skip--;
        }
        md_block(s, text, skip, rows, y, g.x, g.w);
        /* more below or above: say so on the title line */
        bool above = top > 0, below = top + g.text_rows < g.n_lines;
        if ((above || below) && r->w > 30 && !bare) {  /* bare: the status line says so */
            char more[64];  /* an arrow first, where the terminal has one */
            snprintf(more, sizeof more, "%s%s", !s->theme.utf8 ? "" : below ? " \xe2\x86\x93" : " \xe2\x86\x91",
                     view_word(s->lang, below ? WORD_MORE : WORD_BACK));
            int mw = text_width(more, !s->theme.utf8);
            int mx = r->x + r->w - lw - mw - 2;
            if (mx > r->x + tw + 2) {
                paint_role(s, ROLE_KEY);
                paint_text(s, r->y, mx, more, mw);
            }
        }
    }

    if (g.foot_y >= 0) {
        char foot[400];
        const char *settings = view_run_settings(s);
        if (s->have_run && s->run.n_claims > 0) {
            int n = view_format(foot, sizeof foot, s->lang, WORD_CLAIMS_PASS_FOOT, view_claims_passed(s),
                                view_claims_total(s));
            if (n > 0 && (size_t)n < sizeof foot)
                snprintf(foot + n, sizeof foot - (size_t)n, "%s%s", settings[0] ? " \xc2\xb7 " : "", settings);
        } else if (s->have_run && settings[0])
            snprintf(foot, sizeof foot, "%s", settings);
        else if (view_rerun_refused(s, VIEW_EDIT_POSITIONS))  /* T would only be refused: leave it out */
            snprintf(foot, sizeof foot, "%s", view_word(s->lang, WORD_FOOT_FIXED));
        else
            snprintf(foot, sizeof foot, "%s", view_word(s->lang, WORD_FOOT));
        paint_role(s, ROLE_DIM);
        paint_text(s, g.foot_y, g.x, foot, g.w);
    }
}

/* The claims panel: every claim, PASS or FAIL, with what was measured. */
void draw_claims(const ViewState *s, const ScreenLayout *l)
{
    (void)l;
    bool ascii = !s->theme.utf8;
    ClaimsGeometry cg;
    layout_claims(s, &cg);
    if (cg.tw < 8 || cg.h < 3)
        return;
    int w = cg.w, h = cg.h, tw = cg.tw, y0 = cg.y0, x0 = cg.x0;
    char title[96];
    view_format(title, sizeof title, s->lang, WORD_CLAIMS_TITLE, view_claims_passed(s), view_claims_total(s));
    paint_box(s, y0, x0, h, w, title);
    int y = y0 + 1, end = y0 + h - 1;
    if (view_run_settings(s)[0] && y < end) {
        paint_role(s, ROLE_DIM);
        paint_text(s, y++, x0 + 2, view_run_settings(s), w - 4);
    }
    int skip = s->claims_top < cg.max_top ? s->claims_top : cg.max_top;  /* j/k scroll */
    for (int i = 0; i < s->run.n_claims && y < end; i++) {
        const ViewClaim *c = &s->run.claims[i];
        if (view_claim_starts_facts(s, i)) {  /* the facts, apart */
            if (skip > 0) {
                skip--;
            } else {
                paint_role(s, ROLE_DIM);
                paint_text(s, y++, x0 + 2, view_word(s->lang, WORD_FACTS_HEADER), w - 4);
                if (y >= end)
                    break;
            }
        }
        TextLine lines[16];
        const char *ct = view_claim_text(s, i);
        int n = text_lines(ct, tw, ascii, lines, 16);
        if (n > 16)
            n = 16;
        for (int k = 0; k < n + (c->measured[0] ? 1 : 0) && y < end; k++) {
            if (skip > 0) {
                skip--;
                continue;
            }
            if (k == 0) {
                paint_role(s, c->pass ? ROLE_NOTICE : ROLE_ERROR);
                paint_text(s, y, x0 + 2, view_word(s->lang, c->pass ? WORD_PASS : WORD_FAIL), 6);
            }
            char line[600];
            if (k < n) {
                snprintf(line, sizeof line, "%.*s", (int)lines[k].len, ct + lines[k].off);
                paint_role(s, ROLE_NORMAL);
            } else {
                view_format(line, sizeof line, s->lang, WORD_MEASURED, c->measured);
                paint_role(s, ROLE_VALUE);
            }
            paint_text(s, y, x0 + 2 + 7, line, tw);
            y++;
        }
    }
    paint_role(s, ROLE_DIM);
    const char *hint = view_word(s->lang, WORD_CLAIMS_HINT);
    int hw = text_width(hint, ascii);
    paint_text(s, y0 + h - 1, x0 + w - hw - 2, hint, hw);
}

/* The line editor on the status line: "source> 猫 追 老鼠_". */
void draw_editor(const ViewState *s, const ScreenLayout *l)
{
    int y = l->status.y, w = l->status.w;
    bool ascii = !s->theme.utf8;
    const char *label = view_word(s->lang, s->edit_kind == VIEW_EDIT_TARGET ? WORD_EDIT_TARGET : WORD_EDIT_SOURCE);
    const char *hint = view_word(s->lang, WORD_EDIT_HINT);
    paint_role(s, ROLE_STATUS);
    mvhline(y, 0, ' ', w);
    paint_role(s, ROLE_KEY);
    int x = paint_text(s, y, 0, label, w);
    int hw = text_width(hint, ascii);
    if (w - x - hw < 12)
        hw = 0;  /* narrow: the text matters more than the hint */
    int cols = w - x - hw - 1;
    if (cols < 2)
        cols = 2;
    int cx;
    size_t start = lineedit_window(&s->edit, cols, ascii, &cx);
    paint_role(s, ROLE_STATUS);
    /* paint_text cuts with an ellipsis, which is right for the tail */
    paint_text(s, y, x, s->edit.text + start, cols);
    if (hw) {
        paint_role(s, ROLE_DIM);
        paint_text(s, y, w - hw, hint, hw);
    }
    move(y, x + cx);
    curs_set(1);
}
