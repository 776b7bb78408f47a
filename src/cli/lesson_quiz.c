/* lesson_quiz.c — a lesson's questions on the command line (lesson_quiz.h):
 * `lesson N --answers FILE` grades a file of answers, `lesson N --quiz`
 * asks line by line. Both measure every expected answer first
 * (lesson_question_ask), so a question that cannot be measured stops the
 * quiz before the first one is asked. */
#define _POSIX_C_SOURCE 200809L
#include "cli/lesson_quiz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "text/printable.h"
#include "view/words.h"

/* The quiz's own words, English and Chinese. */
typedef enum {
    Q_HEADER,     /* question %d of %d · step */
    Q_ANSWER,     /* "answer: " */
    Q_CORRECT,
    Q_WRONG,      /* "wrong: expected " */
    Q_SKIPPED,    /* "skipped: expected " */
    Q_EXPECTED,   /* " (expected " */
    Q_WITHIN,     /* " ± " */
    Q_DIFFERS,    /* "with %s the answer differs" */
    Q_SCORE,      /* score: %d of %d */
    Q_SCORE_SKIP, /* " (%d skipped)" */
    Q_PROMPT,
    Q_PROMPT_NUMBER,
    Q_PROMPT_ORDER_ASC,
    Q_PROMPT_ORDER_DESC,
    Q_PROMPT_SWITCH,
    Q_HINT,
    Q_NO_HINT,
    Q_AGAIN,
    Q_EOF,
    Q_EXPLANATION,
    Q_SKIP,       /* the answer "skip", as understood */
    Q_WALK_QUESTION,  /* --walk: before a question's text */
    Q_WALK_ANSWERS,   /* --walk: the heading of the answers, after the claims */
    Q_WALK_UNMEASURED,  /* --walk: a question whose answer cannot be measured: the reason follows */
    Q_COUNT
} QuizWord;

static const char *const quiz_words[Q_COUNT][2] = {
    [Q_HEADER] = {"question %d of %d · step ", "问题 %d / %d · 步骤 "},
    [Q_ANSWER] = {"answer: ", "回答："},
    [Q_CORRECT] = {"correct", "正确"},
    [Q_WRONG] = {"wrong: expected ", "错误：应为 "},
    [Q_SKIPPED] = {"skipped: expected ", "跳过：应为 "},
    [Q_EXPECTED] = {" (expected ", "（应为 "},
    [Q_WITHIN] = {" within ", "，误差不超过 "},
    [Q_DIFFERS] = {"with %s the answer differs", "加上 %s 时答案不同"},
    [Q_SCORE] = {"score: %d of %d", "得分：%d / %d"},
    [Q_SCORE_SKIP] = {" (%d skipped)", "（跳过 %d 题）"},
    [Q_PROMPT] = {"your answer (a letter or a label; %s hint, s skip): ", "你的回答（字母或选项；%s 提示，s 跳过）："},
    [Q_PROMPT_NUMBER] = {"your answer (a number; %s hint, s skip): ", "你的回答（一个数；%s 提示，s 跳过）："},
    [Q_PROMPT_ORDER_ASC] = {"your order, smallest first (letters or labels, e.g. c a b; %s hint, s skip): ",
                            "你的排序，从小到大（字母或选项，如 c a b；%s 提示，s 跳过）："},
    [Q_PROMPT_ORDER_DESC] = {"your order, largest first (letters or labels, e.g. c a b; %s hint, s skip): ",
                             "你的排序，从大到小（字母或选项，如 c a b；%s 提示，s 跳过）："},
    [Q_PROMPT_SWITCH] = {"the claims that fail (letters or IDs, or none; %s hint, s skip): ",
                         "会失败的结论（字母或 ID，或 none；%s 提示，s 跳过）："},
    [Q_HINT] = {"hint: ", "提示："},
    [Q_NO_HINT] = {"(no hint)", "（没有提示）"},
    [Q_AGAIN] = {"cannot read that: ", "看不懂这个回答："},
    [Q_EOF] = {"(end of input: the remaining questions are skipped)", "（输入结束：其余问题跳过）"},
    [Q_EXPLANATION] = {"why: ", "为什么："},
    [Q_SKIP] = {"skip", "跳过"},
    [Q_WALK_QUESTION] = {"Question: ", "问题："},
    [Q_WALK_ANSWERS] = {"── the answers to the questions:", "── 问题的答案："},
    [Q_WALK_UNMEASURED] = {"(cannot be measured: ", "（无法测量："},
};

