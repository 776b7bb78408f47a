/* cmd_lesson.c — `traceformer lesson`: list, check, plot and walk through
 * the lessons in lessons/NN-slug/ (src/lesson does the work). */
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/breaks_matrix.h"
#include "cli/cli_options.h"
#include "cli/cli_output.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "cli/lesson_handout.h"
#include "cli/lesson_quiz.h"
#include "cli/lesson_view.h"
#include "cli/paths.h"
#include "io/scratch_dir.h"
#include "io/staged_dir.h"
#include "lesson/lesson.h"
#include "lesson/switches.h"
#include "trace/trace.h"
#include "text/printable.h"
#include "view/words.h"

typedef struct {
    const char *which, *lang, *plot_dir, *format, *traces, *handout, *answers;
    const char *sw[SWITCH_COUNT];  /* each switch's value as given, or NULL (lesson/switches.h) */
    bool list, check, walk, breaks, quiz, present;
    LessonOverrides o;
} LessonArgs;

#define AT(field) offsetof(LessonArgs, field)
static const CliOption options[] = {
    CLI_SWITCH("list", 0, "the lessons, by number", AT(list)),
    CLI_TEXT("  (no action)      in a terminal: open the viewer at the first step, with the\n"
             "                   narration beside each matrix; otherwise (or with --walk)\n"
             "                   print the walk-through: every step, its note, its\n"
             "                   narration, then the claims checked"),
    CLI_SWITCH("walk", 0, "print the walk-through even in a terminal", AT(walk)),
    CLI_SWITCH("present", 0,
               "open the viewer in presentation mode, for a projector:\n"
               "the step's note as a heading, the matrix large, the\n"
               "narration beneath; N / P (or a remote's arrows, Space,\n"
               "Backspace, PgDn, PgUp) walk the lesson; f toggles it", AT(present)),
    CLI_VALUE("lang", 0, "en|zh", "narration in English (default) or simplified Chinese", AT(lang)),
    CLI_SWITCH("check", 0,
               "run the lesson on fresh traces and check every claim:\n"
               "PASS or FAIL with the measured value; exit 1 if any fails", AT(check)),
    CLI_SWITCH("breaks", 0,
               "check every claim under every switch and print the\n"
               "matrix (claim x switch: holds / FAILS / error), marking\n"
               "each cell that is not as the claim declares (breaks =);\n"
               "exit 1 if any is not", AT(breaks)),
    CLI_SWITCH("quiz", 0,
               "ask the lesson's questions on the terminal (or a pipe),\n"
               "one a line: choices by letter or label, h a hint, s or an\n"
               "empty line skips; after each, the expected answer and why;\n"
               "at the end the score", AT(quiz)),
    CLI_VALUE("answers", 0, "FILE",
              "grade the answers in FILE, one a line in question order\n"
              "(# comments and blank lines left out; skip or - skips;\n"
              "missing lines skip the rest): each question, the answer,\n"
              "correct or wrong with the expected one, then 'score: K of\n"
              "N'; exit 0 whatever the score, 2 for a bad FILE:LINE", AT(answers)),
    CLI_VALUE("plot", 0, "DIR",
              "render the lesson's figures into DIR (runs other than\n"
              "main into DIR/RUN) and print each path; all or none:\n"
              "figures of the same name are replaced, other files kept", AT(plot_dir)),
    CLI_VALUE("format", 0, "F", "png (default), svg or pdf", AT(format)),
    CLI_VALUE("handout", 0, "FILE.pdf",
              "write the whole lesson as one PDF to print: a title page,\n"
              "a page per step (note, figure, narration), the lesson's\n"
              "figures, the claims as measured, the questions and, last,\n"
              "the answers (in --lang; with the changes given)", AT(handout)),
    CLI_VALUE("traces", 0, "DIR",
              "keep the lesson's traces in DIR (RUN.trace each) instead\n"
              "of a temporary directory", AT(traces)),
    CLI_TEXT("changes, as a student makes them (then --check shows which claims break):\n"
             "  --src TEXT  --tgt TEXT   another source / target sentence for the main run\n"
             "                   (and for every run that does not set its own)\n"
             "  --causal-mask on|off  --padding-mask on|off  --residual on|off\n"
             "  --positions KIND  --scale on|off  --attn-temperature T\n"
             "  --ablate-head SPEC[,SPEC...]   (enc.L.H, dec.L.self.H, dec.L.cross.H)\n"
             "  --heads N  --norm pre|post\n"
             "                   for every run that does not set that key itself\n"
             "                   (--heads, --norm: in a lesson with runs that make their\n"
             "                   own weights, only those, not a trained file's runs)\n"
             "  --cache on|off   the KV cache of every generating run (wins over the run's)\n"
             "  --warmup N       the learning-rate warm-up of every training run (train = TASK)\n"
             "                   that does not set train_warmup"),
    CLI_VALUE("src", 0, "TEXT", NULL, AT(o.src)),
    CLI_VALUE("tgt", 0, "TEXT", NULL, AT(o.tgt)),
#define SWITCH_OPTION(id, name, values, ...) CLI_VALUE(name, 0, values, NULL, AT(sw[SWITCH_##id])),
    SWITCHES(SWITCH_OPTION)
#undef SWITCH_OPTION
};
#undef AT

