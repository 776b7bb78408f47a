/* draw.c — the frame: title bar, panes, status bar, the too-small notice. */
#include "view/draw.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "trace/export.h"
#include "trace/record_name.h"
#include "view/paint.h"
#include "view/quiz.h"
#include "view/text.h"
#include "view/words.h"

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* A trace as the title bar names it: a run's words whole (a sentence may
 * hold a '/'), a file by its base name. */
static const char *title_name(const ViewState *s, const TraceReader *r)
{
    const char *label = view_trace_label(s, r);
    return r && label == trace_reader_path(r) ? base_name(label) : label;
}

/* Does every word of text fit in cols columns? A message wrapped inside
 * a word ("44x1" / "2") would be misread, so such a message is not used. */
static bool words_fit(const char *text, int cols, bool ascii)
{
    char word[96];
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ");
        if (n >= sizeof word)
            return false;
        memcpy(word, p, n);
        word[n] = '\0';
        if (text_width(word, ascii) > cols)
            return false;
        p += n;
        p += strspn(p, " ");
    }
    return true;
}

/* The notice below the minimum size, wrapped to the terminal and centred:
 * the longest wording whose lines all fit, down to the bare size needed,
 * so even a tiny terminal says something whole (never a garbled cut). */
static void draw_too_small(const ViewState *s)
{
    paint_role(s, ROLE_NORMAL);
    if (s->cols < 1 || s->lines < 1)
        return;
    const bool ascii = !s->theme.utf8;
    char msg[4][160];
    if (s->lang == VIEW_LANG_ZH) {
        /* 终端 WxH 太小：至少需要 WxH。请放大窗口，或按 q 退出。 */
        snprintf(msg[0], sizeof msg[0],
                 "\xe7\xbb\x88\xe7\xab\xaf %dx%d \xe5\xa4\xaa\xe5\xb0\x8f\xef\xbc\x9a\xe8\x87\xb3\xe5\xb0\x91"
                 "\xe9\x9c\x80\xe8\xa6\x81 %dx%d\xe3\x80\x82\xe8\xaf\xb7\xe6\x94\xbe\xe5\xa4\xa7\xe7\xaa\x97"
                 "\xe5\x8f\xa3\xef\xbc\x8c\xe6\x88\x96\xe6\x8c\x89 q \xe9\x80\x80\xe5\x87\xba\xe3\x80\x82",
                 s->cols, s->lines, VIEW_MIN_COLS, VIEW_MIN_LINES);
        /* 太小：至少需要 WxH。按 q 退出。 */
        snprintf(msg[1], sizeof msg[1],
                 "\xe5\xa4\xaa\xe5\xb0\x8f\xef\xbc\x9a\xe8\x87\xb3\xe5\xb0\x91\xe9\x9c\x80\xe8\xa6\x81 %dx%d"
                 "\xe3\x80\x82\xe6\x8c\x89 q \xe9\x80\x80\xe5\x87\xba\xe3\x80\x82",
                 VIEW_MIN_COLS, VIEW_MIN_LINES);
        /* 需要 WxH */
        snprintf(msg[2], sizeof msg[2], "\xe9\x9c\x80\xe8\xa6\x81 %dx%d", VIEW_MIN_COLS, VIEW_MIN_LINES);
    } else {
        snprintf(msg[0], sizeof msg[0], "Terminal %dx%d is too small: need %dx%d. Enlarge it, or press q to quit.",
                 s->cols, s->lines, VIEW_MIN_COLS, VIEW_MIN_LINES);
        snprintf(msg[1], sizeof msg[1], "Too small: need %dx%d. q quits.", VIEW_MIN_COLS, VIEW_MIN_LINES);
        snprintf(msg[2], sizeof msg[2], "Need %dx%d", VIEW_MIN_COLS, VIEW_MIN_LINES);
    }
    snprintf(msg[3], sizeof msg[3], "%dx%d", VIEW_MIN_COLS, VIEW_MIN_LINES);

    enum { MAX_LINES = 16 };
    TextLine lines[MAX_LINES];
    const char *text = msg[3];
    for (int k = 0; k < 4; k++) {
        /* CJK wraps between characters (text_wrap), so only the Latin
         * words of a wording need to fit whole */
        int count = text_lines(msg[k], s->cols, ascii, NULL, 0);
        if (count <= s->lines && count <= MAX_LINES && (s->lang == VIEW_LANG_ZH || words_fit(msg[k], s->cols, ascii))) {
            text = msg[k];
            break;
        }
    }
    int n = text_lines(text, s->cols, ascii, lines, MAX_LINES);
    if (n > MAX_LINES)
        n = MAX_LINES;
    int y0 = (s->lines - n) / 2;
    for (int i = 0; i < n && i < s->lines; i++) {
        char buf[160];
        snprintf(buf, sizeof buf, "%.*s", (int)lines[i].len, text + lines[i].off);
        int w = text_width(buf, ascii);
        int x = (s->cols - w) / 2;
        paint_text(s, (y0 > 0 ? y0 : 0) + i, x > 0 ? x : 0, buf, s->cols);
    }
}