static const char *w(const char *lang, QuizWord q)
{
    return quiz_words[q][lang && strcmp(lang, "zh") == 0 ? 1 : 0];
}

/* Print word q of lang, formatted with the arguments its comment names. */
static void say(const char *lang, QuizWord q, ...)
{
    va_list ap;
    va_start(ap, q);
    vprintf(w(lang, q), ap);
    va_end(ap);
}

/* The same for a word of the viewer's table (view/words.h). */
static void say_view(const char *lang, Word word, ...)
{
    va_list ap;
    va_start(ap, word);
    vprintf(view_word(view_lang(lang), word), ap);
    va_end(ap);
}

static void put(const char *s)
{
    printable_fputs(s, stdout, false);
}

static void put_lines(const char *s)
{
    printable_fputs(s, stdout, true);
}

/* The first line of s. */
static void put_first_line(const char *s)
{
    char line[512];
    size_t n = strcspn(s, "\n");
    if (n >= sizeof line)
        n = sizeof line - 1;
    memcpy(line, s, n);
    line[n] = '\0';
    put(line);
}

/* Every question measured on the traces: *asked (malloc'd, n entries). */
static int ask_all(const Lesson *l, const LessonTraces *t, const LessonOverrides *o, const char *work_dir,
                   const char *lang, QuestionAsked **asked)
{
    const int n = lesson_question_count(l);
    *asked = calloc((size_t)(n ? n : 1), sizeof **asked);
    if (!*asked) {
        fputs("traceformer: out of memory\n", stderr);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        Error err = {0};
        Status st = lesson_question_ask(l, i, t, o, work_dir, lang, &(*asked)[i], &err);
        if (st) {
            free(*asked);
            *asked = NULL;
            return cli_report(&err, st);
        }
    }
    return 0;
}

/* "lesson 7: its title", as --check begins. */
static void print_title(const Lesson *l, const char *lang)
{
    say_view(lang, WORD_CHECK_TITLE, lesson_number(l));
    put(lesson_title(l, lang));
    putchar('\n');
}

static void print_header(const Lesson *l, int i, const char *lang)
{
    say(lang, Q_HEADER, i + 1, lesson_question_count(l));
    put(lesson_step(l, lesson_question(l, i)->step)->key);
    putchar('\n');
}

static void print_expected(const QuestionAsked *q, const LessonQuestion *lq, const char *lang)
{
    put(q->expected_text);
    if (lq->kind == QUESTION_NUMBER)
        printf("%s%g", w(lang, Q_WITHIN), q->within);
}

/* correct / wrong / skipped with the expected answer, and the switches
 * under which it differs. */
static void print_verdict(const Lesson *l, int i, const QuestionAsked *q, AnswerGrade g, const char *lang)
{
    const LessonQuestion *lq = lesson_question(l, i);
    fputs("  ", stdout);
    if (g == ANSWER_CORRECT) {
        fputs(w(lang, Q_CORRECT), stdout);
        fputs(w(lang, Q_EXPECTED), stdout);
        print_expected(q, lq, lang);
        fputs(strcmp(lang, "zh") == 0 ? "）" : ")", stdout);
    } else {
        fputs(w(lang, g == ANSWER_SKIPPED ? Q_SKIPPED : Q_WRONG), stdout);
        print_expected(q, lq, lang);
    }
    putchar('\n');
    if (q->changes[0]) {
        fputs("  (", stdout);
        say(lang, Q_DIFFERS, q->changes);
        fputs(")\n", stdout);
    }
}

static void print_score(int right, int n, int skipped, const char *lang)
{
    say(lang, Q_SCORE, right, n);
    if (skipped)
        say(lang, Q_SCORE_SKIP, skipped);
    putchar('\n');
}

