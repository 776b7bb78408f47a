/* lesson_run.c — computing a lesson's runs into trace files.
 *
 * Each run is the lesson's config ([model] [vocab] [input]) with its own
 * [run.NAME] settings on top, then the student's overrides. It is traced
 * as `traceformer run` would trace it: a teacher-forced pass, generation
 * (generate = N) or a training step (train_step = yes), each trace written
 * to a temporary name and renamed into place when complete (run_trace);
 * a run with train = TASK trains a fresh model and its trace is the
 * training trace (lesson_train.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lesson/lesson_internal.h"
#include "model/batch.h"
#include "model/weights_file.h"
#include "run/run_trace.h"

void lesson_overrides_init(LessonOverrides *o)
{
    memset(o, 0, sizeof *o);
    o->causal_mask = -1;
    o->padding_mask = -1;
    o->residual = -1;
    o->scale = -1;
    o->cache = -1;
}

static bool run_sets(const LessonRunSpec *r, const char *key)
{
    for (int i = 0; i < r->n_sets; i++)
        if (strcmp(r->set_key[i], key) == 0)
            return true;
    return false;
}

static const char *run_weights(const Lesson *l, int run);

/* Does the heads (or norm) switch reach run `run`? Not where the run sets
 * the key itself. A run that loads a trained model's file has the file's
 * heads and norm: where another run of the lesson makes its own weights
 * (seeded, or trained by the run), the switch reaches those and leaves
 * the file's runs as they are (lesson 2: heads = 1 trains its four-head
 * run with one head, and the copy model keeps its four); where every run
 * loads a file, the switch reaches them and the file refuses it
 * ("--heads 1 contradicts copy.tfw"), so the student learns why. */
static bool shape_switch_reaches(const Lesson *l, int run, const char *key)
{
    if (run_sets(&l->runs[run], key))
        return false;
    if (!run_weights(l, run))
        return true;
    for (int i = 0; i < l->n_runs; i++)
        if (!run_weights(l, i) && !run_sets(&l->runs[i], key))
            return false;
    return true;
}

static Status set_flag(Config *c, const char *key, const char *value, Error *err)
{
    ConfigSource src;
    memset(&src, 0, sizeof src);
    snprintf(src.key, sizeof src.key, "%s", key);
    return config_set(c, key, value, &src, err);
}

/* A switch the student flipped: errors name it as the flag they typed
 * (--attn-temperature), since no line of lesson.ini set it. */
static Status set_switch(Config *c, const char *flag, const char *value, Error *err)
{
    ConfigSource src;
    memset(&src, 0, sizeof src);
    return config_set(c, flag, value, &src, err);
}

/* words of a sentence in reverse order, one space between them */
static void reverse_words(const char *in, char *out, size_t cap)
{
    size_t n = strlen(in), w = 0;
    out[0] = '\0';
    while (n) {
        while (n && (in[n - 1] == ' ' || in[n - 1] == '\t'))
            n--;
        size_t end = n;
        while (n && in[n - 1] != ' ' && in[n - 1] != '\t')
            n--;
        if (end > n && w + (end - n) + 2 <= cap) {
            if (w)
                out[w++] = ' ';
            memcpy(out + w, in + n, end - n);
            w += end - n;
            out[w] = '\0';
        }
    }
}

/* side "src" or "tgt" of run r from the main run's (with the student's
 * edits): src_from = main [reversed | twice]. */
static Status derive_sentences(const Lesson *l, const LessonRunSpec *r, const LessonOverrides *o, bool src,
                               Config *out, Error *err)
{
    Config *m = malloc(sizeof *m);
    char *buf = malloc(CONFIG_TEXT_MAX);
    Status st = m && buf ? lesson_run_config(l, 0, o, m, err) : error_set(err, TF_ERR_RUNTIME, "out of memory");
    const int n = st ? 0 : src ? m->n_src : m->n_tgt;
    if (src)
        out->n_src = 0;
    else
        out->n_tgt = 0;
    for (int i = 0; st == TF_OK && i < n; i++) {
        const char *s = src ? m->src[i] : m->tgt[i];
        const LessonDerive how = src ? r->src_how : r->tgt_how;
        if (how == DERIVE_REVERSED)
            reverse_words(s, buf, CONFIG_TEXT_MAX);
        else if (how == DERIVE_TWICE)  /* a sentence too long twice is refused by config_set */
            snprintf(buf, CONFIG_TEXT_MAX, "%s %s", s, s);
        else
            snprintf(buf, CONFIG_TEXT_MAX, "%s", s);
        ConfigSource where;
        memset(&where, 0, sizeof where);
        snprintf(where.file, sizeof where.file, "%.255s", l->ini_path);
        where.line = src ? r->src_from_line : r->tgt_from_line;
        snprintf(where.key, sizeof where.key, "%s", src ? "src" : "tgt");
        st = config_set(out, where.key, buf, &where, err);
    }
    free(buf);
    free(m);
    return st;
}

