/* quiz.c — a walk's questions in the viewer (quiz.h): the prompt, the
 * grading through the walk's hook, the reveal, the score; and the action
 * lines of the narration. No terminal here. */
#include "view/quiz.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "view/keys.h"
#include "view/words.h"

#define ESC 27
#define KEY_CTRL(c) ((c) & 0x1f)

/* ---- which step, which question ---- */

/* The guided step on screen when it asks a question, else −1. */
static int quiz_step(const ViewState *s)
{
    if (!s->quiz_ready || !s->guide_on || s->guide_step < 0 || s->guide_step >= s->n_guide)
        return -1;
    return s->quiz_has[s->guide_step] ? s->guide_step : -1;
}

static void quiz_init(ViewState *s)
{
    if (s->quiz_ready)
        return;
    s->quiz_ready = true;
    s->question_step = -1;
    s->prompt_step = -1;
    s->quiz_n = 0;
    for (int k = 0; k < s->n_guide; k++) {
        s->quiz_has[k] = s->narration.has_question && s->narration.question && s->narration.answer &&
                         s->narration.has_question(s->narration.ctx, k);
        s->quiz_n += s->quiz_has[k];
    }
}

/* Measure step k's question on the run on screen, in the viewer's
 * language, unless that is what question already holds. */
static void fetch(ViewState *s, int k)
{
    if (s->question_step == k && s->question_lang == s->lang && strcmp(s->question_run, s->run.trace) == 0)
        return;
    ViewQuestion *q = &s->question;
    memset(q, 0, sizeof *q);
    if (!s->narration.question(s->narration.ctx, k, s->lang, q))
        snprintf(q->unavailable, sizeof q->unavailable, "?");
    if (q->n_choices < 0)
        q->n_choices = 0;
    if (q->n_choices > VIEW_Q_MAX_CHOICES)
        q->n_choices = VIEW_Q_MAX_CHOICES;
    for (int i = 0; i < q->n_choices; i++) {  /* whatever the hook wrote, the strings end */
        q->choice[i][VIEW_Q_LABEL - 1] = '\0';
        q->detail[i][sizeof q->detail[i] - 1] = '\0';
        for (char *c = q->detail[i]; *c; c++)  /* one line of the pane's list */
            if ((unsigned char)*c < 0x20)
                *c = ' ';
    }
    q->expected[sizeof q->expected - 1] = '\0';
    q->changes[sizeof q->changes - 1] = '\0';
    q->unavailable[sizeof q->unavailable - 1] = '\0';
    if (!q->text)
        q->text = "";
    s->question_step = k;
    s->question_lang = s->lang;
    snprintf(s->question_run, sizeof s->question_run, "%s", s->run.trace);
    if (s->choice >= q->n_choices)
        s->choice = 0;
}

static void prompt_open(ViewState *s, int k)
{
    s->asking = true;
    s->prompt_step = k;
    s->choice = 0;
    lineedit_set(&s->answer, "");
    s->narr_top = 0;
}

void view_quiz_sync(ViewState *s)
{
    quiz_init(s);
    int k = quiz_step(s);
    if (k < 0) {
        s->asking = false;
        s->prompt_step = -1;  /* back at an unanswered question, the prompt opens again */
        return;
    }
    fetch(s, k);
    if (s->quiz[k].grade != VIEW_ANSWER_NONE || s->question.unavailable[0])
        s->asking = false;
    else if (s->prompt_step != k)
        prompt_open(s, k);
}

bool view_quiz_hides(const ViewState *s)
{
    int k = quiz_step(s);
    return k >= 0 && s->question_step == k && s->quiz[k].grade == VIEW_ANSWER_NONE && !s->question.unavailable[0];
}

static int count_grade(const ViewState *s, ViewAnswerGrade g)
{
    int n = 0;
    for (int k = 0; s->quiz_ready && k < s->n_guide; k++)
        n += s->quiz_has[k] && s->quiz[k].grade == g;
    return n;
}

int view_quiz_right(const ViewState *s)
{
    return count_grade(s, VIEW_ANSWER_CORRECT);
}

int view_quiz_skipped(const ViewState *s)
{
    return count_grade(s, VIEW_ANSWER_SKIPPED);
}

int view_quiz_total(const ViewState *s)
{
    return s->quiz_ready ? s->quiz_n : 0;
}

/* ---- answering ---- */