/* ---- --answers FILE ---- */

typedef struct {
    char text[1024];
    int line;
} AnswerLine;

__attribute__((format(printf, 3, 4)))
static int bad_file(const char *path, int line, const char *fmt, ...)
{
    fprintf(stderr, "traceformer: ");
    printable_fputs(path, stderr, false);
    if (line)
        fprintf(stderr, ":%d: ", line);
    else
        fputs(": ", stderr);
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printable_fputs(msg, stderr, false);
    fputc('\n', stderr);
    return 2;
}

static int read_answers(const char *path, int n_questions, AnswerLine *out, int *n)
{
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return bad_file(path, 0, "cannot open: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        const char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (strlen(s) >= sizeof out[0].text) {
            rc = bad_file(path, lineno, "an answer longer than 1023 bytes");
            break;
        }
        if (*n == n_questions) {
            rc = bad_file(path, lineno, "more answers than the lesson's %d question%s", n_questions,
                          n_questions == 1 ? "" : "s");
            break;
        }
        snprintf(out[*n].text, sizeof out[0].text, "%s", s);
        out[(*n)++].line = lineno;
    }
    if (rc == 0 && ferror(f))
        rc = bad_file(path, 0, "cannot read: %s", strerror(errno));
    free(line);
    fclose(f);
    return rc;
}

int lesson_quiz_answers(const Lesson *l, const LessonTraces *t, const LessonOverrides *o, const char *work_dir,
                        const char *lang, const char *path)
{
    const int n = lesson_question_count(l);
    AnswerLine *lines = calloc((size_t)(n ? n : 1), sizeof *lines);
    if (!lines) {
        fputs("traceformer: out of memory\n", stderr);
        return 1;
    }
    int n_lines;
    int rc = read_answers(path, n, lines, &n_lines);
    QuestionAsked *asked = NULL;
    if (rc == 0)
        rc = ask_all(l, t, o, work_dir, lang, &asked);
    AnswerGrade grade[LESSON_MAX_QUESTIONS];
    char said[LESSON_MAX_QUESTIONS][512];
    /* every answer read before anything is printed: a bad line is bad input */
    for (int i = 0; rc == 0 && i < n; i++) {
        char why[512];
        grade[i] = lesson_question_grade(l, i, &asked[i], i < n_lines ? lines[i].text : "skip", said[i],
                                         sizeof said[i], why, sizeof why);
        if (grade[i] == ANSWER_UNREADABLE) {
            rc = bad_file(path, lines[i].line, "question %d: %s", i + 1, why);
        }
    }
    int right = 0, skipped = 0;
    if (rc == 0)
        print_title(l, lang);
    for (int i = 0; rc == 0 && i < n; i++) {
        print_header(l, i, lang);
        fputs("  ", stdout);
        const char *text = lesson_question_text(l, i, lang);
        put_first_line(text ? text : "");
        putchar('\n');
        fputs("  ", stdout);
        fputs(w(lang, Q_ANSWER), stdout);
        put(grade[i] == ANSWER_SKIPPED ? w(lang, Q_SKIP) : said[i]);
        putchar('\n');
        print_verdict(l, i, &asked[i], grade[i], lang);
        right += grade[i] == ANSWER_CORRECT;
        skipped += grade[i] == ANSWER_SKIPPED;
    }
    if (rc == 0)
        print_score(right, n, skipped, lang);
    free(asked);
    free(lines);
    return rc;
}

/* ---- --quiz ---- */

/* The choices with their letters; a switch question's are claims, shown
 * with their sentences (claims: lesson_check's results, or NULL). */
static void print_choices(const Lesson *l, const QuestionAsked *q, const LessonQuestion *lq, const ClaimResult *claims,
                          const char *lang)
{
    const bool zh = strcmp(lang, "zh") == 0;
    for (int k = 0; k < q->n_choices; k++) {
        if (k < 26)
            printf("  %c) ", 'a' + k);
        else
            fputs("     ", stdout);
        put(q->choice[k]);
        for (int c = 0; claims && lq->kind == QUESTION_SWITCH && c < lesson_claim_count(l); c++)
            if (!claims[c].fact && strcmp(claims[c].id, q->choice[k]) == 0) {
                fputs(" — ", stdout);
                put(zh && claims[c].text_zh[0] ? claims[c].text_zh : claims[c].text);
            }
        putchar('\n');
    }
}