/* N: one lesson at a time. */
static int take_lesson(void *args, const char *arg);

static const CliCommand command = {
    .name = "lesson",
    .usage =
        "usage: traceformer lesson --list [--lang zh]\n"
        "       traceformer lesson N [--lang en|zh]          walk through lesson N\n"
        "       traceformer lesson N --present [--lang zh]   presentation mode\n"
        "       traceformer lesson N --check [--traces DIR]  check its claims\n"
        "       traceformer lesson N --breaks                which switch breaks which claim\n"
        "       traceformer lesson N --plot DIR [--format png|svg|pdf]\n"
        "       traceformer lesson N --handout FILE.pdf      the lesson as a PDF\n"
        "       traceformer lesson N --quiz | --answers FILE  its questions\n"
        "\n"
        "A lesson is a guided walk through real traces: a model and an input, the\n"
        "steps that matter in order with narration beside each, its figures, and\n"
        "a few claims about its own numbers that the program checks. N is the\n"
        "lesson's number (1), its slug (self-attention) or both (01-self-attention).\n"
        "\n",
    .epilog =
        "\n"
        "Lessons live in lessons/NN-slug/ (lesson.ini, lesson.md, lesson.zh.md);\n"
        "lessons/README.md describes the format and the claim language.\n"
        "exit codes: 0 success, 1 a claim failed or a runtime failure, 2 bad usage\n"
        "or a bad lesson (the message names the file and line)\n",
    .options = options,
    .n_options = sizeof options / sizeof *options,
    .column = 19,
    .usage_in_errors = true,
    .positional = take_lesson,
};

static int take_lesson(void *args, const char *arg)
{
    LessonArgs *a = args;
    if (a->which)
        return cli_usage_error("lesson", command.usage, "one lesson at a time ('%s' and '%s')", a->which, arg);
    a->which = arg;
    return 0;
}

static int parse_args(int argc, char **argv, LessonArgs *a)
{
    memset(a, 0, sizeof *a);
    a->lang = "en";
    lesson_overrides_init(&a->o);
    int rc = cli_options_parse(&command, argc, argv, a, NULL);
    if (rc)
        return rc;
    for (int i = 0; i < SWITCH_COUNT; i++) {
        Error err;
        if (a->sw[i] && lesson_switch_set(&a->o, i, a->sw[i], &err) != TF_OK)
            return cli_usage_error("lesson", command.usage, "%s", err.msg);
    }
    if (strcmp(a->lang, "en") != 0 && strcmp(a->lang, "zh") != 0)
        return cli_usage_error("lesson", command.usage, "--lang '%s': en or zh", a->lang);
    if (a->list) {
        if (a->which || a->check || a->plot_dir || a->breaks || a->handout || a->quiz || a->answers)
            return cli_usage_error("lesson", command.usage, "--list goes alone");
        return 0;
    }
    if (!a->which)
        return cli_usage_error("lesson", command.usage, "which lesson? (traceformer lesson --list shows them)");
    if ((a->check ? 1 : 0) + (a->plot_dir ? 1 : 0) + (a->breaks ? 1 : 0) + (a->handout ? 1 : 0) +
            (a->quiz ? 1 : 0) + (a->answers ? 1 : 0) > 1)
        return cli_usage_error("lesson", command.usage,
                               "--check, --breaks, --plot, --handout, --quiz or --answers, one at a time");
    if (a->walk && (a->quiz || a->answers))
        return cli_usage_error("lesson", command.usage, "--walk goes without --quiz and --answers");
    if (a->present && (a->check || a->plot_dir || a->breaks || a->walk || a->handout || a->quiz || a->answers))
        return cli_usage_error("lesson", command.usage,
                               "--present opens the viewer: not with --check, --breaks, --plot, --walk, --handout, --quiz or --answers");
    if (a->format && !a->plot_dir)
        return cli_usage_error("lesson", command.usage, "--format goes with --plot DIR");
    if (a->plot_dir && cli_check_output_dir("lesson", "--plot", a->plot_dir))
        return 2;
    if (a->traces && cli_check_output_dir("lesson", "--traces", a->traces))
        return 2;
    if (a->handout) {
        Error err = {0};
        if (lesson_handout_check(a->handout, &err) != TF_OK)
            return cli_report(&err, TF_ERR_INPUT);
    }
    return 0;
}

