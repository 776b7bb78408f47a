/* lesson_view.c — a lesson in the viewer: the adapter between lesson.h and
 * the viewer's hooks (view/state.h: ViewNarration, ViewRerun). */
#include "cli/lesson_view.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "cli/paths.h"
#include "cli/view_export.h"
#include "io/scratch_dir.h"
#include "lesson/switches.h"
#include "model/config.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "text/vocab.h"
#include "view/markdown.h"
#include "view/view.h"
#include "view/words.h"

#define MAX_FLOW (2 * LESSON_MAX_STEPS + 6 * LESSON_MAX_QUESTIONS + 8)  /* narration, and each question's three texts in two languages */
#define SENTENCE_MAX 512
#define RUN_LABEL_MAX 300

/* What the current run really used, read back from its trace's meta (the
 * configuration as INI): lesson.h says what a student overrode, not what
 * the lesson itself sets, and the toggles need the latter. */
typedef struct {
    char src[SENTENCE_MAX], tgt[SENTENCE_MAX];
    char positions[24];
    int causal, padding, residual;  /* 1 on, 0 off, −1 unknown */
    int scale;            /* 1 on, 0 off, −1 unknown */
    float temperature;    /* attn_temperature; 0 unknown */
    char ablated[256];    /* ablate_head as written ("enc.0.2,enc.1.0"), "" for none */
    char *vocab;          /* [vocab] tokens, or NULL */
    TokenizerKind tokenizer;  /* how the run read its sentences ([vocab] tokenizer) */
} RunFacts;


#define FACTS_UNKNOWN {.causal = -1, .padding = -1, .residual = -1, .scale = -1}

/* A question as asked on one run, in one language. */
typedef struct {
    int run;                 /* dir_now + 1 when measured; 0: not yet */
    Status st;
    char why[320];           /* st != TF_OK: the engine's message */
    QuestionAsked q;
} AskedQuestion;

struct LessonView {
    const Lesson *l;
    char tmp[LESSON_PATH_MAX];   /* a private directory, removed at the end */
    TraceReader *main_trace;     /* the first run's main trace: the viewer opens on it */
    ViewExportPlace place;       /* where x writes images */
    int n_dirs;                  /* run directories made so far: tmp/run-K */
    LessonTraces traces;         /* the run on screen */
    int dir_now;                 /* its K */
    RunFacts facts;

    /* A run with trained weights holds every run's positional encoding to
     * the one it was trained with (weights_load refuses any other): the T
     * key says so up front. "" when every run is seeded. */
    char positions_fixed[VIEW_N_LANGS][400];

    /* the student's overrides (lesson.h), kept for every later re-run */
    char src[SENTENCE_MAX], tgt[SENTENCE_MAX], positions[24], ablate[64];
    LessonOverrides o;
    bool generates;              /* some run generates: the KV cache switch (G) matters */

    /* the viewer's view of the lesson: each step's record, resolved in
     * its own run's trace (a glob names its first match there), and each
     * run's label in words ("run: swapped — 老鼠 追 猫") */
    char step_rec[LESSON_MAX_STEPS][LESSON_NAME_MAX + 40];
    char run_label[LESSON_MAX_RUNS][VIEW_N_LANGS][RUN_LABEL_MAX];
    int n_steps;
    char title[VIEW_N_LANGS][320];
    struct {
        const char *from;        /* lesson_narration's text */
        char *text;              /* markdown_flow's, for the pane */
    } flow[MAX_FLOW];
    int n_flow;

    /* each question as asked on the run on screen, per language: measured
     * once per run (a SWITCH question runs the lesson again) */
    AskedQuestion asked[LESSON_MAX_QUESTIONS][VIEW_N_LANGS];
};

static const char *lang_code(ViewLang l)
{
    return l == VIEW_LANG_ZH ? "zh" : "en";
}

/* Copy at most cap − 1 bytes, never cutting a UTF-8 character. */
static void copy_text(char *dst, size_t cap, const char *src)
{
    utf8_copy_cut(dst, cap, src, strlen(src), false);
}

/* ---- files ---- */

static void run_dir(const LessonView *lv, int k, char *out, size_t cap)
{
    snprintf(out, cap, "%s/run-%d", lv->tmp, k);
}

/* ---- the facts of a run, from its trace ---- */

static void facts_free(RunFacts *f)
{
    free(f->vocab);
    memset(f, 0, sizeof *f);
    f->causal = f->padding = f->residual = f->scale = -1;
}

/* The value of a "key = value" line of the meta's head (before the
 * configuration) into buf; false when there is none. */
static bool meta_head_value(const char *meta, const char *key, char *buf, size_t cap)
{
    const size_t k = strlen(key);
    for (const char *line = meta; line && *line && *line != '[';) {
        const char *end = strchr(line, '\n');
        const size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > k + 2 && strncmp(line, key, k) == 0 && strncmp(line + k, " = ", 3) == 0) {
            snprintf(buf, cap, "%.*s", (int)(len - k - 3), line + k + 3);
            return true;
        }
        line = end ? end + 1 : NULL;
    }
    return false;
}

/* The meta of a trace is a few "key = value" lines about the run, a blank
 * line, then the model's configuration as config_to_ini writes it: read
 * that part back with the configuration reader itself. A training trace's
 * configuration has no sentences: its probe (the head's probe = and
 * probe_tgt = lines) is the run's sentence. */