static QuizWord prompt_for(const QuestionAsked *q, const LessonQuestion *lq)
{
    switch (lq->kind) {
    case QUESTION_NUMBER:
        return Q_PROMPT_NUMBER;
    case QUESTION_ORDER:  /* the expected order says which way it runs */
        return q->n_choices > 1 &&
                       q->value[q->expected_order[0]] > q->value[q->expected_order[q->n_choices - 1]]
                   ? Q_PROMPT_ORDER_DESC
                   : Q_PROMPT_ORDER_ASC;
    case QUESTION_SWITCH:
        return Q_PROMPT_SWITCH;
    default:
        return Q_PROMPT;
    }
}

int lesson_quiz_ask(const Lesson *l, const LessonTraces *t, const LessonOverrides *o, const char *work_dir,
                    const char *lang, FILE *in)
{
    QuestionAsked *asked;
    int rc = ask_all(l, t, o, work_dir, lang, &asked);
    if (rc)
        return rc;
    const int n = lesson_question_count(l);
    ClaimResult *claims = NULL;
    int failed;
    Error err = {0};
    if (lesson_check(l, t, &claims, &failed, &err) != TF_OK)
        claims = NULL;  /* the choices are shown by ID alone */
    int right = 0, skipped = 0;
    bool eof = false;
    const bool echo_off = isatty(fileno(in));  /* a terminal shows what is typed */
    print_title(l, lang);
    char *line = NULL;
    size_t cap = 0;
    /* asked as the student meets them, step by step */
    for (int step = 0; step < lesson_step_count(l); step++) {
        const int i = lesson_question_at_step(l, step);
        if (i < 0)
            continue;
        const QuestionAsked *q = &asked[i];
        const LessonQuestion *lq = lesson_question(l, i);
        if (eof) {
            skipped++;
            continue;
        }
        putchar('\n');
        print_header(l, i, lang);
        const char *text = lesson_question_text(l, i, lang);
        if (text) {
            put_lines(text);
            putchar('\n');
        }
        print_choices(l, q, lq, claims, lang);
        AnswerGrade g;
        char said[512], why[512];
        for (;;) {
            /* h asks for the hint, unless h is a choice's letter: then ? does */
            const char *hint_key = q->n_choices >= 8 ? "?" : "h";
            say(lang, prompt_for(q, lq), hint_key);
            fflush(stdout);
            ssize_t len = getline(&line, &cap, in);
            if (len < 0) {
                putchar('\n');
                eof = true;
                g = ANSWER_SKIPPED;
                break;
            }
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                line[--len] = '\0';
            if (!echo_off)  /* from a pipe: the answer is shown as if typed */
                printf("%s\n", line);
            const char *s = line;
            while (*s == ' ' || *s == '\t')
                s++;
            if (strcmp(s, hint_key) == 0 || strcmp(s, "?") == 0) {
                const char *hint = lesson_question_hint(l, i, lang);
                fputs(w(lang, Q_HINT), stdout);
                if (hint)
                    put_lines(hint);
                else
                    fputs(w(lang, Q_NO_HINT), stdout);
                putchar('\n');
                continue;
            }
            g = lesson_question_grade(l, i, q, s, said, sizeof said, why, sizeof why);
            if (g != ANSWER_UNREADABLE)
                break;
            fputs(w(lang, Q_AGAIN), stdout);
            put(why);
            putchar('\n');
        }
        print_verdict(l, i, q, g, lang);
        const char *expl = lesson_question_explanation(l, i, lang);
        if (expl) {
            fputs(w(lang, Q_EXPLANATION), stdout);
            put_lines(expl);
            putchar('\n');
        }
        right += g == ANSWER_CORRECT;
        skipped += g == ANSWER_SKIPPED;
        if (eof)
            puts(w(lang, Q_EOF));
    }
    putchar('\n');
    print_score(right, n, skipped, lang);
    free(line);
    free(claims);
    free(asked);
    return 0;
}