/* Everything a lesson folder supplies is printed through these: its files
 * are refused at load when they hold a control, bidi or invisible
 * character, and what is not checked at load (a folder's name, the titles
 * --list peeks at) is shown escaped (text/printable.h). */
static void put(const char *s)
{
    printable_fputs(s, stdout, false);
}

/* The same for narration: its newlines and tabs are kept. */
static void put_lines(const char *s)
{
    printable_fputs(s, stdout, true);
}

static int do_list(const LessonArgs *a)
{
    LessonInfo *list;
    int n;
    Error err = {0};
    Status st = lesson_list(paths_data_dir(), &list, &n, &err);
    if (st)
        return cli_report(&err, st);
    for (int i = 0; i < n; i++) {
        const char *t = strcmp(a->lang, "zh") == 0 && list[i].title_zh[0] ? list[i].title_zh : list[i].title;
        char slug[4 * sizeof list[i].slug];
        printf("%2d  %-22s ", list[i].number, printable_copy(slug, sizeof slug, list[i].slug));
        put(t);
        putchar('\n');
    }
    if (n == 0) {
        fputs("no lessons in ", stdout);
        put(paths_data_dir());
        fputs("/lessons\n", stdout);
    }
    lesson_list_free(list);
    return 0;
}

/* A temporary directory for the traces, removed at the end, or when a
 * signal ends the program first (io/scratch_dir.h). */
typedef struct {
    char dir[4096];
    bool temporary;
} TraceDir;

static int trace_dir_open(TraceDir *d, const char *keep)
{
    if (keep) {
        snprintf(d->dir, sizeof d->dir, "%s", keep);
        d->temporary = false;
        return 0;
    }
    if (scratch_dir_make(d->dir, sizeof d->dir, NULL, "traceformer-lesson-", SCRATCH_GUARDED) != 0) {
        perror("traceformer: cannot create a temporary directory");
        return 1;
    }
    d->temporary = true;
    return 0;
}

static void trace_dir_close(TraceDir *d)
{
    if (d->temporary)
        scratch_dir_remove(d->dir);
}

/* Has standard output stopped taking what is printed (the reader of a
 * pipe gone, `lesson 2 | head -5`)? Then there is no point going on. */
static bool output_gone(void)
{
    return ferror(stdout) != 0;
}

/* Is standard output a pipe whose reader has closed it? poll(2) reports
 * POLLERR for such a write end (POLLHUP for a socket shut down), which
 * stays true, unlike errno after the failed write. */
static bool reader_gone(void)
{
    struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/* After the output: 0 when it all went out or its reader stopped reading
 * (head -5 has what it wanted: a quiet, early end); else report and 1. */
static int finish_output(void)
{
    errno = 0;
    const bool flushed = fflush(stdout) == 0;
    const int e = errno;
    if (flushed && !ferror(stdout))
        return 0;
    if (reader_gone())
        return 0;
    fprintf(stderr, "traceformer: cannot write the standard output%s%s\n", !flushed && e ? ": " : "",
            !flushed && e ? strerror(e) : "");
    return 1;
}

/* The walk's and the check's own words come from the viewer's table
 * (view/words.h), so the two say the same thing in each language: print
 * word w of lang, formatted with the arguments its comment names. */
static void say(const char *lang, Word w, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, w);
    vsnprintf(buf, sizeof buf, view_word(view_lang(lang), w), ap);
    va_end(ap);
    fputs(buf, stdout);
}

/* How long the lesson's training runs (train = TASK) took, when it has
 * any: a check that trains says so, since it takes seconds, not
 * milliseconds. */