static void facts_read(RunFacts *f, const TraceReader *r)
{
    facts_free(f);
    const char *meta = trace_reader_meta(r);
    const char *ini = meta[0] == '[' ? meta : strstr(meta, "\n[");
    Config *c = malloc(sizeof *c);
    if (!ini || !c) {
        free(c);
        return;
    }
    config_defaults(c);
    Error err;
    if (config_load_ini_text(c, ini + (ini[0] == '\n'), "trace meta", &err) == TF_OK) {
        if (c->n_src > 0)
            copy_text(f->src, sizeof f->src, c->src[0]);
        if (c->n_tgt > 0)
            copy_text(f->tgt, sizeof f->tgt, c->tgt[0]);
        copy_text(f->positions, sizeof f->positions, config_positions_name(c->positions));
        f->causal = c->causal_mask;
        f->padding = c->padding_mask;
        f->residual = c->residual;
        f->scale = c->scale;
        f->temperature = c->attn_temperature;
        size_t o = 0;
        for (int i = 0; i < c->n_ablated && o + 1 < sizeof f->ablated; i++) {
            char one[48];
            config_ablated_name(&c->ablated[i], one, sizeof one);
            int n = snprintf(f->ablated + o, sizeof f->ablated - o, "%s%s", i ? "," : "", one);
            o = n < 0 ? o : o + (size_t)n;
        }
        if (c->vocab[0])
            f->vocab = strdup(c->vocab);
        f->tokenizer = c->tokenizer;
    }
    if (!f->src[0])
        meta_head_value(meta, "probe", f->src, sizeof f->src);
    if (!f->tgt[0])
        meta_head_value(meta, "probe_tgt", f->tgt, sizeof f->tgt);
    free(c);
}

static Status facts_of_path(RunFacts *f, const char *path, Error *err)
{
    TraceReader *r;
    Status st = trace_reader_open(&r, path, err);
    if (st)
        return st;
    facts_read(f, r);
    trace_reader_close(r);
    return TF_OK;
}

/* ---- narration for the pane ---- */

/* t as the pane shows it, flowed once and kept as long as the lesson. */
static const char *flowed(LessonView *lv, const char *t)
{
    if (!t)
        return NULL;
    for (int i = 0; i < lv->n_flow; i++)
        if (lv->flow[i].from == t)
            return lv->flow[i].text;
    char *r = markdown_flow(t);
    if (!r || lv->n_flow >= MAX_FLOW) {
        free(r);
        return t;  /* as written: still readable */
    }
    lv->flow[lv->n_flow].from = t;
    lv->flow[lv->n_flow++].text = r;
    return r;
}

static const char *lv_lookup(void *ctx, const char *record_name, ViewLang lang)
{
    LessonView *lv = ctx;
    return flowed(lv, lesson_narration(lv->l, record_name, lang_code(lang)));
}

static const char *lv_intro(void *ctx, ViewLang lang)
{
    LessonView *lv = ctx;
    return flowed(lv, lesson_intro(lv->l, lang_code(lang)));
}

static int lv_n_steps(void *ctx)
{
    return ((LessonView *)ctx)->n_steps;
}

static bool lv_step(void *ctx, int k, ViewLang lang, ViewGuideStep *out)
{
    LessonView *lv = ctx;
    const LessonStep *st = lesson_step(lv->l, k);
    if (!st || k >= lv->n_steps)
        return false;
    out->record = lv->step_rec[k];
    const char *note = lesson_step_note(lv->l, k, lang_code(lang));  /* English when untranslated */
    out->note = note && note[0] ? note : NULL;
    out->key = st->key;  /* its own section of lesson.md, also for NAME@RUN and globs */
    out->run = st->run;
    out->compare = st->compare[0] ? st->compare : NULL;
    return true;
}

static const char *lv_title(void *ctx, ViewLang lang)
{
    return ((LessonView *)ctx)->title[lang];
}

static const char *lv_run_trace(void *ctx, const char *run)
{
    return lesson_trace_path(&((LessonView *)ctx)->traces, run && run[0] ? run : "main");
}

static const char *lv_run_label(void *ctx, const char *run, ViewLang lang)
{
    LessonView *lv = ctx;
    for (int i = 0; i < lv->traces.n && i < LESSON_MAX_RUNS; i++)
        if (strcmp(lv->traces.run[i], run && run[0] ? run : "main") == 0)
            return lv->run_label[i][lang];
    return NULL;
}

/* ---- questions ---- */

/* The question asked at step k, or −1. */
static int question_of_step(const LessonView *lv, int k)
{
    if (k < 0 || k >= lv->n_steps)
        return -1;
    int i = lesson_question_at_step(lv->l, k);
    return i >= 0 && i < LESSON_MAX_QUESTIONS && lesson_question(lv->l, i) ? i : -1;
}

static bool lv_has_question(void *ctx, int k)
{
    return question_of_step(ctx, k) >= 0;
}

/* Question i measured on the traces on screen (the current run's
 * directory holds what a SWITCH question runs). */
static const QuestionAsked *asked(LessonView *lv, int i, ViewLang g, const char **why)
{
    AskedQuestion *a = &lv->asked[i][g];
    if (a->run != lv->dir_now + 1) {
        char dir[LESSON_PATH_MAX + 32];
        run_dir(lv, lv->dir_now, dir, sizeof dir);
        Error err;
        error_clear(&err);
        memset(&a->q, 0, sizeof a->q);
        a->st = lesson_question_ask(lv->l, i, &lv->traces, &lv->o, dir, lang_code(g), &a->q, &err);
        copy_text(a->why, sizeof a->why, err.msg[0] ? err.msg : "?");
        a->run = lv->dir_now + 1;
    }
    *why = a->why;
    return a->st == TF_OK ? &a->q : NULL;
}

static ViewQuestionKind view_kind(QuestionKind k)
{
    switch (k) {
    case QUESTION_CHOOSE: return VIEW_Q_CHOOSE;
    case QUESTION_NUMBER: return VIEW_Q_NUMBER;
    case QUESTION_ORDER: return VIEW_Q_ORDER;
    default: return VIEW_Q_SWITCH;
    }
}