/* The student's sentence: it replaces the run's; in a batch (two or more
 * sentences) it replaces the first, and the others stay, so a lesson
 * about a padded batch still has one. */
static Status replace_sentence(Config *out, bool src, const char *value, Error *err)
{
    int *n = src ? &out->n_src : &out->n_tgt;
    if (!value[0]) {  /* tgt = "": no target at all */
        *n = 0;
        return TF_OK;
    }
    const int keep = *n > 1 ? *n - 1 : 0;
    char (*rest)[CONFIG_TEXT_MAX / 8] = keep ? malloc((size_t)keep * sizeof *rest) : NULL;
    if (keep && !rest)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    for (int i = 0; i < keep; i++)
        memcpy(rest[i], src ? out->src[i + 1] : out->tgt[i + 1], sizeof rest[i]);
    *n = 0;
    Status st = set_flag(out, src ? "src" : "tgt", value, err);
    for (int i = 0; st == TF_OK && i < keep; i++)
        st = set_flag(out, src ? "src" : "tgt", rest[i], err);
    free(rest);
    return st;
}

Status lesson_run_config(const Lesson *l, int run, const LessonOverrides *o, Config *out, Error *err)
{
    const LessonRunSpec *r = &l->runs[run];
    memcpy(out, l->base, sizeof *out);
    bool reset_src = false, reset_tgt = false;
    for (int i = 0; i < r->n_sets; i++) {
        const char *k = r->set_key[i];
        /* A run's sentences replace the lesson's, they do not add to them. */
        if (strcmp(k, "src") == 0 && !reset_src) {
            out->n_src = 0;
            reset_src = true;
        }
        if (strcmp(k, "tgt") == 0 && !reset_tgt) {
            out->n_tgt = 0;
            reset_tgt = true;
        }
        ConfigSource src;
        memset(&src, 0, sizeof src);
        snprintf(src.file, sizeof src.file, "%.255s", l->ini_path);
        src.line = r->set_line[i];
        snprintf(src.key, sizeof src.key, "%s", k);
        Status st = config_set(out, k, r->set_value[i], &src, err);
        if (st && strncmp(err->msg, l->ini_path, strlen(l->ini_path)) != 0) {
            /* name the line, as for every other mistake in the file */
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            error_set(err, st, "%s:%d: [run.%s] %s: %.700s", l->ini_path, r->set_line[i], r->name, k, msg);
        }
        if (st)
            return st;
    }
    if (r->src_from || r->tgt_from) {
        Status st = r->src_from ? derive_sentences(l, r, o, true, out, err) : TF_OK;
        if (st == TF_OK && r->tgt_from)
            st = derive_sentences(l, r, o, false, out, err);
        if (st)
            return st;
        reset_src |= r->src_from;
        reset_tgt |= r->tgt_from;
    }
    if (o) {
        Status st = TF_OK;
        if (o->src && (run == 0 || !reset_src))
            st = replace_sentence(out, true, o->src, err);
        if (st == TF_OK && o->tgt && (run == 0 || !reset_tgt))
            st = replace_sentence(out, false, o->tgt, err);
        if (st == TF_OK && o->causal_mask >= 0 && !run_sets(r, "causal_mask"))
            st = set_flag(out, "causal_mask", o->causal_mask ? "on" : "off", err);
        if (st == TF_OK && o->padding_mask >= 0 && !run_sets(r, "padding_mask"))
            st = set_flag(out, "padding_mask", o->padding_mask ? "on" : "off", err);
        if (st == TF_OK && o->residual >= 0 && !run_sets(r, "residual"))
            st = set_flag(out, "residual", o->residual ? "on" : "off", err);
        if (st == TF_OK && o->positions && !run_sets(r, "positions"))
            st = set_flag(out, "positions", o->positions, err);
        if (st == TF_OK && o->scale >= 0 && !run_sets(r, "scale"))
            st = set_flag(out, "scale", o->scale ? "on" : "off", err);
        if (st == TF_OK && o->attn_temperature && !run_sets(r, "attn_temperature"))
            st = set_switch(out, "--attn-temperature", o->attn_temperature, err);
        if (st == TF_OK && o->ablate_head && !run_sets(r, "ablate_head"))
            st = set_switch(out, "--ablate-head", o->ablate_head, err);
        if (st == TF_OK && o->heads && shape_switch_reaches(l, run, "heads"))
            st = set_switch(out, "--heads", o->heads, err);
        if (st == TF_OK && o->norm && shape_switch_reaches(l, run, "norm"))
            st = set_switch(out, "--norm", o->norm, err);
        if (st)
            return st;
    }
    Status st = config_validate(out, err);
    if (st == TF_OK && out->n_src == 0 && out->n_tgt == 0) {
        char where[64];
        snprintf(where, sizeof where, "%d", r->line);
        st = error_set(err, TF_ERR_INPUT, "%s:%s: run '%s' has no input sentence", l->ini_path, r->line ? where : "1",
                       r->name);
        error_hint(err, "give the lesson an [input] section with src = ...");
    }
    if (st == TF_OK && r->generate && r->train_step)
        st = error_set(err, TF_ERR_INPUT, "%s:%d: run '%s': generate and train_step do not go together", l->ini_path,
                       r->generate_line, r->name);
    return st;
}