static void print_training_time(const LessonTraces *t, const char *lang)
{
    if (t->n_trained == 0)
        return;
    if (strcmp(lang, "zh") == 0)
        printf("训练了 %d 个运行，用时 %.1f 秒\n", t->n_trained, t->train_seconds);
    else
        printf("trained %d run%s in %.1f s\n", t->n_trained, t->n_trained == 1 ? "" : "s", t->train_seconds);
}

/* The claims, then the facts apart (sanity checks no switch should break,
 * never counted as claims), each with its verdict and what was measured. */
static int print_claims(const Lesson *l, const LessonTraces *t, const char *lang)
{
    ClaimResult *res;
    int failed;
    Error err = {0};
    Status st = lesson_check(l, t, &res, &failed, &err);
    if (st)
        return cli_report(&err, st);
    bool zh = strcmp(lang, "zh") == 0;
    int n[2] = {0, 0}, held[2] = {0, 0}, skipped[2] = {0, 0};  /* [0] claims, [1] facts */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < lesson_claim_count(l); i++) {
            const ClaimResult *r = &res[i];
            if (r->fact != (pass == 1))
                continue;
            if (pass == 1 && n[1] + skipped[1] == 0) {
                say(lang, WORD_WALK_FACTS);
                putchar('\n');
            }
            say(lang, r->skipped ? WORD_VERDICT_SKIP : r->pass ? WORD_VERDICT_PASS : WORD_VERDICT_FAIL);
            put(zh && r->text_zh[0] ? r->text_zh : r->text);
            putchar('\n');
            say(lang, WORD_VERDICT_INDENT);
            put(r->check);
            putchar('\n');
            say(lang, WORD_VERDICT_INDENT);
            if (r->skipped) {  /* a claim about the lesson's own sentence, on the student's */
                say(lang, WORD_ABOUT_OWN_SENTENCE);
                putchar('\n');
                skipped[pass]++;
                continue;
            }
            n[pass]++;
            held[pass] += r->pass;
            say(lang, WORD_WALK_MEASURED);
            put(r->measured);
            putchar('\n');
        }
        if (skipped[pass])
            say(lang, pass == 0 ? WORD_CLAIMS_HOLD_SKIPPED : WORD_FACTS_HOLD_SKIPPED, held[pass], n[pass],
                skipped[pass]);
        else if (pass == 0 || n[1])
            say(lang, pass == 0 ? WORD_CLAIMS_HOLD : WORD_FACTS_HOLD, held[pass], n[pass]);
        if (skipped[pass] || pass == 0 || n[1])
            putchar('\n');
    }
    free(res);
    return failed ? 1 : 0;
}

/* The images drawn into the staging directory, to print under their final
 * names once they are in place. */
typedef struct {
    const char *stage, *target;
    char *text;  /* final paths, one a line */
    size_t len;
    bool failed;
} Plotted;

static void note_plotted(void *ctx, const LessonFigure *f, const char *path)
{
    (void)f;
    Plotted *p = ctx;
    size_t sl = strlen(p->stage);
    const char *rest = strncmp(path, p->stage, sl) == 0 ? path + sl : path;
    size_t add = strlen(p->target) + strlen(rest) + 2;
    char *more = realloc(p->text, p->len + add + 1);
    if (!more) {
        p->failed = true;
        return;
    }
    p->text = more;
    p->len += (size_t)snprintf(p->text + p->len, add + 1, "%s%s\n", p->target, rest);
}

/* The figures into dir, all or none (io/staged_dir.h). */
static Status plot_lesson(const Lesson *l, const LessonTraces *traces, const char *viz, const char *dir,
                          const char *format, const char *lang, Error *err)
{
    StagedDir sd;
    Status st = staged_dir_open(&sd, dir, err);
    if (st)
        return st;
    Plotted p = {.stage = sd.stage, .target = dir};
    st = lesson_plot(l, traces, viz, sd.stage, format, lang, note_plotted, &p, err);
    if (st == TF_OK && p.failed)
        st = error_set(err, TF_ERR_RUNTIME, "out of memory");
    if (st) {
        staged_dir_abort(&sd);
        fprintf(stderr, "traceformer lesson: no figure was written to %s\n", dir);
    } else if ((st = staged_dir_commit(&sd, err)) == TF_OK && p.text) {
        put_lines(p.text);
    }
    free(p.text);
    return st;
}