void view_quiz_open(ViewState *s)
{
    int k = quiz_step(s);
    if (k < 0) {
        view_say(s, MSG_NOTICE, WORD_MSG_Q_NONE);
        return;
    }
    fetch(s, k);
    if (s->quiz[k].grade != VIEW_ANSWER_NONE)
        view_say(s, MSG_NOTICE, WORD_MSG_Q_DONE);
    else if (s->question.unavailable[0])
        view_say(s, MSG_ERROR, WORD_Q_UNAVAILABLE, s->question.unavailable);
    else
        prompt_open(s, k);
}

void view_quiz_hint(ViewState *s)
{
    int k = quiz_step(s);
    if (k < 0) {
        view_say(s, MSG_NOTICE, WORD_MSG_Q_NONE);
        return;
    }
    fetch(s, k);
    if (!s->question.hint || !s->question.hint[0]) {
        view_say(s, MSG_NOTICE, WORD_MSG_Q_NO_HINT);
        return;
    }
    s->quiz[k].hint = true;
}

void view_quiz_skip(ViewState *s)
{
    int k = quiz_step(s);
    if (k < 0) {
        view_say(s, MSG_NOTICE, WORD_MSG_Q_NONE);
        return;
    }
    if (s->quiz[k].grade != VIEW_ANSWER_NONE) {
        view_say(s, MSG_NOTICE, WORD_MSG_Q_DONE);
        return;
    }
    fetch(s, k);
    s->quiz[k].grade = VIEW_ANSWER_SKIPPED;
    s->quiz[k].said[0] = '\0';
    s->asking = false;
    s->narr_top = 0;
    view_say(s, MSG_NOTICE, WORD_MSG_Q_SKIPPED, s->question.expected);
}

/* Grade `typed` (CHOOSE: the selected choice's letter when NULL). */
static void quiz_answer(ViewState *s, const char *typed)
{
    int k = quiz_step(s);
    if (k < 0) {
        s->asking = false;
        view_say(s, MSG_NOTICE, WORD_MSG_Q_NONE);
        return;
    }
    if (s->quiz[k].grade != VIEW_ANSWER_NONE) {
        s->asking = false;
        view_say(s, MSG_NOTICE, WORD_MSG_Q_DONE);
        return;
    }
    fetch(s, k);
    char letter[VIEW_Q_LABEL];
    if (!typed) {  /* the choice selected: its letter (a label may appear twice in a sentence) */
        if (s->question.n_choices == 0)
            typed = "";
        else if (s->choice < 26)
            snprintf(letter, sizeof letter, "%c", 'a' + s->choice);
        else
            snprintf(letter, sizeof letter, "%s", s->question.choice[s->choice]);
        if (s->question.n_choices > 0)
            typed = letter;
    }
    ViewAnswer a;
    memset(&a, 0, sizeof a);
    a.grade = VIEW_ANSWER_UNREADABLE;
    s->narration.answer(s->narration.ctx, k, typed, s->lang, &a);
    a.said[sizeof a.said - 1] = a.why[sizeof a.why - 1] = '\0';
    a.expected[sizeof a.expected - 1] = a.changes[sizeof a.changes - 1] = '\0';
    if (a.expected[0])  /* measured just now: the freshest words */
        snprintf(s->question.expected, sizeof s->question.expected, "%s", a.expected);
    if (a.changes[0])
        snprintf(s->question.changes, sizeof s->question.changes, "%s", a.changes);
    switch (a.grade) {
    case VIEW_ANSWER_SKIPPED: view_quiz_skip(s); return;
    case VIEW_ANSWER_CORRECT:
    case VIEW_ANSWER_WRONG:
        s->quiz[k].grade = a.grade;
        snprintf(s->quiz[k].said, sizeof s->quiz[k].said, "%s", a.said[0] ? a.said : typed);
        s->asking = false;
        s->narr_top = 0;
        if (a.grade == VIEW_ANSWER_CORRECT)
            view_say(s, MSG_NOTICE, WORD_MSG_Q_RIGHT, s->question.expected);
        else
            view_say(s, MSG_ERROR, WORD_MSG_Q_WRONG, s->quiz[k].said, s->question.expected);
        return;
    default:  /* unreadable: say why, and ask again */
        view_say(s, MSG_ERROR, WORD_MSG_Q_UNREADABLE, a.why[0] ? a.why : "?");
        return;
    }
}