/* "questions: 3 of 4  " for the title bar, when the walk asks any;
 * returns the bytes written. */
static int quiz_score(const ViewState *s, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (view_quiz_total(s) == 0)
        return 0;
    int n = view_format(buf, cap, s->lang, WORD_Q_SCORE, view_quiz_right(s), view_quiz_total(s));
    if (n < 0 || (size_t)n >= cap) {
        buf[0] = '\0';
        return 0;
    }
    return n;
}

static void draw_title(const ViewState *s, const ScreenLayout *l)
{
    paint_role(s, ROLE_TITLE);
    mvhline(l->title.y, 0, ' ', l->title.w);
    char left[512], right[128];
    const char *lesson = s->narration.title ? s->narration.title(s->narration.ctx, s->lang) : NULL;
    if (s->b && s->compare)
        snprintf(left, sizeof left, " traceformer view  A %s  B %s", title_name(s, s->a),
                 title_name(s, s->b));
    else if (lesson && lesson[0])
        snprintf(left, sizeof left, " %s  (%s)", lesson, title_name(s, s->a));
    else
        snprintf(left, sizeof left, " traceformer view  %s", title_name(s, s->a));
    int at = 0;
    if (s->snap.step >= 0)  /* a training snapshot: how far training had got */
        at = view_format(right, sizeof right, s->lang, WORD_TRAIN_STEP_OF, s->snap.step, s->snap.last);
    if (at < 0 || (size_t)at >= sizeof right)
        at = 0;
    at += quiz_score(s, right + at, sizeof right - (size_t)at);
    view_format(right + at, sizeof right - (size_t)at, s->lang, WORD_RECORD_OF, s->cur + 1, s->count);
    int rw = text_width(right, !s->theme.utf8);
    int avail = l->title.w - rw - 1;
    /* A lesson's long title gives way before the run it shows: "(run:
     * sinusoidal — ...)" says which trace the numbers come from. */
    char run[320];
    snprintf(run, sizeof run, "  (%s)", title_name(s, s->a));
    int runw = text_width(run, !s->theme.utf8);
    if (!(s->b && s->compare) && lesson && lesson[0] && text_width(left, !s->theme.utf8) > avail && avail > 32) {
        char head[300];
        snprintf(head, sizeof head, " %s", lesson);
        int headw = avail - runw, least = avail * 2 / 5;  /* the title keeps two fifths, the run the rest */
        if (headw < least)
            headw = least;
        paint_text(s, l->title.y, 0, head, headw);
        paint_text(s, l->title.y, headw, run, avail - headw);
    } else
        paint_text(s, l->title.y, 0, left, avail);
    paint_text(s, l->title.y, l->title.w - rw, right, rw);
}

typedef struct {
    const char *keys, *what;
} Hint;