/* "[token=8, model=16]": the shape of the first record of t's run that
 * the step names, or "" when it cannot be read. */
static void step_shape(const LessonStep *s, const LessonTraces *t, char *buf, size_t cap)
{
    buf[0] = '\0';
    const char *path = lesson_trace_path(t, s->run);
    TraceReader *r;
    Error err = {0};
    if (!path || trace_reader_open(&r, path, &err) != TF_OK)
        return;
    for (uint32_t i = 0; i < trace_reader_count(r); i++) {
        if (fnmatch(s->pattern, trace_reader_name(r, i), 0) != 0)
            continue;
        TraceRecord tr;
        if (trace_reader_get(r, i, &tr, &err) == TF_OK) {
            size_t n = (size_t)snprintf(buf, cap, " [");
            for (int k = 0; k < tr.rec.ndim && n < cap; k++)
                n += (size_t)snprintf(buf + n, cap - n, "%s%s=%u", k ? ", " : "",
                                      tr.rec.dim_names[k] ? tr.rec.dim_names[k] : "?",
                                      (unsigned)tr.rec.dims[k]);
            if (n < cap)
                snprintf(buf + n, cap - n, "]");
            trace_record_release(&tr);
        }
        break;
    }
    trace_reader_close(r);
}

/* The steps in order, each with its record's shape, note, question (qw)
 * and narration. */
static void print_walk(const Lesson *l, const LessonTraces *t, const QuizWalk *qw, const char *lang)
{
    say(lang, WORD_WALK_TITLE, lesson_number(l));
    put(lesson_title(l, lang));
    fputs("\n\n", stdout);
    /* a lesson without lesson.zh.md still speaks, in English */
    const char *intro = lesson_intro(l, lang) ? lesson_intro(l, lang) : lesson_intro(l, "en");
    if (intro) {
        put_lines(intro);
        fputs("\n\n", stdout);
    }
    const int n = lesson_step_count(l);
    for (int i = 0; i < n && !output_gone(); i++) {
        const LessonStep *s = lesson_step(l, i);
        char shape[256];
        step_shape(s, t, shape, sizeof shape);
        say(lang, WORD_WALK_STEP, i + 1, n);
        put(s->key);
        if (s->compare[0]) {
            say(lang, WORD_WALK_VS);
            put(s->compare);
        }
        put(shape);
        fputs(" — ", stdout);
        put(lesson_step_note(l, i, lang));
        putchar('\n');
        lesson_quiz_walk_question(l, qw, i, lang);
        const char *text = lesson_step_narration(l, i, lang);
        if (!text)
            text = lesson_step_narration(l, i, "en");
        if (text) {
            putchar('\n');
            put_lines(text);
            putchar('\n');
        }
        printf("\n");
    }
    /* [try]: the lesson's claims hold on these sentences too */
    const bool zh = lang && strcmp(lang, "zh") == 0;
    for (int i = 0; i < lesson_try_count(l) && !output_gone(); i++) {
        const LessonTry *other = lesson_try(l, i);
        if (i == 0)
            printf(zh ? "── 换个句子试试（traceformer lesson %d --check --src 句子%s），结论照样成立：\n"
                      : "── other sentences to try (traceformer lesson %d --check --src TEXT%s); the claims hold "
                        "for them too:\n",
                   lesson_number(l), other->has_tgt ? (zh ? " --tgt 句子" : " --tgt TEXT") : "");
        fputs("   ", stdout);
        put(other->src);
        if (other->has_tgt && other->tgt[0]) {
            fputs(" → ", stdout);
            put(other->tgt);
        }
        putchar('\n');
    }
}

/* "--causal-mask off, --heads 2": the switches given, for the handout's
 * title page. */
static void switches_given(const LessonArgs *a, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < SWITCH_COUNT && n < cap; i++)
        if (a->sw[i])
            n += (size_t)snprintf(buf + n, cap - n, "%s--%s %s", n ? ", " : "", lesson_switches[i].name, a->sw[i]);
}

static int write_handout(const LessonArgs *a, const Lesson *l, const LessonTraces *traces, const char *work_dir)
{
    char viz[4096], changes[1024];
    snprintf(viz, sizeof viz, "%s/viz", paths_data_dir());
    switches_given(a, changes, sizeof changes);
    LessonHandout h = {.path = a->handout, .lang = a->lang, .viz_dir = viz, .work_dir = work_dir, .o = &a->o,
                       .changes = changes};
    int pages = 0;
    Error err = {0};
    Status st = lesson_handout_write(l, traces, &h, &pages, &err);
    lesson_handout_release();
    if (st)
        return cli_report(&err, st);
    fputs("wrote ", stdout);
    put(a->handout);
    printf(" (%d pages)\n", pages);
    return 0;
}

