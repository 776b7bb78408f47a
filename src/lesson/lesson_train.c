/* lesson_train.c — a lesson run that trains (train = TASK): a fresh
 * model, made from the run's own configuration, trained on a toy task
 * while train_trace (run/train_trace.h) writes the training trace.
 *
 * The run's [model] settings, its own keys and the student's switches
 * make the model; the task gives the vocabulary and the data
 * (train_config_fit); the run's seed seeds the data, the weights and the
 * order, so a lesson's curves are the same on every check. The probe the
 * snapshots show is the run's first sentence: the lesson's, or the
 * student's edit, in the task's tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "run/train_cache.h"
#include "run/train_trace.h"
#include "train/trainer.h"

struct LessonTrainRun {
    Dataset ds;
    bool have_ds;
    Config *cfg;          /* the model's: the run's settings, the task's vocabulary */
    TrainOptions o;
    TrainTraceOptions tto;
    int probe_src[TASK_MAX_LEN], probe_tgt[TASK_MAX_LEN];
};

void lesson_train_free(LessonTrainRun *tr)
{
    if (!tr)
        return;
    if (tr->have_ds)
        task_dataset_free(&tr->ds);
    free(tr->cfg);
    free(tr);
}

/* The task's tokens, space-separated, for a message. */
static void task_tokens(const Dataset *ds, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = TOK_SPECIALS; i < ds->vocab.size && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " " : "", ds->vocab.tokens[i]);
}

/* Sentence side tgt (or src) i of cfg as ids of the task's vocabulary. */
static Status probe_ids(const LessonRunSpec *r, const Config *cfg, const Dataset *ds, bool tgt,
                        int *ids, int *n, Error *err)
{
    const char *text = tgt ? cfg->tgt[0] : cfg->src[0];
    char where[320];
    config_sentence_where(cfg, tgt, 0, where, sizeof where);
    const ConfigSource *from = config_where(cfg, tgt ? "tgt" : "src");
    if (from && !from->file[0])  /* a student's sentence, not a line of the lesson */
        snprintf(where, sizeof where, "%s", tgt ? "--tgt" : "--src");
    *n = 0;
    for (const char *s = text; *s;) {
        s += strspn(s, " \t");
        size_t k = strcspn(s, " \t");
        if (!k)
            break;
        const int id = vocab_find_n(&ds->vocab, s, k);
        if (id < TOK_SPECIALS) {
            char known[1024];
            task_tokens(ds, known, sizeof known);
            Status st = error_set(err, TF_ERR_INPUT,
                                  "%s: run %s trains on task %s, which has no token '%.*s' (its %s: '%.200s')", where,
                                  r->name, task_name(r->train.task), (int)(k < 60 ? k : 60), s,
                                  tgt ? "target" : "source", text);
            error_hint(err, "the tokens task %s knows: %s", task_name(r->train.task), known);
            return st;
        }
        if (*n == TASK_MAX_LEN)
            return error_set(err, TF_ERR_INPUT, "%s: run %s: the probe sentence has more than %d tokens", where,
                             r->name, TASK_MAX_LEN);
        ids[(*n)++] = id;
        s += k;
    }
    if (*n == 0)
        return error_set(err, TF_ERR_INPUT, "%s: run %s: the probe sentence is empty", where, r->name);
    return TF_OK;
}