/* A SWITCH question's choices are claim IDs: the pane lists each with
 * its sentence, in lang where it has one. */
static void claim_sentences(LessonView *lv, ViewLang g, ViewQuestion *out)
{
    ClaimResult *res = NULL;
    int failed = 0;
    Error err;
    error_clear(&err);
    if (lesson_check(lv->l, &lv->traces, &res, &failed, &err) != TF_OK) {
        free(res);
        return;
    }
    const int n = lesson_claim_count(lv->l);
    for (int c = 0; c < out->n_choices; c++)
        for (int i = 0; i < n; i++)
            if (strcmp(res[i].id, out->choice[c]) == 0) {
                const char *t = g == VIEW_LANG_ZH && res[i].text_zh[0] ? res[i].text_zh : res[i].text;
                copy_text(out->detail[c], sizeof out->detail[c], t);
                break;
            }
    free(res);
}

static bool lv_question(void *ctx, int k, ViewLang g, ViewQuestion *out)
{
    LessonView *lv = ctx;
    int i = question_of_step(lv, k);
    if (i < 0)
        return false;
    const char *code = lang_code(g);
    out->kind = view_kind(lesson_question(lv->l, i)->kind);
    out->text = flowed(lv, lesson_question_text(lv->l, i, code));
    out->hint = flowed(lv, lesson_question_hint(lv->l, i, code));
    out->explanation = flowed(lv, lesson_question_explanation(lv->l, i, code));
    const char *why;
    const QuestionAsked *q = asked(lv, i, g, &why);
    if (!q) {
        copy_text(out->unavailable, sizeof out->unavailable, why);
        return true;
    }
    out->n_choices = q->n_choices < VIEW_Q_MAX_CHOICES ? q->n_choices : VIEW_Q_MAX_CHOICES;
    for (int c = 0; c < out->n_choices; c++)
        copy_text(out->choice[c], sizeof out->choice[c], q->choice[c]);
    copy_text(out->expected, sizeof out->expected, q->expected_text);
    copy_text(out->changes, sizeof out->changes, q->changes);
    if (out->kind == VIEW_Q_SWITCH)
        claim_sentences(lv, g, out);
    return true;
}

static void lv_answer(void *ctx, int k, const char *typed, ViewLang g, ViewAnswer *out)
{
    LessonView *lv = ctx;
    int i = question_of_step(lv, k);
    const char *why = "?";
    const QuestionAsked *q = i >= 0 ? asked(lv, i, g, &why) : NULL;
    if (!q) {
        out->grade = VIEW_ANSWER_UNREADABLE;
        copy_text(out->why, sizeof out->why, why);
        return;
    }
    switch (lesson_question_grade(lv->l, i, q, typed ? typed : "", out->said, sizeof out->said, out->why,
                                  sizeof out->why)) {
    case ANSWER_CORRECT: out->grade = VIEW_ANSWER_CORRECT; break;
    case ANSWER_WRONG: out->grade = VIEW_ANSWER_WRONG; break;
    case ANSWER_SKIPPED: out->grade = VIEW_ANSWER_SKIPPED; break;
    default: out->grade = VIEW_ANSWER_UNREADABLE; break;
    }
    copy_text(out->expected, sizeof out->expected, q->expected_text);
    copy_text(out->changes, sizeof out->changes, q->changes);
}

/* The record a step shows: its name, or the first record its glob matches
 * in the trace of the step's own run. */
static void resolve_steps(LessonView *lv)
{
    int n = lesson_step_count(lv->l);
    lv->n_steps = n < LESSON_MAX_STEPS ? n : LESSON_MAX_STEPS;
    for (int k = 0; k < lv->n_steps; k++) {
        const LessonStep *st = lesson_step(lv->l, k);
        char *rec = lv->step_rec[k];
        size_t cap = sizeof lv->step_rec[k];
        snprintf(rec, cap, "%s", st->pattern);
        const char *path = lesson_trace_path(&lv->traces, st->run);
        TraceReader *r;
        Error err;
        if (!strpbrk(st->pattern, "*?[") || !path || trace_reader_open(&r, path, &err) != TF_OK)
            continue;
        uint32_t count = trace_reader_count(r);
        for (uint32_t i = 0; i < count; i++) {
            const char *name = trace_reader_name(r, i);
            if (name && fnmatch(st->pattern, name, 0) == 0) {
                snprintf(rec, cap, "%s", name);
                break;
            }
        }
        trace_reader_close(r);
    }
}

/* Words of a run's label that the viewer's own table (view/words.h) does
 * not hold, per language (ViewLang order). */
static const char *const RUN_WORD[][VIEW_N_LANGS] = {
    {"run: ", "运行："},
    {"generating ", "生成 "},  /* the number of tokens, then W_TOKENS */
    {" tokens", " 个词元"},
    {", no KV cache", "，不用 KV 缓存"},
    {"one training step's gradients", "训练一步的梯度"},
    {" (", "（"},
    {")", "）"},
};
enum { W_RUN, W_GEN, W_TOKENS, W_NOCACHE, W_TRAIN, W_OPEN, W_CLOSE };

/* Append to buf (of cap bytes, o used so far) without overrunning. */
static size_t put(char *buf, size_t cap, size_t o, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static size_t put(char *buf, size_t cap, size_t o, const char *fmt, ...)
{
    if (o >= cap)
        return o;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + o, cap - o, fmt, ap);
    va_end(ap);
    return n < 0 ? o : o + (size_t)n < cap ? o + (size_t)n : cap - 1;
}