int cmd_lesson(int argc, char **argv)
{
    LessonArgs a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.list)
        return do_list(&a);

    Error err = {0};
    Lesson *l;
    Status st = lesson_load(&l, paths_data_dir(), a.which, &err);
    if (st)
        return cli_report(&err, st);

    const bool terminal = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    bool changed = a.o.src || a.o.tgt;
    for (int i = 0; i < SWITCH_COUNT; i++)
        changed = changed || a.sw[i];
    if (a.present && changed) {
        lesson_free(l);
        return cli_usage_error("lesson", command.usage,
                               "--present shows the lesson as written (change it in the viewer: e, M, D ...)");
    }
    if (a.present || (!a.check && !a.plot_dir && !a.walk && !a.breaks && !a.handout && !a.quiz && !a.answers && !changed && terminal)) {
        /* --present without a terminal: lesson_view_open says the viewer needs one */
        rc = lesson_view_open(l, a.lang, NULL, a.present);
        lesson_free(l);
        return rc;
    }

    /* Printing into a pipe whose reader is gone must not kill the program
     * before it removes its traces: with SIGPIPE ignored a write fails with
     * EPIPE instead, the walk stops, and finish_output takes that as the
     * reader's choice, not as a failure. */
    signal(SIGPIPE, SIG_IGN);
    TraceDir td;
    LessonTraces traces;
    memset(&traces, 0, sizeof traces);
    if ((rc = trace_dir_open(&td, a.traces))) {
        lesson_free(l);
        return rc;
    }
    if (a.breaks) {
        LessonBreaks b;
        st = lesson_breaks(l, &a.o, td.dir, &b, &err);
        if (st) {
            rc = cli_report(&err, st);
        } else {
            say(a.lang, WORD_CHECK_TITLE, lesson_number(l));
            put(lesson_title(l, a.lang));
            putchar('\n');
            rc = breaks_matrix_print(l, &b, a.lang);
            lesson_breaks_free(&b);
        }
    } else {
        st = lesson_run(l, &a.o, td.dir, &traces, &err);
        if (st == TF_OK)
            st = lesson_validate(l, &traces, &err);
    }
    if (a.breaks) {
        /* printed above */
    } else if (st) {
        rc = cli_report(&err, st);
    } else if (a.check) {
        say(a.lang, WORD_CHECK_TITLE, lesson_number(l));
        put(lesson_title(l, a.lang));
        putchar('\n');
        print_training_time(&traces, a.lang);
        rc = print_claims(l, &traces, a.lang);
    } else if (a.quiz || a.answers) {
        if (lesson_question_count(l) == 0) {
            fprintf(stderr, "traceformer: lesson %d asks no questions\n", lesson_number(l));
            rc = 2;
        } else {
            rc = a.quiz ? lesson_quiz_ask(l, &traces, &a.o, td.dir, a.lang, stdin)
                        : lesson_quiz_answers(l, &traces, &a.o, td.dir, a.lang, a.answers);
        }
    } else if (a.plot_dir) {
        char viz[4096];
        snprintf(viz, sizeof viz, "%s/viz", paths_data_dir());
        st = plot_lesson(l, &traces, viz, a.plot_dir, a.format, a.lang, &err);
        rc = st ? cli_report(&err, st) : 0;
    } else if (a.handout) {
        rc = write_handout(&a, l, &traces, td.dir);
    } else {
        QuizWalk *qw = lesson_quiz_walk_open(l, &traces, &a.o, td.dir, a.lang);
        print_walk(l, &traces, qw, a.lang);
        say(a.lang, WORD_WALK_SEE, lesson_number(l), lesson_number(l));
        fputs("\n\n", stdout);
        say(a.lang, WORD_WALK_CLAIMS);
        putchar('\n');
        rc = print_claims(l, &traces, a.lang);
        lesson_quiz_walk_answers(l, qw, a.lang);
        lesson_quiz_walk_close(qw);
    }
    const int out_rc = finish_output();
    trace_dir_close(&td);
    lesson_free(l);
    return out_rc ? out_rc : rc;
}