Status lesson_train_prepare(const Lesson *l, int run, const LessonOverrides *ov, const Config *cfg,
                            LessonTrainRun **out, Error *err)
{
    *out = NULL;
    const LessonRunSpec *r = &l->runs[run];
    const LessonTrainSpec *spec = &r->train;
    LessonTrainRun *tr = calloc(1, sizeof *tr);
    if (!tr || !(tr->cfg = malloc(sizeof *tr->cfg))) {
        lesson_train_free(tr);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    TrainOptions *o = &tr->o;
    train_options_default(o, spec->task);
    o->seed = cfg->seed;
    if (spec->steps)
        o->steps = spec->steps;
    if (spec->batch)
        o->batch = spec->batch;
    if (spec->warmup)
        o->warmup = spec->warmup;
    if (spec->lr_scale > 0)
        o->lr_scale = spec->lr_scale;
    /* the warmup switch reaches the training runs that do not set it */
    if (ov && ov->warmup && !spec->warmup_line)
        o->warmup = atoi(ov->warmup);  /* checked by lesson_switch_set */

    TaskOptions to;
    task_options_default(&to, spec->task, o->seed);
    Status st = task_dataset_generate(&tr->ds, &to, err);
    tr->have_ds = st == TF_OK;
    int ns = 0, nt = 0;
    if (st == TF_OK && cfg->n_src < 1)
        st = error_set(err, TF_ERR_INPUT, "%s:%d: run %s trains, and its probe is its first sentence: give it src = ...",
                       l->ini_path, spec->line, r->name);
    if (st == TF_OK)
        st = probe_ids(r, cfg, &tr->ds, false, tr->probe_src, &ns, err);
    if (st == TF_OK && cfg->n_tgt >= 1) {
        st = probe_ids(r, cfg, &tr->ds, true, tr->probe_tgt, &nt, err);
    } else if (st == TF_OK && task_target_of(&tr->ds, tr->probe_src, ns, tr->probe_tgt, TASK_MAX_LEN, &nt, err)) {
        /* the task's answer: copied, reversed, sorted, or the phrasebook's translation */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        st = error_set(err, TF_ERR_INPUT, "%s:%d: run %s: the probe's target: %.600s (tgt = ...)", l->ini_path,
                       spec->line, r->name, msg);
    }
    if (st == TF_OK) {
        *tr->cfg = *cfg;
        st = train_config_fit(tr->cfg, &tr->ds, o->seed, err);
        if (st) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            error_set(err, st, "%s:%d: run %s: %.700s", l->ini_path, spec->line, r->name, msg);
        }
    }
    if (st == TF_OK)
        st = config_check_length(tr->cfg, ns, "the probe's source", err);
    if (st == TF_OK)
        st = config_check_length(tr->cfg, nt + 1, "the probe's decoder input (<START> + target)", err);
    if (st == TF_OK)
        st = config_validate(tr->cfg, err);
    if (st) {
        lesson_train_free(tr);
        return st;
    }
    tr->tto.every = spec->every ? spec->every : o->steps;
    tr->tto.probe_src = tr->probe_src;
    tr->tto.probe_src_len = ns;
    tr->tto.probe_tgt = tr->probe_tgt;
    tr->tto.probe_tgt_len = nt;
    tr->tto.len_lo = spec->len_lo;
    tr->tto.len_hi = spec->len_hi;
    *out = tr;
    return TF_OK;
}

Status lesson_train_run(LessonTrainRun *tr, const char *path, const char *head, Error *err)
{
    Model *m = malloc(sizeof *m);
    if (!m)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    Status st = train_model_init(m, tr->cfg, &tr->ds, err);
    if (st) {
        free(m);
        return st;
    }
    task_dataset_trained_on(&tr->ds, &m->trained);
    Trainer t;
    memset(&t, 0, sizeof t);
    st = trainer_init(&t, m, &tr->ds, &tr->o, err);
    const bool have_trainer = st == TF_OK;
    TrainTrace *tt = NULL;
    char *meta = NULL;
    if (st == TF_OK && !(meta = train_trace_meta(&t, &tr->tto, head)))
        st = error_set(err, TF_ERR_RUNTIME, "out of memory");
    /* trained before, by this very program with this very meta: the same bytes */
    const bool kept = st == TF_OK && train_cache_fetch(meta, path);
    if (st == TF_OK && !kept)
        st = train_trace_open(&tt, &t, &tr->tto, path, meta, err);
    for (int s = 0; st == TF_OK && !kept && s < tr->o.steps; s++) {
        st = trainer_step(&t, err);
        if (st == TF_OK)
            st = train_trace_step(tt, &t, err);
        if (st)
            train_trace_abort(tt);
    }
    if (st == TF_OK && !kept) {
        st = train_trace_finish(tt, &t, NULL, err);
        if (st == TF_OK)
            train_cache_store(meta, path);
    }
    free(meta);
    if (have_trainer)
        trainer_free(&t);
    model_free(m);
    free(m);
    return st;
}