/* What sets run i apart, in words: its sentence, and every setting where
 * it differs from the main run (f0) or that makes it what it is
 * (generation, a training step): "run: swapped — 老鼠 追 猫". */
static void label_run(LessonView *lv, int i, const RunFacts *f, const RunFacts *f0)
{
    const char *run = lv->traces.run[i];
    Config cfg;
    LessonRunOptions opts = {0};
    Error err;
    for (int k = 0; k < lesson_run_count(lv->l); k++)
        if (strcmp(lesson_run_name(lv->l, k), run) == 0 && lesson_run_settings(lv->l, k, &cfg, &opts, &err) != TF_OK)
            memset(&opts, 0, sizeof opts);
    for (int g = 0; g < VIEW_N_LANGS; g++) {
        char *out = lv->run_label[i][g];
        size_t cap = RUN_LABEL_MAX;
        size_t o = put(out, cap, 0, "%s%s — %s", RUN_WORD[W_RUN][g], run, f->src[0] ? f->src : "?");
        if (f->tgt[0])
            o = put(out, cap, o, " → %s", f->tgt);
        char extra[200] = "";
        size_t e = 0;
        const char *sep = view_word(g, WORD_LIST_SEP);
        const char *on = view_word(g, WORD_ON), *off = view_word(g, WORD_OFF);
        if (strcmp(f->positions, f0->positions) != 0)
            e = put(extra, sizeof extra, e, "%s%s %s", e ? sep : "", view_word(g, WORD_POSITIONS),
                    view_word_positions(g, f->positions));
        if (f->causal != f0->causal && f->causal >= 0)
            e = put(extra, sizeof extra, e, "%s%s %s", e ? sep : "", view_word(g, WORD_CAUSAL_MASK), f->causal ? on : off);
        if (f->padding != f0->padding && f->padding >= 0)
            e = put(extra, sizeof extra, e, "%s%s %s", e ? sep : "", view_word(g, WORD_PADDING_MASK),
                    f->padding ? on : off);
        if (f->residual != f0->residual && f->residual >= 0)
            e = put(extra, sizeof extra, e, "%s%s %s", e ? sep : "", view_word(g, WORD_RESIDUAL), f->residual ? on : off);
        if (f->scale != f0->scale && f->scale >= 0)
            e = put(extra, sizeof extra, e, "%s%s %s", e ? sep : "", view_word(g, WORD_SCALE), f->scale ? on : off);
        if (f->temperature != f0->temperature && f->temperature > 0)
            e = put(extra, sizeof extra, e, "%s%s %g", e ? sep : "", view_word(g, WORD_TEMPERATURE),
                    (double)f->temperature);
        if (strcmp(f->ablated, f0->ablated) != 0)
            e = put(extra, sizeof extra, e, "%s%s %s", e ? sep : "", view_word(g, WORD_ABLATED),
                    f->ablated[0] ? f->ablated : off);
        if (opts.generate > 0) {
            e = put(extra, sizeof extra, e, "%s", e ? sep : "");
            e = put(extra, sizeof extra, e, "%s%d%s", RUN_WORD[W_GEN][g], opts.generate, RUN_WORD[W_TOKENS][g]);
            if (lv->o.cache >= 0 ? lv->o.cache == 0 : !opts.cache)
                e = put(extra, sizeof extra, e, "%s", RUN_WORD[W_NOCACHE][g]);
        }
        if (opts.train_step)
            e = put(extra, sizeof extra, e, "%s%s", e ? sep : "", RUN_WORD[W_TRAIN][g]);
        if (extra[0])
            put(out, cap, o, "%s%s%s", RUN_WORD[W_OPEN][g], extra, RUN_WORD[W_CLOSE][g]);
        /* a label is one line of the screen: no control bytes from a sentence */
        for (char *c = out; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = ' ';
    }
}

/* What an exported image of run `run` carries: the run (when not the
 * main one) and every switch the student changed, as file-name words
 * ("swapped.padding-off") and as words for its title ("padding mask off"). */
static void lv_run_switches(void *ctx, const char *run, ViewLang g, char *tag, size_t tag_cap, char *words,
                            size_t words_cap)
{
    LessonView *lv = ctx;
    const LessonOverrides *o = &lv->o;
    size_t t = 0, w = 0;
    tag[0] = words[0] = '\0';
    if (run && run[0] && strcmp(run, "main") != 0)
        t = put(tag, tag_cap, t, "%s", run);
    const char *on = view_word(g, WORD_ON), *off = view_word(g, WORD_OFF), *sep = view_word(g, WORD_LIST_SEP);
    const struct {
        int value;
        const char *file;
        Word what;
    } toggles[] = {{o->causal_mask, "causal", WORD_CAUSAL_MASK},
                   {o->padding_mask, "padding", WORD_PADDING_MASK},
                   {o->residual, "residual", WORD_RESIDUAL},
                   {o->scale, "scale", WORD_SCALE},
                   {o->cache, "cache", WORD_KV_CACHE}};
    for (size_t i = 0; i < sizeof toggles / sizeof toggles[0]; i++) {
        if (toggles[i].value < 0)
            continue;
        t = put(tag, tag_cap, t, "%s%s-%s", t ? "." : "", toggles[i].file, toggles[i].value ? "on" : "off");
        w = put(words, words_cap, w, "%s%s %s", w ? sep : "", view_word(g, toggles[i].what), toggles[i].value ? on : off);
    }
    if (o->positions) {
        t = put(tag, tag_cap, t, "%spositions-%s", t ? "." : "", o->positions);
        w = put(words, words_cap, w, "%s%s %s", w ? sep : "", view_word(g, WORD_POSITIONS),
                view_word_positions(g, o->positions));
    }
    if (o->attn_temperature) {
        t = put(tag, tag_cap, t, "%stemperature-%s", t ? "." : "", o->attn_temperature);
        w = put(words, words_cap, w, "%s%s %s", w ? sep : "", view_word(g, WORD_TEMPERATURE), o->attn_temperature);
    }
    if (o->ablate_head) {
        t = put(tag, tag_cap, t, "%sablate-%s", t ? "." : "", o->ablate_head);
        w = put(words, words_cap, w, "%s%s %s", w ? sep : "", view_word(g, WORD_ABLATED), o->ablate_head);
    }
    if (o->src)
        t = put(tag, tag_cap, t, "%ssrc-edited", t ? "." : "");
    if (o->tgt)
        put(tag, tag_cap, t, "%stgt-edited", t ? "." : "");
    /* a run name is letters, digits and _: the tag is a safe file name */
}

/* Each run's label, from its trace as it is now. The main run's facts
 * are lv->facts already (read when its trace was opened). */
static void label_runs(LessonView *lv)
{
    RunFacts f = FACTS_UNKNOWN;
    Error err;
    for (int i = 0; i < lv->traces.n && i < LESSON_MAX_RUNS; i++) {
        if (strcmp(lv->traces.run[i], "main") == 0) {
            label_run(lv, i, &lv->facts, &lv->facts);
            continue;
        }
        if (facts_of_path(&f, lv->traces.path[i], &err) != TF_OK)
            facts_free(&f);
        label_run(lv, i, &f, &lv->facts);
        facts_free(&f);
    }
}

/* ---- re-running ---- */

static const char *positions_next(const char *now)
{
    static const char *const order[] = {"sinusoidal", "none", "learned", "relative", "rope"};
    for (int i = 0; i < 5; i++)
        if (strcmp(now, order[i]) == 0)
            return order[(i + 1) % 5];
    return "sinusoidal";
}

typedef struct {
    char unknown[256];
    int n;
} Unknown;

static void note_unknown(void *ctx, const char *what, const char *token)
{
    Unknown *u = ctx;
    (void)what;
    size_t o = strlen(u->unknown);
    if (u->n++ < 4 && o < sizeof u->unknown - 1)
        snprintf(u->unknown + o, sizeof u->unknown - o, "%s'%s'", o ? ", " : "", token);
}

/* A sentence the lesson's vocabulary can read: every word known. (The
 * engine would read an unknown word as <UNK>; a student who typed it wants
 * to hear that it is not known, with the words that are.) */
static Status check_words(const LessonView *lv, const char *text, ViewLang g, bool src, Error *err)
{
    const char *what = view_word(g, src ? WORD_LV_SOURCE : WORD_LV_TARGET);
    char msg[400];
    const char *p = text;
    while (*p == ' ')
        p++;
    if (!*p) {
        view_format(msg, sizeof msg, g, WORD_LV_EMPTY, what);
        return error_set(err, TF_ERR_INPUT, "%s", msg);
    }
    if (!utf8_valid(text, strlen(text), NULL)) {
        view_format(msg, sizeof msg, g, WORD_LV_NOT_UTF8, what);
        return error_set(err, TF_ERR_INPUT, "%s", msg);
    }
    if (!lv->facts.vocab)
        return TF_OK;  /* the vocabulary came with the weights: the engine decides */
    Vocab v;
    vocab_init(&v);
    Status st = tokenizer_add_vocab(lv->facts.tokenizer, &v, lv->facts.vocab, "the lesson's vocabulary", err);
    enum { MAX_IDS = SENTENCE_MAX };  /* a token takes a byte and a separator at least */
    int *ids = st == TF_OK ? malloc(MAX_IDS * sizeof *ids) : NULL;
    if (st == TF_OK && !ids)
        st = error_set(err, TF_ERR_RUNTIME, "out of memory");
    if (st == TF_OK) {
        int n = 0;
        Unknown u = {"", 0};
        st = tokenizer_encode_as(lv->facts.tokenizer, &v, text, what, ids, MAX_IDS, &n, note_unknown, &u, err);
        if (st == TF_OK && u.n > 0) {
            view_format(msg, sizeof msg, g, u.n == 1 ? WORD_LV_UNKNOWN_ONE : WORD_LV_UNKNOWN_MANY, u.unknown);
            st = error_set(err, TF_ERR_INPUT, "%s", msg);
            view_format(msg, sizeof msg, g, WORD_LV_IT_KNOWS, lv->facts.vocab);
            error_hint(err, "%s", msg);
        }
    }
    free(ids);
    vocab_free(&v);
    return st;
}

/* The run's settings in one line, in lang (view/words.h). */
static void describe(const LessonView *lv, ViewLang g, char *buf, size_t cap)
{
    const RunFacts *f = &lv->facts;
    const struct {
        bool on;
        Word what;
    } changes[] = {
        {lv->o.src != NULL, WORD_SOURCE_SENTENCE},       {lv->o.tgt != NULL, WORD_TARGET_SENTENCE},
        {lv->o.causal_mask >= 0, WORD_CAUSAL_MASK},      {lv->o.padding_mask >= 0, WORD_PADDING_MASK},
        {lv->o.residual >= 0, WORD_RESIDUAL},            {lv->o.positions != NULL, WORD_POSITIONS},
        {lv->o.scale >= 0, WORD_SCALE},                  {lv->o.attn_temperature != NULL, WORD_TEMPERATURE},
        {lv->o.ablate_head != NULL, WORD_ABLATED},       {lv->o.cache >= 0, WORD_KV_CACHE},
        {lv->o.heads != NULL, WORD_HEAD_COUNT},          {lv->o.norm != NULL, WORD_NORM_PLACEMENT},
        {lv->o.warmup != NULL, WORD_WARMUP},
    };
    char changed[160] = "";
    size_t o = 0;
    for (size_t i = 0; i < sizeof changes / sizeof changes[0] && o < sizeof changed; i++)
        if (changes[i].on)
            o += (size_t)snprintf(changed + o, sizeof changed - o, "%s%s", o ? view_word(g, WORD_LIST_SEP) : "",
                                  view_word(g, changes[i].what));
    const char *on = view_word(g, WORD_ON), *off = view_word(g, WORD_OFF), *sep = view_word(g, WORD_SETTING_SEP);
    /* The switches of lesson/switches.h beyond these four are named only
     * when they are not at their default, as the trace's meta does, and
     * first: a line cut at the pane's edge still shows them. */
    char more[200] = "";
    size_t m = 0;
    if (f->scale == 0)
        m = put(more, sizeof more, m, "%s %s%s", view_word(g, WORD_SCALE), off, sep);
    if (f->temperature > 0 && f->temperature != 1.0f)
        m = put(more, sizeof more, m, "%s %g%s", view_word(g, WORD_TEMPERATURE), (double)f->temperature, sep);
    if (f->ablated[0])
        m = put(more, sizeof more, m, "%s %s%s", view_word(g, WORD_ABLATED), f->ablated, sep);
    if (lv->o.cache == 0)
        put(more, sizeof more, m, "%s %s%s", view_word(g, WORD_KV_CACHE), off, sep);
    snprintf(buf, cap, "%s%s %s%s%s %s%s%s %s%s%s %s%s%s%s", more, view_word(g, WORD_CAUSAL_MASK),
             f->causal < 0 ? "?" : f->causal ? on : off, sep, view_word(g, WORD_PADDING_MASK),
             f->padding < 0 ? "?" : f->padding ? on : off, sep, view_word(g, WORD_POSITIONS),
             f->positions[0] ? view_word_positions(g, f->positions) : "?", sep, view_word(g, WORD_RESIDUAL),
             f->residual < 0 ? "?" : f->residual ? on : off, changed[0] ? view_word(g, WORD_YOU_CHANGED) : "",
             changed, changed[0] ? view_word(g, WORD_CHANGED_END) : "");
}

/* Both languages: the student may press L at any time. */
static void describe_run(const LessonView *lv, ViewRunResult *out)
{
    describe(lv, VIEW_LANG_EN, out->settings, sizeof out->settings);
    describe(lv, VIEW_LANG_ZH, out->settings_zh, sizeof out->settings_zh);
}

static void fill_claims(const LessonView *lv, ViewRunResult *out)
{
    ClaimResult *res = NULL;
    int failed = 0;
    Error err;
    error_clear(&err);
    if (lesson_check(lv->l, &lv->traces, &res, &failed, &err) != TF_OK) {
        out->n_claims = 1;  /* say why, where the claims would be */
        out->claims[0].pass = false;
        for (int g = 0; g < VIEW_N_LANGS; g++)
            snprintf(out->claims[0].text[g], sizeof out->claims[0].text[0], "%s",
                     view_word((ViewLang)g, WORD_LV_NOT_CHECKED));
        copy_text(out->claims[0].measured, sizeof out->claims[0].measured, err.msg);
        free(res);
        return;
    }
    /* the claims, then the facts */
    const int n = lesson_claim_count(lv->l);
    out->n_claims = 0;
    for (int facts = 0; facts < 2; facts++)
        for (int i = 0; i < n && out->n_claims < VIEW_MAX_CLAIMS; i++) {
            if (res[i].fact != (facts == 1))
                continue;
            ViewClaim *c = &out->claims[out->n_claims++];
            c->pass = res[i].pass;
            c->fact = res[i].fact;
            copy_text(c->text[VIEW_LANG_EN], sizeof c->text[0], res[i].text);
            copy_text(c->text[VIEW_LANG_ZH], sizeof c->text[0], res[i].text_zh);
            copy_text(c->measured, sizeof c->measured, res[i].measured);
        }
    free(res);
}

/* Does the lesson's main run put the layer norm after each sublayer? */
static bool lesson_norm_is_post(const Lesson *l)
{
    Config *cfg = malloc(sizeof *cfg);
    LessonRunOptions opts;
    Error err;
    error_clear(&err);
    bool post = cfg && lesson_run_settings(l, 0, cfg, &opts, &err) == TF_OK && cfg->norm == NORM_POST;
    free(cfg);
    return post;
}

static Status lv_run(void *ctx, const ViewEdit *e, ViewRunResult *out, Error *err)
{
    LessonView *lv = ctx;
    if (e->kind == VIEW_EDIT_CHECK) {
        fill_claims(lv, out);
        describe_run(lv, out);
        return TF_OK;
    }
    /* The overrides this run would use, without touching ours until it works. */
    LessonOverrides o = lv->o;
    char text[SENTENCE_MAX];
    const char *positions = NULL;
    char ablate[sizeof lv->ablate] = "";
    Status st = TF_OK;
    switch (e->kind) {
    case VIEW_EDIT_SOURCE:
    case VIEW_EDIT_TARGET: {
        bool src = e->kind == VIEW_EDIT_SOURCE;
        copy_text(text, sizeof text, e->text ? e->text : "");
        if ((st = check_words(lv, text, e->lang, src, err)))
            return st;
        if (src)
            o.src = text;
        else
            o.tgt = text;
        break;
    }
    case VIEW_EDIT_CAUSAL:
        o.causal_mask = lv->facts.causal == 0 ? 1 : 0;  /* unknown counts as on: the engine's default */
        break;
    case VIEW_EDIT_PADDING: o.padding_mask = lv->facts.padding == 0 ? 1 : 0; break;
    case VIEW_EDIT_RESIDUAL: o.residual = lv->facts.residual == 0 ? 1 : 0; break;
    case VIEW_EDIT_SCALE: o.scale = lv->facts.scale == 0 ? 1 : 0; break;
    case VIEW_EDIT_TEMPERATURE:
        /* 1 → 2 (flatter) → 0.5 (sharper) → 1 */
        o.attn_temperature = lv->facts.temperature == 1.0f ? "2" : lv->facts.temperature == 2.0f ? "0.5" : "1";
        break;
    case VIEW_EDIT_ABLATE:
        /* One head at a time: the head named again brings it back. */
        copy_text(ablate, sizeof ablate, e->text ? e->text : "");
        if (!ablate[0])
            return error_set(err, TF_ERR_INPUT, "%s", view_word(e->lang, WORD_LV_WHICH_HEAD));
        if (strcmp(lv->facts.ablated, ablate) == 0)
            snprintf(ablate, sizeof ablate, "none");
        o.ablate_head = ablate;
        break;
    case VIEW_EDIT_CACHE:
        if (!lv->generates)  /* the viewer asks first; this is for any other caller */
            return error_set(err, TF_ERR_INPUT, "%s", view_word(e->lang, WORD_LV_NO_GENERATION));
        o.cache = lv->o.cache == 0 ? 1 : 0;
        break;
    case VIEW_EDIT_HEADS: o.heads = lv->o.heads ? NULL : lesson_switches[SWITCH_HEADS].broken; break;
    case VIEW_EDIT_WARMUP: o.warmup = lv->o.warmup ? NULL : lesson_switches[SWITCH_WARMUP].broken; break;
    case VIEW_EDIT_NORM:
        /* the other placement than the lesson's own, then back to it */
        o.norm = lv->o.norm ? NULL : lesson_norm_is_post(lv->l) ? "pre" : "post";
        break;
    case VIEW_EDIT_POSITIONS:
        if (lv->positions_fixed[0][0])  /* the viewer asks first; this is for any other caller */
            return error_set(err, TF_ERR_INPUT, "%s", lv->positions_fixed[e->lang == VIEW_LANG_ZH]);
        positions = positions_next(lv->facts.positions);
        o.positions = positions;
        break;
    default: return error_set(err, TF_ERR_INPUT, "this edit is not known to the lesson");
    }

    char dir[LESSON_PATH_MAX + 32];
    int k = lv->n_dirs++;
    run_dir(lv, k, dir, sizeof dir);
    LessonTraces t;
    if ((st = lesson_run(lv->l, &o, dir, &t, err))) {
        scratch_dir_remove(dir);
        return st;
    }
    RunFacts facts = FACTS_UNKNOWN;
    const char *main_path = lesson_trace_path(&t, "main");
    if (!main_path || (st = facts_of_path(&facts, main_path, err))) {
        scratch_dir_remove(dir);
        return main_path ? st : error_set(err, TF_ERR_RUNTIME, "the lesson wrote no main run");
    }

    /* It worked: these are the overrides from now on. */
    if (e->kind == VIEW_EDIT_SOURCE) {
        copy_text(lv->src, sizeof lv->src, text);
        o.src = lv->src;
    } else if (e->kind == VIEW_EDIT_TARGET) {
        copy_text(lv->tgt, sizeof lv->tgt, text);
        o.tgt = lv->tgt;
    }
    if (positions) {
        copy_text(lv->positions, sizeof lv->positions, positions);
        o.positions = lv->positions;
    }
    if (ablate[0]) {
        copy_text(lv->ablate, sizeof lv->ablate, ablate);
        o.ablate_head = lv->ablate;
    }
    lv->o = o;
    /* The previous re-run's files go (the viewer has them open; on POSIX
     * that keeps them readable until it lets go). The first run stays:
     * the viewer compares against it. */
    if (lv->dir_now > 0) {
        char old[LESSON_PATH_MAX + 32];
        run_dir(lv, lv->dir_now, old, sizeof old);
        scratch_dir_remove(old);
    }
    lv->dir_now = k;
    lv->traces = t;
    facts_free(&lv->facts);
    lv->facts = facts;
    label_runs(lv);

    copy_text(out->trace, sizeof out->trace, main_path);
    fill_claims(lv, out);
    describe_run(lv, out);
    return TF_OK;
}

static const char *lv_text(void *ctx, ViewEditKind which)
{
    LessonView *lv = ctx;
    return which == VIEW_EDIT_TARGET ? lv->facts.tgt : lv->facts.src;
}

static const char *lv_refuses(void *ctx, ViewEditKind which, ViewLang lang)
{
    LessonView *lv = ctx;
    if (which == VIEW_EDIT_CACHE && !lv->generates)
        return view_word(lang, WORD_LV_NO_GENERATION);
    const char *fixed = lv->positions_fixed[lang == VIEW_LANG_ZH];
    return which == VIEW_EDIT_POSITIONS && fixed[0] ? fixed : NULL;
}

/* The sentence for positions_fixed: the first run that loads trained
 * weights and the encoding they were made with. The masks and the
 * residual connections shape no weights, so only T is held. */
static void find_fixed_positions(LessonView *lv)
{
    lv->positions_fixed[0][0] = lv->positions_fixed[1][0] = '\0';
    for (int i = 0; i < lesson_run_count(lv->l); i++) {
        Config cfg;
        LessonRunOptions opts;
        Error err;
        error_clear(&err);
        if (lesson_run_settings(lv->l, i, &cfg, &opts, &err) != TF_OK || !opts.weights)
            continue;
        const char *file = strrchr(opts.weights, '/');
        file = file ? file + 1 : opts.weights;
        const char *kind = config_positions_name(cfg.positions);
        for (int g = 0; g < VIEW_N_LANGS; g++)
            view_format(lv->positions_fixed[g], sizeof lv->positions_fixed[g], (ViewLang)g,
                        WORD_LV_POSITIONS_FIXED, file,
                        cfg.positions == POS_NONE ? view_word((ViewLang)g, WORD_LV_NO_POSITIONS)
                                                  : view_word_positions((ViewLang)g, kind),
                        cfg.positions == POS_NONE ? "" : view_word((ViewLang)g, WORD_LV_POSITIONS_SUFFIX));
        return;
    }
}


/* ---- opening ---- */

void lesson_view_free(LessonView *lv)
{
    if (!lv)
        return;
    if (lv->main_trace)
        trace_reader_close(lv->main_trace);
    if (lv->tmp[0])
        scratch_dir_remove(lv->tmp);
    for (int i = 0; i < lv->n_flow; i++)
        free(lv->flow[i].text);
    facts_free(&lv->facts);
    free(lv);
}

Status lesson_view_prepare(LessonView **out, const Lesson *l, const char *lang, const char *plots_dir,
                           ViewConfig *cfg, Error *err)
{
    *out = NULL;
    LessonView *lv = calloc(1, sizeof *lv);
    if (!lv)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    lv->l = l;
    lesson_overrides_init(&lv->o);
    lv->facts = (RunFacts)FACTS_UNKNOWN;
    find_fixed_positions(lv);
    for (int i = 0; i < lesson_run_count(l); i++) {
        Config run_cfg;
        LessonRunOptions opts;
        Error e2;
        if (lesson_run_settings(l, i, &run_cfg, &opts, &e2) == TF_OK && opts.generate > 0)
            lv->generates = true;
    }
    for (int g = 0; g < VIEW_N_LANGS; g++) {
        const char *t = lesson_title(l, lang_code((ViewLang)g));
        int n = view_format(lv->title[g], sizeof lv->title[g], (ViewLang)g, WORD_CHECK_TITLE, lesson_number(l));
        if (n > 0 && (size_t)n < sizeof lv->title[g])
            copy_text(lv->title[g] + n, sizeof lv->title[g] - (size_t)n, t ? t : lesson_slug(l));
    }

    /* removed by a signal too, while the traces are computed (the viewer
     * catches signals itself once it runs) */
    const char *base = getenv("TMPDIR");
    if (scratch_dir_make(lv->tmp, sizeof lv->tmp, NULL, "traceformer-lesson-", SCRATCH_GUARDED) != 0) {
        lv->tmp[0] = '\0';
        lesson_view_free(lv);
        return error_set(err, TF_ERR_RUNTIME, "cannot make a directory for the lesson's traces in %s",
                         base && base[0] ? base : "/tmp");
    }
    char dir[LESSON_PATH_MAX + 32];
    run_dir(lv, lv->n_dirs++, dir, sizeof dir);
    Status st = lesson_run(l, &lv->o, dir, &lv->traces, err);
    const char *main_path = st ? NULL : lesson_trace_path(&lv->traces, "main");
    if (!st && !main_path)
        st = error_set(err, TF_ERR_RUNTIME, "lesson %d wrote no main run", lesson_number(l));
    if (!st)
        st = trace_reader_open(&lv->main_trace, main_path, err);
    if (st) {
        lesson_view_free(lv);
        return st;
    }
    facts_read(&lv->facts, lv->main_trace);
    resolve_steps(lv);
    label_runs(lv);
    /* The viewer opens on the main run's first step; N from there walks
     * every step, on whichever run each is. */
    const char *start = NULL;
    for (int k = 0; k < lv->n_steps && !start; k++)
        if (strcmp(lesson_step(l, k)->run, "main") == 0 && trace_reader_find(lv->main_trace, lv->step_rec[k]) >= 0)
            start = lv->step_rec[k];
    lv->place.out = plots_dir ? plots_dir : "plots";
    snprintf(lv->place.viz, sizeof lv->place.viz, "%s/viz", paths_data_dir());
    *cfg = (ViewConfig){
        .a = lv->main_trace,
        .start = start,
        .narration = {.lookup = lv_lookup, .n_steps = lv_n_steps, .step = lv_step, .title = lv_title,
                      .intro = lv_intro, .ctx = lv, .run_trace = lv_run_trace, .run_label = lv_run_label,
                      .run_switches = lv_run_switches, .number = lesson_number(l),  /* presentation mode */
                      .has_question = lv_has_question, .question = lv_question, .answer = lv_answer},
        .lang = view_lang(lang),
        .rerun = {lv_run, lv_text, lv, lv_refuses},
        .export = {view_export_png, &lv->place, view_export_model_view},
    };
    *out = lv;
    return TF_OK;
}

int lesson_view_open(const Lesson *l, const char *lang, const char *plots_dir, bool present)
{
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        fprintf(stderr, "traceformer lesson: standard %s is not a terminal, and the viewer needs one\n",
                isatty(STDOUT_FILENO) ? "input" : "output");
        fprintf(stderr, "hint: `traceformer lesson %d --check` checks its claims; "
                        "`traceformer lesson %d --plot DIR` renders its figures\n",
                lesson_number(l), lesson_number(l));
        return 2;
    }
    LessonView *lv;
    ViewConfig cfg;
    Error err;
    error_clear(&err);
    Status st = lesson_view_prepare(&lv, l, lang, plots_dir, &cfg, &err);
    if (st)
        return cli_report(&err, st);
    cfg.present = present;
    int code = 0, sig = 0;
    error_clear(&err);
    st = view_run(&cfg, &sig, &err);
    if (st)
        code = cli_report(&err, st);
    else if (sig)
        code = 128 + sig;
    lesson_view_free(lv);
    return code;
}