static void draw_status(const ViewState *s, const ScreenLayout *l)
{
    int y = l->status.y, w = l->status.w;
    paint_role(s, ROLE_STATUS);
    mvhline(y, 0, ' ', w);
    char pos[64];
    snprintf(pos, sizeof pos, " %u/%u ", s->cur + 1, s->count);
    int pw = (int)strlen(pos);
    if (s->searching || s->editing || s->asking)
        return;  /* the prompt or the editor takes the line */
    if (s->msg_kind != MSG_NONE) {
        paint_role(s, s->msg_kind == MSG_ERROR ? ROLE_ERROR : ROLE_NOTICE);
        char buf[600];
        snprintf(buf, sizeof buf, " %s ", s->msg);
        paint_text(s, y, 0, buf, w - pw - 1);
        paint_role(s, ROLE_STATUS);
        paint_text(s, y, w - pw, pos, pw);
        return;
    }
    if (s->help) {
        paint_text(s, y, 1, view_word(s->lang, WORD_STATUS_HELP), w - 2);
        return;
    }
    if (s->claims) {
        paint_text(s, y, 1, view_word(s->lang, WORD_STATUS_CLAIMS), w - pw - 2);
        paint_text(s, y, w - pw, pos, pw);
        return;
    }
    if (s->present && s->narration.lookup) {
        draw_present_status(s, l);
        return;
    }
    const CachedRecord *c = view_current(s);
    bool heads = c && c->ok && view_axis(&c->tr.rec, &c->pg, "head") >= 0;
    bool batch = c && c->ok && view_axis(&c->tr.rec, &c->pg, "batch") >= 0;
    Hint hints[24];
    int n = 0;
    ViewLang g = s->lang;
    bool lesson = s->narration.lookup != NULL;
    if (view_quiz_hides(s))  /* the prompt was put away: how to get it back */
        hints[n++] = (Hint){"Enter", view_word(g, WORD_KEY_ANSWER)};
    if (lesson && s->n_guide > 0)
        hints[n++] = (Hint){"N/P", view_word(g, WORD_KEY_LESSON_STEP)};
    if (lesson)
        hints[n++] = (Hint){"L", s->lang == VIEW_LANG_EN ? "\xe4\xb8\xad\xe6\x96\x87" : "English"};
    if (s->rerun.run) {
        hints[n++] = (Hint){"e", view_word(g, WORD_KEY_EDIT)};
        hints[n++] = (Hint){"M", view_word(g, WORD_KEY_CAUSAL)};
        hints[n++] = (Hint){"R", view_word(g, WORD_KEY_RESIDUAL)};
        hints[n++] = (Hint){"C", view_word(g, WORD_KEY_CLAIMS)};
    }
    if (s->focus == FOCUS_STEPS) {
        hints[n++] = (Hint){"\xe2\x86\x91\xe2\x86\x93", view_word(g, WORD_KEY_STEPS)};
        hints[n++] = (Hint){"Enter", view_word(g, WORD_KEY_FOLD)};
        hints[n++] = (Hint){"Tab", view_word(g, WORD_KEY_MATRIX)};
    } else {
        hints[n++] = (Hint){"n/p", view_word(g, WORD_KEY_STEP)};
        hints[n++] = (Hint){"hjkl", view_word(g, WORD_KEY_CELL)};
    }
    if (heads)
        hints[n++] = (Hint){"]/[", view_word(g, WORD_KEY_HEAD)};
    if (s->snap.step >= 0)
        hints[n++] = (Hint){"}/{", view_word(g, WORD_KEY_SNAPSHOT)};
    else if (record_name_has_layer(view_name(s, s->cur)))
        hints[n++] = (Hint){"}/{", view_word(g, WORD_KEY_LAYER)};
    if (batch)
        hints[n++] = (Hint){"b/B", view_word(g, WORD_KEY_SENTENCE)};
    hints[n++] = (Hint){"/", view_word(g, WORD_KEY_FIND)};
    if (heads || s->weights_rec >= 0)
        hints[n++] = (Hint){"a", view_word(g, s->heads ? WORD_KEY_ONE_HEAD : WORD_KEY_HEADS)};
    if (s->b)
        hints[n++] = (Hint){"c", view_word(g, s->compare ? WORD_KEY_ONE_RUN : WORD_KEY_COMPARE)};
    const CachedRecord *full = view_current_full(s);
    if (s->topk.active)  /* a vocabulary-wide record: its top tokens <-> every column */
        hints[n++] = (Hint){"t", view_word(g, WORD_KEY_ALL_COLUMNS)};
    else if (s->topk.all && full && full->ok && view_topk_vocab_axis(&full->tr.rec))
        hints[n++] = (Hint){"t", view_word(g, WORD_KEY_TOP_TOKENS)};
    hints[n++] = (Hint){"v", view_word(g, WORD_KEY_NUMBERS)};
    if (s->mask_rec >= 0)
        hints[n++] = (Hint){"m", view_word(g, WORD_KEY_MASK)};
    hints[n++] = (Hint){"x", view_word(g, WORD_KEY_EXPORT)};
    hints[n++] = (Hint){"?", view_word(g, WORD_KEY_HELP)};
    hints[n++] = (Hint){"q", view_word(g, WORD_KEY_QUIT)};
    /* Always keep "? help  q quit"; drop from the middle when narrow. */
    int x = 1, limit = w - pw - 1;
    bool ascii = !s->theme.utf8;
    int tail = 0;
    for (int i = n - 2; i < n; i++)
        tail += text_width(hints[i].keys, ascii) + 1 + text_width(hints[i].what, ascii) + 2;
    for (int i = 0; i < n; i++) {
        int need = text_width(hints[i].keys, ascii) + 1 + text_width(hints[i].what, ascii) + 2;
        if (i < n - 2 && x + need + tail > limit)
            continue;
        if (x + need > limit)
            break;
        paint_role(s, ROLE_KEY);
        x += paint_text(s, y, x, hints[i].keys, limit - x);
        paint_role(s, ROLE_STATUS);
        x += paint_text(s, y, x + 1, hints[i].what, limit - x - 1) + 3;
    }
    paint_role(s, ROLE_STATUS);
    paint_text(s, y, w - pw, pos, pw);
}

void view_draw(const ViewState *s)
{
    paint_role(s, ROLE_NORMAL);
    erase();
    curs_set(0);
    ScreenLayout l;
    layout_screen(s, &l);
    if (l.too_small) {
        draw_too_small(s);
        return;
    }
    if (s->present && s->narration.lookup)
        draw_present_heading(s, &l);
    else
        draw_title(s, &l);
    if (l.steps.w > 0) {
        draw_steps(s, &l);
        paint_vline(s, ROLE_BORDER, l.steps.y, l.steps.x + l.steps.w, l.steps.h);
    }
    draw_matrix(s, &l);
    draw_info(s, &l);
    draw_narration(s, &l);
    draw_status(s, &l);
    if (s->claims && !s->help)
        draw_claims(s, &l);
    if (s->help)
        draw_help(s, &l);
    if (s->searching)
        draw_prompt(s, &l);
    if (s->editing)
        draw_editor(s, &l);
    else if (s->asking && !s->searching)
        draw_quiz_prompt(s, &l);
}
