/* lesson_run.c — computing a lesson's runs into trace files.
 *
 * Each run is the lesson's config ([model] [vocab] [input]) with its own
 * [run.NAME] settings on top, then the student's overrides. It is traced
 * as `traceformer run` would trace it: a teacher-forced pass, generation
 * (generate = N) or a training step (train_step = yes), each trace written
 * to a temporary name and renamed into place when complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lesson/lesson_internal.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/generate.h"
#include "model/weights_file.h"
#include "trace/trace.h"
#include "train/backprop.h"
#include "train/grad_records.h"

void lesson_overrides_init(LessonOverrides *o)
{
    memset(o, 0, sizeof *o);
    o->causal_mask = -1;
    o->padding_mask = -1;
}

static bool run_sets(const LessonRunSpec *r, const char *key)
{
    for (int i = 0; i < r->n_sets; i++)
        if (strcmp(r->set_key[i], key) == 0)
            return true;
    return false;
}

static Status set_flag(Config *c, const char *key, const char *value, Error *err)
{
    ConfigSource src;
    memset(&src, 0, sizeof src);
    snprintf(src.key, sizeof src.key, "%s", key);
    return config_set(c, key, value, &src, err);
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
    if (o) {
        Status st = TF_OK;
        if (o->src && (run == 0 || !reset_src)) {
            out->n_src = 0;
            st = set_flag(out, "src", o->src, err);
        }
        if (st == TF_OK && o->tgt && (run == 0 || !reset_tgt)) {
            out->n_tgt = 0;
            if (o->tgt[0])
                st = set_flag(out, "tgt", o->tgt, err);
        }
        if (st == TF_OK && o->causal_mask >= 0 && !run_sets(r, "causal_mask"))
            st = set_flag(out, "causal_mask", o->causal_mask ? "on" : "off", err);
        if (st == TF_OK && o->padding_mask >= 0 && !run_sets(r, "padding_mask"))
            st = set_flag(out, "padding_mask", o->padding_mask ? "on" : "off", err);
        if (st == TF_OK && o->positions && !run_sets(r, "positions"))
            st = set_flag(out, "positions", o->positions, err);
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

/* The run's own weights, else the lesson's; NULL for seeded ones. */
static const char *run_weights(const Lesson *l, int run)
{
    const LessonRunSpec *r = &l->runs[run];
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

static Status write_acts(TraceWriter *w, const Activations *acts, uint32_t *exec, Error *err)
{
    for (int i = 0; i < acts->n_slots; i++) {
        Record rec;
        activations_record(acts, i, &rec);
        rec.exec_index = (*exec)++;
        Status st = trace_writer_add(w, &rec, err);
        if (st)
            return st;
    }
    return TF_OK;
}

/* A teacher-forced pass, and with train_step the gradients of its loss
 * (computed before the file is opened: a failure leaves nothing behind). */
static Status trace_forward(const Model *m, const Batch *b, bool train_step, const char *path, const char *meta,
                            Error *err)
{
    Activations acts;
    Status st = activations_init(&acts, m, b, err);
    if (st)
        return st;
    model_forward(m, b, &acts);
    Grads g;
    GradRecords gr;
    memset(&g, 0, sizeof g);
    memset(&gr, 0, sizeof gr);
    bool have_grads = false;
    if (train_step) {
        float loss;
        st = grads_alloc(&g, m, b->B, b->Ts, b->Tt, err);
        have_grads = st == TF_OK;
        if (st == TF_OK)
            st = model_backward(m, b, &acts, 0.0f, &g, &loss, err);
        if (st == TF_OK)
            st = grad_records_build(&gr, m, &acts, &g, (uint32_t)acts.n_slots, err);
    }
    TraceWriter *w;
    uint32_t exec = 0;
    if (st == TF_OK && (st = trace_writer_open(&w, path, meta, err)) == TF_OK) {
        st = write_acts(w, &acts, &exec, err);
        for (int i = 0; st == TF_OK && i < gr.n; i++) {
            Record rec = gr.recs[i];
            rec.exec_index = exec++;
            st = trace_writer_add(w, &rec, err);
        }
        if (st)
            trace_writer_abort(w);
        else
            st = trace_writer_finish(w, err);
    }
    grad_records_free(&gr);
    if (have_grads)
        grads_free(&g);
    activations_free(&acts);
    return st;
}

/* The encoder once, then one decoding step after another. */
static Status trace_generate(const Model *m, const Batch *b, const GenOptions *o, const char *path, const char *meta,
                             Error *err)
{
    Generator g;
    memset(&g, 0, sizeof g);
    Activations enc;
    Status st = generator_check(m, b, o, err);
    if (st)
        return st;
    if ((st = activations_init_encoder(&enc, m, b, err)))
        return st;
    model_encode(m, b, &enc);
    TraceWriter *w = NULL;
    uint32_t exec = 0;
    if ((st = trace_writer_open(&w, path, meta, err)) == TF_OK) {
        st = write_acts(w, &enc, &exec, err);
        if (st == TF_OK)
            st = generator_init(&g, m, b, enc.enc_memory, o, err);
        while (st == TF_OK && !g.done && g.step < g.max_steps) {
            st = generator_step(&g, err);
            if (st == TF_OK)
                st = write_acts(w, &g.acts, &exec, err);
        }
        if (st == TF_OK)
            st = generator_summary(&g, err);
        if (st == TF_OK)
            st = write_acts(w, &g.summary, &exec, err);
        if (st)
            trace_writer_abort(w);
        else
            st = trace_writer_finish(w, err);
    }
    generator_free(&g);
    activations_free(&enc);
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
    if (st == TF_OK) {
        int n = snprintf(meta, 65536,
                         "program = traceformer 0.1.0\nlesson = %02d-%s\nrun = %s\nweights = %s\nmode = %s\n\n",
                         l->number, l->slug, r->name, weights ? weights : "seeded random",
                         r->generate ? "generate" : r->train_step ? "train-step" : "teacher forcing");
        if (n > 0 && n < 65536)
            config_to_ini(&m->cfg, meta + n, 65536 - n);
        if (r->generate) {
            GenOptions go;
            memset(&go, 0, sizeof go);
            go.max_new = r->generate;
            go.use_cache = !r->no_cache;
            go.sample_seed = 1;
            st = trace_generate(m, &batch, &go, path, meta, err);
        } else {
            st = trace_forward(m, &batch, r->train_step, path, meta, err);
        }
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

Status lesson_run(const Lesson *l, const LessonOverrides *o, const char *out_dir, LessonTraces *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Status st = make_dirs(out_dir, err);
    for (int i = 0; st == TF_OK && i < l->n_runs; i++) {
        snprintf(out->run[i], sizeof out->run[i], "%s", l->runs[i].name);
        if (snprintf(out->path[i], sizeof out->path[i], "%s/%s.trace", out_dir, l->runs[i].name) >=
            (int)sizeof out->path[i])
            return error_set(err, TF_ERR_INPUT, "%s: path too long", out_dir);
        st = run_one(l, i, o, out->path[i], err);
        if (st == TF_OK)
            out->n = i + 1;
    }
    return st;
}