static void choose_key(ViewState *s, int ch)
{
    int n = s->question.n_choices;
    if (n <= 0)
        return;
    switch (ch) {
    case KEY_LEFT:
    case KEY_UP: s->choice = (s->choice + n - 1) % n; return;
    case KEY_RIGHT:
    case KEY_DOWN:
    case '\t': s->choice = (s->choice + 1) % n; return;
    case KEY_HOME: s->choice = 0; return;
    case KEY_END: s->choice = n - 1; return;
    }
    if (ch >= 'a' && ch <= 'z' && ch - 'a' < n) {
        s->choice = ch - 'a';
        return;
    }
    if (ch >= 0x20 && ch < 0x7F)
        view_say(s, MSG_NOTICE, WORD_Q_HOW_CHOOSE);
}

static void typed_key(ViewState *s, int ch)
{
    if (!view_lineedit_key(&s->answer, ch))
        view_say(s, MSG_NOTICE, WORD_MSG_TOO_LONG);
}

/* The walk's own keys at an open prompt: N / P leave the step with the
 * question unanswered (the numbers stay hidden), unless the student has
 * begun typing an answer, where they are letters. In presentation mode
 * the presenter's "next" (N, →, Space, PgDn) on an untouched prompt
 * shows the answer, as a skip does, so the class sees it before the next
 * step; "back" leaves. True when the key was taken. */
static bool walk_key(ViewState *s, int ch)
{
    const bool untouched = s->question.kind == VIEW_Q_CHOOSE || s->answer.len == 0;
    if (!untouched)
        return false;
    const bool next = ch == 'N' || (s->present && (ch == KEY_RIGHT || ch == ' ' || ch == KEY_NPAGE));
    const bool back = ch == 'P' || (s->present && (ch == KEY_LEFT || ch == KEY_BACKSPACE || ch == 127 ||
                                                   ch == 8 || ch == KEY_PPAGE));
    if (next && s->present) {
        view_quiz_skip(s);
        return true;
    }
    if (next || back) {
        s->asking = false;
        view_guide_step(s, next ? 1 : -1);
        return true;
    }
    return false;
}

void view_quiz_key(ViewState *s, int ch)
{
    if (walk_key(s, ch))
        return;
    switch (ch) {
    case ESC:
        s->asking = false;
        view_say(s, MSG_NOTICE, WORD_MSG_Q_LATER);
        return;
    case KEY_CTRL('t'): view_quiz_hint(s); return;
    case KEY_CTRL('x'): view_quiz_skip(s); return;
    case '\n':
    case '\r':
    case KEY_ENTER: quiz_answer(s, s->question.kind == VIEW_Q_CHOOSE ? NULL : s->answer.text); return;
    case KEY_NPAGE: view_narration_scroll(s, 3); return;
    case KEY_PPAGE: view_narration_scroll(s, -3); return;
    }
    if (s->question.kind == VIEW_Q_CHOOSE)
        choose_key(s, ch);
    else
        typed_key(s, ch);
}

void view_quiz_char(ViewState *s, uint32_t cp)
{
    if (s->question.kind != VIEW_Q_CHOOSE && !lineedit_insert(&s->answer, cp))
        view_say(s, MSG_NOTICE, WORD_MSG_TOO_LONG);
}

/* ---- the narration pane ---- */

typedef struct {
    char *buf;
    size_t cap, o;
} Out;