/* The run's own weights, else the lesson's; NULL for seeded ones (and for
 * a training run, which starts from fresh ones). */
static const char *run_weights(const Lesson *l, int run)
{
    const LessonRunSpec *r = &l->runs[run];
    if (r->train.on)
        return NULL;
    return r->weights[0] ? r->weights : l->weights[0] ? l->weights : NULL;
}

Status lesson_run_settings(const Lesson *l, int run, Config *cfg, LessonRunOptions *opts, Error *err)
{
    memset(opts, 0, sizeof *opts);
    if (run < 0 || run >= l->n_runs)
        return error_set(err, TF_ERR_INPUT, "%s: no run %d (the lesson has %d)", l->ini_path, run, l->n_runs);
    const LessonRunSpec *r = &l->runs[run];
    opts->weights = run_weights(l, run);
    opts->generate = r->generate;
    opts->cache = !r->no_cache;
    opts->train_step = r->train_step;
    opts->train = r->train.on ? task_name(r->train.task) : NULL;
    return lesson_run_config(l, run, NULL, cfg, err);
}

const char *lesson_trace_path(const LessonTraces *t, const char *run)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->run[i], run) == 0)
            return t->path[i];
    return NULL;
}

static Status make_dirs(const char *path, Error *err)
{
    char buf[LESSON_PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return error_set(err, TF_ERR_INPUT, "%s: path too long", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return error_set(err, TF_ERR_RUNTIME, "%s: cannot create: %s", buf, strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    return TF_OK;
}

static void quiet_warning(void *ctx, const char *what, const char *token)
{
    (void)ctx;
    (void)what;
    (void)token;
}

/* A run with train = TASK: a fresh model of the run's configuration
 * trained on the task, traced as a training trace. *seconds: how long. */
static Status run_training(const Lesson *l, int i, const LessonOverrides *o, const char *path, double *seconds,
                           Error *err)
{
    const LessonRunSpec *r = &l->runs[i];
    Config *cfg = malloc(sizeof *cfg);
    char *meta = malloc(65536);
    LessonTrainRun *tr = NULL;
    Status st = cfg && meta ? lesson_run_config(l, i, o, cfg, err) : error_set(err, TF_ERR_RUNTIME, "out of memory");
    if (st == TF_OK)
        st = lesson_train_prepare(l, i, o, cfg, &tr, err);
    if (st == TF_OK) {
        snprintf(meta, 65536, "program = traceformer 0.1.0\nlesson = %02d-%s\nrun = %s\nmode = train\n", l->number,
                 l->slug, r->name);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        st = lesson_train_run(tr, path, meta, err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        *seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    }
    lesson_train_free(tr);
    free(meta);
    free(cfg);
    return st;
}

static Status run_one(const Lesson *l, int i, const LessonOverrides *o, const char *path, Error *err)
{
    const LessonRunSpec *r = &l->runs[i];
    Config *cfg = malloc(sizeof *cfg);
    Model *m = malloc(sizeof *m);
    char *meta = malloc(65536);
    Batch batch;
    memset(&batch, 0, sizeof batch);
    bool have_model = false, have_batch = false;
    Status st = cfg && m && meta ? TF_OK : error_set(err, TF_ERR_RUNTIME, "out of memory");
    if (st == TF_OK)
        st = lesson_run_config(l, i, o, cfg, err);
    const char *weights = run_weights(l, i);
    /* With weights, weights_load holds the run's settings against the
     * file's: a contradiction is refused, a mask or the residual the lesson
     * (or the student) set wins. */
    if (st == TF_OK)
        st = weights ? weights_load(m, weights, cfg, err) : model_init_random(m, cfg, err);
    have_model = st == TF_OK;
    if (st == TF_OK)
        st = batch_build(&batch, &m->cfg, &m->vocab, quiet_warning, NULL, err);
    have_batch = st == TF_OK;
    /* The student's cache switch wins over the run's own cache = ... */
    const bool use_cache = o && o->cache >= 0 ? o->cache == 1 : !r->no_cache;
    if (st == TF_OK) {
        /* A generation without the cache says so; with it (the default)
         * the header stays as it always was. */
        const bool sampling = r->generate && r->temperature > 0;
        const unsigned long long seed = r->has_sample_seed ? r->sample_seed : 1;
        char sampled[160] = "";  /* a sampling run says how; a greedy one's header is as it always was */
        if (sampling)
            snprintf(sampled, sizeof sampled, "decoding = sampling\ntemperature = %g\ntop_k = %d\nsample_seed = %llu\n",
                     r->temperature, r->top_k, seed);
        int n = snprintf(meta, 65536,
                         "program = traceformer 0.1.0\nlesson = %02d-%s\nrun = %s\nweights = %s\nmode = %s\n%s%s\n",
                         l->number, l->slug, r->name, weights ? weights : "seeded random",
                         r->generate ? "generate" : r->train_step ? "train-step" : "teacher forcing",
                         r->generate && !use_cache ? "cache = no\n" : "", sampled);
        if (n > 0 && n < 65536)
            config_to_ini(&m->cfg, meta + n, 65536 - n);
        RunSpec spec;
        memset(&spec, 0, sizeof spec);
        spec.mode = r->generate ? RUN_GENERATE : r->train_step ? RUN_TRAIN_STEP : RUN_TEACHER_FORCING;
        /* greedy, or sampling from a fixed seed: a lesson's generation is
         * the same every time */
        spec.gen.max_new = r->generate;
        spec.gen.use_cache = use_cache;
        spec.gen.temperature = (float)r->temperature;
        spec.gen.top_k = r->top_k;
        spec.gen.sample_seed = seed;
        st = run_trace(m, &batch, &spec, path, meta, NULL, NULL, err);
    }
    if (have_batch)
        batch_free(&batch);
    if (have_model)
        model_free(m);
    free(meta);
    free(m);
    free(cfg);
    return st;
}

/* Does the student's edit reach run i: other sentences than the lesson's? */
static Status run_edited(const Lesson *l, int i, const LessonOverrides *o, bool *edited, Error *err)
{
    *edited = false;
    if (!o || (!o->src && !o->tgt))
        return TF_OK;
    Config *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    Status st = a && b ? lesson_run_config(l, i, NULL, a, err) : error_set(err, TF_ERR_RUNTIME, "out of memory");
    if (st == TF_OK)
        st = lesson_run_config(l, i, o, b, err);
    if (st == TF_OK) {
        *edited = a->n_src != b->n_src || a->n_tgt != b->n_tgt;
        for (int k = 0; !*edited && k < a->n_src; k++)
            *edited = strcmp(a->src[k], b->src[k]) != 0;
        for (int k = 0; !*edited && k < a->n_tgt; k++)
            *edited = strcmp(a->tgt[k], b->tgt[k]) != 0;
    }
    free(a);
    free(b);
    return st;
}

Status lesson_run(const Lesson *l, const LessonOverrides *o, const char *out_dir, LessonTraces *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Status st = make_dirs(out_dir, err);
    for (int i = 0; st == TF_OK && i < l->n_runs; i++)
        st = run_edited(l, i, o, &out->edited[i], err);
    for (int i = 0; st == TF_OK && i < l->n_runs; i++) {
        snprintf(out->run[i], sizeof out->run[i], "%s", l->runs[i].name);
        if (snprintf(out->path[i], sizeof out->path[i], "%s/%s.trace", out_dir, l->runs[i].name) >=
            (int)sizeof out->path[i])
            return error_set(err, TF_ERR_INPUT, "%s: path too long", out_dir);
        if (l->runs[i].train.on) {
            double seconds = 0;
            st = run_training(l, i, o, out->path[i], &seconds, err);
            out->n_trained += st == TF_OK;
            out->train_seconds += seconds;
        } else {
            st = run_one(l, i, o, out->path[i], err);
        }
        if (st == TF_OK)
            out->n = i + 1;
    }
    return st;
}