/* ---- the questions in the walk (--walk) ---- */

struct QuizWalk {
    QuestionAsked *asked;   /* (n questions) */
    char (*why)[512];       /* "" when measured, else why not */
    ClaimResult *claims;    /* a switch question's choices are shown with their sentences; NULL: by ID */
};

QuizWalk *lesson_quiz_walk_open(const Lesson *l, const LessonTraces *t, const LessonOverrides *o,
                                const char *work_dir, const char *lang)
{
    const int n = lesson_question_count(l);
    QuizWalk *qw = calloc(1, sizeof *qw);
    if (!qw)
        return NULL;
    qw->asked = calloc((size_t)(n ? n : 1), sizeof *qw->asked);
    qw->why = calloc((size_t)(n ? n : 1), sizeof *qw->why);
    if (!qw->asked || !qw->why) {
        lesson_quiz_walk_close(qw);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        Error err = {0};
        if (lesson_question_ask(l, i, t, o, work_dir, lang, &qw->asked[i], &err) != TF_OK)
            snprintf(qw->why[i], sizeof qw->why[i], "%.500s", err.msg[0] ? err.msg : "?");
    }
    int failed;
    Error err = {0};
    if (n && lesson_check(l, t, &qw->claims, &failed, &err) != TF_OK)
        qw->claims = NULL;
    return qw;
}

void lesson_quiz_walk_close(QuizWalk *qw)
{
    if (!qw)
        return;
    free(qw->asked);
    free(qw->why);
    free(qw->claims);
    free(qw);
}

void lesson_quiz_walk_question(const Lesson *l, const QuizWalk *qw, int step, const char *lang)
{
    const int i = lesson_question_at_step(l, step);
    if (!qw || i < 0)
        return;
    putchar('\n');
    fputs(w(lang, Q_WALK_QUESTION), stdout);
    const char *text = lesson_question_text(l, i, lang);
    if (text)
        put_lines(text);
    putchar('\n');
    if (qw->why[i][0]) {
        fputs("  ", stdout);
        fputs(w(lang, Q_WALK_UNMEASURED), stdout);
        put(qw->why[i]);
        fputs(strcmp(lang, "zh") == 0 ? "）\n" : ")\n", stdout);
        return;
    }
    print_choices(l, &qw->asked[i], lesson_question(l, i), qw->claims, lang);
}

void lesson_quiz_walk_answers(const Lesson *l, const QuizWalk *qw, const char *lang)
{
    if (!qw || lesson_question_count(l) == 0)
        return;
    printf("\n%s\n", w(lang, Q_WALK_ANSWERS));
    for (int step = 0; step < lesson_step_count(l); step++) {
        const int i = lesson_question_at_step(l, step);
        if (i < 0)
            continue;
        const QuestionAsked *q = &qw->asked[i];
        const LessonQuestion *lq = lesson_question(l, i);
        putchar('\n');
        print_header(l, i, lang);
        const char *text = lesson_question_text(l, i, lang);
        if (text) {
            fputs("  ", stdout);
            put_first_line(text);
            putchar('\n');
        }
        fputs("  ", stdout);
        fputs(w(lang, Q_ANSWER), stdout);
        if (qw->why[i][0]) {
            fputs(w(lang, Q_WALK_UNMEASURED), stdout);
            put(qw->why[i]);
            fputs(strcmp(lang, "zh") == 0 ? "）" : ")", stdout);
        } else {
            print_expected(q, lq, lang);
        }
        putchar('\n');
        if (!qw->why[i][0] && q->changes[0]) {
            fputs("  (", stdout);
            say(lang, Q_DIFFERS, q->changes);
            fputs(")\n", stdout);
        }
        const char *expl = lesson_question_explanation(l, i, lang);
        if (expl) {
            fputs("  ", stdout);
            fputs(w(lang, Q_EXPLANATION), stdout);
            put_lines(expl);
            putchar('\n');
        }
    }
}