static void add(Out *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(Out *b, const char *fmt, ...)
{
    if (b->o + 1 >= b->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf + b->o, b->cap - b->o, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->o = b->o + (size_t)n < b->cap ? b->o + (size_t)n : b->cap - 1;
}

/* A word of words.h, formatted, then a blank line. */
static void add_word(Out *b, ViewLang g, Word w, const char *arg)
{
    char line[1024];
    view_format(line, sizeof line, g, w, arg);
    add(b, "%s\n\n", line);
}

const char *view_quiz_narration(const ViewState *s, const char *narration)
{
    static char text[32768];
    int k = quiz_step(s);
    if (k < 0 || s->question_step != k)
        return NULL;
    const ViewQuestion *q = &s->question;
    ViewLang g = s->lang;
    Out b = {text, sizeof text, 0};
    text[0] = '\0';
    int number = 0;
    for (int i = 0; i <= k; i++)
        number += s->quiz_has[i];
    char heading[160];
    view_format(heading, sizeof heading, g, WORD_Q_HEADING, number, s->quiz_n);
    ViewAnswerGrade grade = s->quiz[k].grade;
    if (q->unavailable[0]) {
        add(&b, "**%s**\n\n", heading);
        add_word(&b, g, WORD_Q_UNAVAILABLE, q->unavailable);
    } else if (grade == VIEW_ANSWER_NONE) {
        add(&b, "**%s**\n\n%s\n\n", heading, q->text);
        for (int i = 0; i < q->n_choices && q->kind != VIEW_Q_CHOOSE; i++)
            add(&b, "- %c) %s%s%s\n", i < 26 ? 'a' + i : '*', q->choice[i], q->detail[i][0] ? ": " : "",
                q->detail[i]);
        if (q->n_choices > 0 && q->kind != VIEW_Q_CHOOSE)
            add(&b, "\n");
        Word how = q->kind == VIEW_Q_CHOOSE   ? WORD_Q_HOW_CHOOSE
                   : q->kind == VIEW_Q_NUMBER ? WORD_Q_HOW_NUMBER
                   : q->kind == VIEW_Q_ORDER  ? WORD_Q_HOW_ORDER
                                              : WORD_Q_HOW_SWITCH;
        add(&b, "*%s %s*\n\n", view_word(g, how), view_word(g, WORD_Q_ANSWER_FIRST));
        if (s->quiz[k].hint && q->hint && q->hint[0])
            add_word(&b, g, WORD_Q_HINT, q->hint);
        return text;  /* the step's narration comes with the answer */
    } else {
        Word verdict = grade == VIEW_ANSWER_CORRECT ? WORD_Q_RIGHT : grade == VIEW_ANSWER_WRONG ? WORD_Q_WRONG
                                                                                                : WORD_Q_SKIPPED;
        add(&b, "**%s \xe2\x80\x94 %s**\n\n%s\n\n", heading, view_word(g, verdict), q->text);
        char said[256] = "", expected[512];
        if (grade != VIEW_ANSWER_SKIPPED && s->quiz[k].said[0])
            view_format(said, sizeof said, g, WORD_Q_YOU_SAID, s->quiz[k].said);
        view_format(expected, sizeof expected, g, WORD_Q_EXPECTED, q->expected[0] ? q->expected : "?");
        add(&b, "%s%s%s\n\n", said, said[0] && g == VIEW_LANG_EN ? " " : "", expected);
        if (q->changes[0])
            add_word(&b, g, WORD_Q_CHANGES, q->changes);
        if (q->explanation && q->explanation[0])
            add(&b, "**%s**\n\n%s\n\n", view_word(g, WORD_Q_WHY), q->explanation);
    }
    if (narration && narration[0])
        add(&b, "%s", narration);
    while (b.o > 0 && text[b.o - 1] == '\n')
        text[--b.o] = '\0';
    return text;
}

/* ---- action lines ---- */

int view_action_key(const char *line, size_t len)
{
    static const char *const verbs[] = {"try", "\xe8\xaf\x95\xe8\xaf\x95"};  /* 试试 */
    size_t i = 0;
    if (len < 1 || line[0] != '>')
        return 0;
    for (i = 1; i < len && line[i] == ' '; i++)
        ;
    size_t v;
    for (v = 0; v < 2; v++) {
        size_t n = strlen(verbs[v]);
        if (i + n <= len && strncmp(line + i, verbs[v], n) == 0) {
            i += n;
            break;
        }
    }
    if (v == 2)
        return 0;
    size_t spaces = i;
    while (i < len && line[i] == ' ')
        i++;
    if (v == 0 && i == spaces)  /* "tryM" is a word, not an action */
        return 0;
    if (i >= len || line[i] <= ' ' || line[i] >= 0x7F)
        return 0;
    int key = line[i++];
    while (i < len && line[i] == ' ')
        i++;
    if (i < len && line[i] == ':')
        return key;
    if (i + 3 <= len && strncmp(line + i, "\xef\xbc\x9a", 3) == 0)  /* ： */
        return key;
    return 0;
}

void view_action_pressed(ViewState *s, int ch)
{
    if (!s->guide_on || s->guide_step < 0 || s->guide_step >= s->n_guide || ch <= ' ' || ch >= 0x7F)
        return;
    char *done = s->actions[s->guide_step];
    size_t n = strlen(done);
    if (!strchr(done, ch) && n + 1 < sizeof s->actions[0]) {
        done[n] = (char)ch;
        done[n + 1] = '\0';
    }
}

bool view_action_done(const ViewState *s, int key)
{
    if (!s->guide_on || s->guide_step < 0 || s->guide_step >= s->n_guide || key <= ' ' || key >= 0x7F)
        return false;
    return strchr(s->actions[s->guide_step], key) != NULL;
}
