/* train_trace.c — a training run as a trace file (train_trace.h). */
#include "run/train_trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_kind.h"
#include "model/activations.h"
#include "model/forward.h"
#include "model/weights.h"
#include "run/run_labels.h"
#include "text/token_text.h"
#include "trace/record_name.h"
#include "trace/trace.h"

#define PART_NAME_MAX 16

struct TrainTrace {
    TraceWriter *w;
    TrainTraceOptions o;
    uint32_t exec;              /* records written */
    int snapshots;
    int steps;                  /* N */
    Batch probe;                /* (1, Ts, Tt) the probe sentence with its target */
    /* curves, one value per update: (steps) */
    float *loss, *accuracy, *lr, *grad_norm;
    /* the gradient's norm by part: (steps, n_parts); which part each
     * parameter belongs to, by its offset in the weight block */
    float *part_norm;
    int n_parts;
    char (*part_name)[PART_NAME_MAX];   /* (n_parts) */
    const char **part_label;            /* (n_parts) pointing into part_name */
    WeightEntry *entries;               /* (n_entries) */
    int *entry_part;                    /* (n_entries) */
    int n_entries;
    /* evaluations: (n_evals) at steps 0, K, 2K, ..., N */
    float *eval_step, *eval_loss, *eval_accuracy;
    int n_evals;
    EvalResult last;
};

/* ---- parts of the model, for the gradient norms ----------------------- */

/* The part a parameter belongs to: enc.L / dec.L for a layer's, "out" for
 * the final norms and the generator, "embed" for the rest (embeddings,
 * positions, relative-position biases). */
static void part_of(const char *key, char *part, size_t cap)
{
    int layer;
    if (sscanf(key, "encoder.layers.%d.", &layer) == 1)
        snprintf(part, cap, "enc.%d", layer);
    else if (sscanf(key, "decoder.layers.%d.", &layer) == 1)
        snprintf(part, cap, "dec.%d", layer);
    else if (strncmp(key, "generator", 9) == 0 || strcmp(key, "encoder.norm.weight") == 0 ||
             strcmp(key, "encoder.norm.bias") == 0 || strcmp(key, "decoder.norm.weight") == 0 ||
             strcmp(key, "decoder.norm.bias") == 0)
        snprintf(part, cap, "out");
    else
        snprintf(part, cap, "embed");
}

/* The parts in the order embed, enc.0 ..., dec.0 ..., out. */
static Status parts_init(TrainTrace *tt, const Model *m, Error *err)
{
    const Config *c = &m->cfg;
    tt->n_entries = weights_entries(c, m->vocab.size, &m->w, &tt->entries);
    if (tt->n_entries < 0)
        return error_set(err, TF_ERR_RUNTIME, "the model's parameters cannot be listed");
    const int n = 2 + c->enc_layers + c->dec_layers;
    tt->part_name = calloc((size_t)n, sizeof *tt->part_name);
    tt->part_label = calloc((size_t)n, sizeof *tt->part_label);
    tt->entry_part = calloc((size_t)tt->n_entries + 1, sizeof *tt->entry_part);
    if (!tt->part_name || !tt->part_label || !tt->entry_part)
        return error_set(err, TF_ERR_RUNTIME, "out of memory setting up the training trace");
    int k = 0;
    snprintf(tt->part_name[k++], PART_NAME_MAX, "embed");
    for (int l = 0; l < c->enc_layers; l++)
        snprintf(tt->part_name[k++], PART_NAME_MAX, "enc.%d", l);
    for (int l = 0; l < c->dec_layers; l++)
        snprintf(tt->part_name[k++], PART_NAME_MAX, "dec.%d", l);
    snprintf(tt->part_name[k++], PART_NAME_MAX, "out");
    tt->n_parts = k;
    for (int i = 0; i < k; i++)
        tt->part_label[i] = tt->part_name[i];
    for (int e = 0; e < tt->n_entries; e++) {
        char part[PART_NAME_MAX];
        part_of(tt->entries[e].name, part, sizeof part);
        tt->entry_part[e] = 0;
        for (int i = 0; i < k; i++)
            if (strcmp(part, tt->part_name[i]) == 0)
                tt->entry_part[e] = i;
    }
    return TF_OK;
}

/* Row `step` of part_norm: each part's gradient norm before clipping. The
 * trainer has clipped t->g in place by clip / norm when the norm was above
 * clip; dividing by that factor gives back the norms it had. */
static void parts_measure(TrainTrace *tt, const Trainer *t, float *row)
{
    const Model *m = t->m;
    double *ss = calloc((size_t)tt->n_parts, sizeof *ss);
    if (!ss) {
        for (int i = 0; i < tt->n_parts; i++)
            row[i] = NAN;
        return;
    }
    for (int e = 0; e < tt->n_entries; e++) {
        const WeightEntry *en = &tt->entries[e];
        if (!*en->slot)
            continue;
        const size_t at = (size_t)(*en->slot - m->w.block);
        const size_t n = (size_t)en->rows * (size_t)(en->cols ? en->cols : 1);
        const float *g = t->g.w.block + at;
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += (double)g[i] * (double)g[i];
        ss[tt->entry_part[e]] += s;
    }
    const double factor = t->grad_norm > t->o.clip ? t->o.clip / t->grad_norm : 1.0;
    for (int i = 0; i < tt->n_parts; i++)
        row[i] = (float)(sqrt(ss[i]) / factor);
    free(ss);
}

/* ---- records ------------------------------------------------------------ */

static Status add_curve(TrainTrace *tt, const char *name, const char *axis, const float *data, uint32_t n,
                        const char *formula, const char *description, Error *err)
{
    Record r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.kind = record_kind_name(RECORD_KIND_CURVE);
    r.ndim = 1;
    r.dims[0] = n;
    r.dim_names[0] = axis;
    r.data = data;
    r.formula = formula;
    r.description = description;
    r.exec_index = tt->exec++;
    return trace_writer_add(tt->w, &r, err);
}

/* The probe's teacher-forced pass with the model as it is now, after S
 * updates: its attention weights, its probabilities and its loss, named
 * train.S.*. */
static Status snapshot(TrainTrace *tt, const Model *m, long S, Error *err)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "train.%ld", S);
    const Batch *b = &tt->probe;
    ActsLayout l;
    memset(&l, 0, sizeof l);
    l.B = 1;
    l.len[STREAM_SRC] = b->Ts;
    l.len[STREAM_TGT] = l.len[STREAM_KEYS] = l.len[STREAM_TARGET] = b->Tt;
    l.labels[STREAM_SRC] = b->src_labels;
    l.labels[STREAM_TGT] = l.labels[STREAM_KEYS] = b->tgt_labels;
    l.labels[STREAM_TARGET] = b->target_labels;
    l.encoder = m->cfg.arch == ARCH_ENCODER_DECODER;
    l.decoder = true;
    l.predicted = true;
    l.targets = true;
    l.prefix = prefix;
    Activations a;
    Status st = activations_init_layout(&a, m, &l, err);
    if (st)
        return st;
    a.batch = b;
    model_forward(m, b, &a);
    RunLabels rl;
    st = run_labels_attach(&rl, &a, err);
    for (int i = 0; st == TF_OK && i < a.n_slots; i++) {
        Record rec;
        activations_record(&a, i, &rec);
        const char *family = record_name_train_family(rec.name);
        if (!family)
            continue;
        const bool keep = record_name_is_attention_weights(rec.name) || strcmp(family, "src.tokens") == 0 ||
                          strcmp(family, "tgt.tokens") == 0 || strcmp(family, "dec.probs") == 0 ||
                          strcmp(family, "loss") == 0;
        if (!keep)
            continue;
        rec.exec_index = tt->exec++;
        st = trace_writer_add(tt->w, &rec, err);
    }
    run_labels_free(&rl);
    activations_free(&a);
    if (st == TF_OK)
        tt->snapshots++;
    return st;
}

/* The held-out evaluation after S updates (teacher forcing only: greedy
 * generation of every held-out sentence is left to the end). */
static Status evaluate(TrainTrace *tt, const Trainer *t, long S, Error *err)
{
    EvalResult r;
    Status st = train_evaluate(t->m, t->ds->heldout, t->ds->n_heldout, false, &r, err);
    if (st)
        return st;
    tt->eval_step[tt->n_evals] = (float)S;
    tt->eval_loss[tt->n_evals] = (float)r.loss;
    tt->eval_accuracy[tt->n_evals] = (float)r.token_accuracy;
    tt->n_evals++;
    tt->last = r;
    return TF_OK;
}

static void free_all(TrainTrace *tt)
{
    batch_free(&tt->probe);
    free(tt->loss);
    free(tt->accuracy);
    free(tt->lr);
    free(tt->grad_norm);
    free(tt->part_norm);
    free(tt->part_name);
    free(tt->part_label);
    free(tt->entries);
    free(tt->entry_part);
    free(tt->eval_step);
    free(tt->eval_loss);
    free(tt->eval_accuracy);
    free(tt);
}

Status train_trace_open(TrainTrace **out, const Trainer *t, const TrainTraceOptions *o, const char *path,
                        const char *meta, Error *err)
{
    *out = NULL;
    if (o->every < 1)
        return error_set(err, TF_ERR_INPUT, "snapshots every %d updates: give at least 1", o->every);
    if (t->step != 0)
        return error_set(err, TF_ERR_RUNTIME, "a training trace starts before the first update");
    if ((o->probe_src_len < 1 && t->m->cfg.arch != ARCH_DECODER_ONLY) || o->probe_tgt_len < 1)
        return error_set(err, TF_ERR_INPUT, "the probe needs a source and a target sentence");
    if (o->len_lo || o->len_hi) {
        /* refused before training, not after */
        Status st = train_lengths_check(t->m, t->ds, o->len_lo, o->len_hi, err);
        if (st)
            return st;
    }
    TrainTrace *tt = calloc(1, sizeof *tt);
    if (!tt)
        return error_set(err, TF_ERR_RUNTIME, "out of memory setting up the training trace");
    tt->o = *o;
    tt->steps = t->o.steps;
    const size_t N = (size_t)t->o.steps;
    const size_t evals = N / (size_t)o->every + 2;
    tt->loss = malloc(N * sizeof *tt->loss);
    tt->accuracy = malloc(N * sizeof *tt->accuracy);
    tt->lr = malloc(N * sizeof *tt->lr);
    tt->grad_norm = malloc(N * sizeof *tt->grad_norm);
    tt->eval_step = malloc(evals * sizeof *tt->eval_step);
    tt->eval_loss = malloc(evals * sizeof *tt->eval_loss);
    tt->eval_accuracy = malloc(evals * sizeof *tt->eval_accuracy);
    Status st = TF_OK;
    if (!tt->loss || !tt->accuracy || !tt->lr || !tt->grad_norm || !tt->eval_step || !tt->eval_loss ||
        !tt->eval_accuracy)
        st = error_set(err, TF_ERR_RUNTIME, "out of memory for %d steps of training curves", t->o.steps);
    if (st == TF_OK && (st = parts_init(tt, t->m, err)) == TF_OK) {
        tt->part_norm = malloc(N * (size_t)tt->n_parts * sizeof *tt->part_norm);
        if (!tt->part_norm)
            st = error_set(err, TF_ERR_RUNTIME, "out of memory for %d steps of gradient norms", t->o.steps);
    }
    const int *src = o->probe_src, *tgt = o->probe_tgt;
    int have_probe = 0;
    if (st == TF_OK)
        st = batch_from_ids(&tt->probe, &t->m->cfg, &t->m->vocab, 1, &src, &o->probe_src_len, &tgt,
                            &o->probe_tgt_len, 0, 0, err);
    have_probe = st == TF_OK;
    if (!have_probe) {
        memset(&tt->probe, 0, sizeof tt->probe);  /* nothing to free */
        free_all(tt);
        return st;
    }
    if ((st = trace_writer_open(&tt->w, path, meta, err))) {
        free_all(tt);
        return st;
    }
    if ((st = snapshot(tt, t->m, 0, err)) || (st = evaluate(tt, t, 0, err))) {
        train_trace_abort(tt);
        return st;
    }
    *out = tt;
    return TF_OK;
}

Status train_trace_step(TrainTrace *tt, const Trainer *t, Error *err)
{
    const long S = t->step;
    if (S < 1 || S > tt->steps)
        return error_set(err, TF_ERR_RUNTIME, "training trace: update %ld of %d", S, tt->steps);
    const size_t i = (size_t)(S - 1);
    tt->loss[i] = t->loss;
    tt->accuracy[i] = t->counted ? (float)t->correct / (float)t->counted : 0.0f;
    tt->lr[i] = (float)t->lr;
    tt->grad_norm[i] = (float)t->grad_norm;
    parts_measure(tt, t, tt->part_norm + i * (size_t)tt->n_parts);
    if (S % tt->o.every == 0 || S == tt->steps) {
        Status st = snapshot(tt, t->m, S, err);
        if (st == TF_OK)
            st = evaluate(tt, t, S, err);
        return st;
    }
    return TF_OK;
}

Status train_trace_finish(TrainTrace *tt, const Trainer *t, TrainTraceSummary *out, Error *err)
{
    const uint32_t N = (uint32_t)t->step, E = (uint32_t)tt->n_evals;
    Status st = TF_OK;
    if (out)
        memset(out, 0, sizeof *out);
    if (t->step != tt->steps)
        st = error_set(err, TF_ERR_RUNTIME, "training trace: finished after %ld of %d updates", t->step, tt->steps);
#define CURVE(name, axis, data, n, formula, description)                                               \
    if (st == TF_OK)                                                                                    \
        st = add_curve(tt, name, axis, data, n, formula, description, err);
    CURVE("train.loss", "step", tt->loss, N, "mean cross-entropy of update i's batch",
          "The loss of each update's own batch of training sentences: noisy, since every batch is different.")
    CURVE("train.accuracy", "step", tt->accuracy, N, "correct / counted target tokens of update i's batch",
          "How many target tokens of each update's batch the model got right, teacher-forced.")
    CURVE("train.lr", "step", tt->lr, N, "scale * d_model^-0.5 * min(i^-0.5, i * warmup^-1.5)",
          "The learning rate of each update: rising through the warm-up, then falling as 1/sqrt(step).")
    CURVE("train.grad_norm", "step", tt->grad_norm, N, "||d loss / d theta||, before clipping",
          "The size of each update's whole gradient, before it is clipped.")
    if (st == TF_OK) {
        Record r;
        memset(&r, 0, sizeof r);
        r.name = "train.grad_norm.parts";
        r.kind = record_kind_name(RECORD_KIND_CURVE);
        r.ndim = 2;
        r.dims[0] = N;
        r.dims[1] = (uint32_t)tt->n_parts;
        r.dim_names[0] = "step";
        r.dim_names[1] = "part";
        r.data = tt->part_norm;
        r.col_labels = tt->part_label;
        r.formula = "||d loss / d theta_part||, before clipping";
        r.description = "The gradient's size on each part of the model (embeddings, each layer, the output): "
                        "which layers are learning, and which receive almost nothing.";
        r.exec_index = tt->exec++;
        st = trace_writer_add(tt->w, &r, err);
    }
    CURVE("train.eval.step", "eval", tt->eval_step, E, "S: updates made before each evaluation",
          "When each held-out evaluation was made: before the first update, then every K updates and after the last.")
    CURVE("train.eval.loss", "eval", tt->eval_loss, E, "mean cross-entropy over the held-out split",
          "The loss on sentences the model never trains on: it falls only when the model learns the task, "
          "not the training sentences.")
    CURVE("train.eval.accuracy", "eval", tt->eval_accuracy, E, "correct / counted held-out target tokens",
          "How many target tokens of the held-out sentences the model gets right, teacher-forced.")
    if (st == TF_OK && (tt->o.len_lo || tt->o.len_hi)) {
        const int n = tt->o.len_hi - tt->o.len_lo + 1;
        EvalResult *r = calloc((size_t)n, sizeof *r);
        float *vals = calloc((size_t)n * 3, sizeof *vals);
        if (!r || !vals)
            st = error_set(err, TF_ERR_RUNTIME, "out of memory evaluating lengths");
        if (st == TF_OK)
            st = train_evaluate_lengths(t->m, t->ds, tt->o.len_lo, tt->o.len_hi, 100, r, err);
        for (int i = 0; st == TF_OK && i < n; i++) {
            vals[i] = (float)(tt->o.len_lo + i);
            vals[n + i] = r[i].sentences ? (float)r[i].token_accuracy : NAN;
            vals[2 * n + i] = r[i].sentences ? (float)r[i].exact_match : NAN;
        }
        CURVE("train.lengths.length", "length", vals, (uint32_t)n, "L",
              "The sentence lengths evaluated after training: those trained on, and longer ones never seen.")
        CURVE("train.lengths.accuracy", "length", vals + n, (uint32_t)n,
              "correct / counted target tokens of held-out sentences of length L",
              "Teacher-forced token accuracy at each length: where the model's positions stop making sense, "
              "it falls.")
        CURVE("train.lengths.exact", "length", vals + 2 * n, (uint32_t)n,
              "sentences of length L greedy generation gets exactly right / sentences",
              "Whole sentences right at each length, generated token by token: one wrong token and the "
              "sentence is wrong.")
        if (st == TF_OK && out)
            memcpy(out->lengths, r, (size_t)n * sizeof *r);
        free(r);
        free(vals);
    }
#undef CURVE
    if (st) {
        train_trace_abort(tt);
        return st;
    }
    if (out) {
        out->records = tt->exec;
        out->bytes = trace_writer_bytes(tt->w);
        out->snapshots = tt->snapshots;
        out->last = tt->last;
    }
    st = trace_writer_finish(tt->w, err);
    tt->w = NULL;
    free_all(tt);
    return st;
}

char *train_trace_meta(const Trainer *t, const TrainTraceOptions *o, const char *head)
{
    const size_t cap = 65536 + strlen(head);
    char *meta = malloc(cap);
    if (!meta)
        return NULL;
    size_t n = 0;
#define PUT(...)                                                               \
    do {                                                                       \
        if (n < cap)                                                           \
            n += (size_t)snprintf(meta + n, cap - n, __VA_ARGS__);             \
    } while (0)
    PUT("%s", head);
    if (n && meta[n - 1] != '\n')
        PUT("\n");
    const TrainOptions *to = &t->o;
    PUT("task = %s\nsteps = %d\nbatch = %d\nwarmup = %d\nlr_scale = %g\nclip = %g\nlabel_smoothing = %g\n"
        "seed = %llu\ntrace_every = %d\n",
        task_name(t->ds->opt.kind), to->steps, to->batch, to->warmup, to->lr_scale, to->clip,
        (double)to->label_smoothing, (unsigned long long)to->seed, o->every);
    if (to->input_dropout > 0)
        PUT("input_dropout = %g\n", (double)to->input_dropout);
    if (to->dropout > 0)
        PUT("dropout = %g\n", (double)to->dropout);
    if (t->ds->poems_recombined > 0)
        PUT("recombine = %d\n", t->ds->poems_recombined);
    /* the probe as its model's tokenizer writes a sentence */
    const Vocab *v = &t->m->vocab;
    const struct {
        const char *key;
        const int *ids;
        int len;
    } probe[2] = {{"probe", o->probe_src, o->probe_src_len}, {"probe_tgt", o->probe_tgt, o->probe_tgt_len}};
    for (int k = 0; k < 2; k++) {
        const char **text = malloc(((size_t)probe[k].len + 1) * sizeof *text);
        PUT("%s =", probe[k].key);
        if (text && n < cap && probe[k].len > 0) {
            for (int i = 0; i < probe[k].len; i++)
                text[i] = vocab_token(v, probe[k].ids[i]);
            PUT(" ");
            int len = n < cap ? token_text_join(t->m->cfg.tokenizer, meta + n, cap - n, text, probe[k].len) : -1;
            n = len < 0 ? cap : n + (size_t)len;
        }
        free(text);
        PUT("\n");
    }
    if (o->len_lo || o->len_hi)
        PUT("eval_lengths = %d-%d\n", o->len_lo, o->len_hi);
    TrainedOn on;
    task_dataset_trained_on(t->ds, &on);
    char trained[256];
    trained_on_describe(&on, trained, sizeof trained);
    PUT("trained_on = %s\n\n", trained);
#undef PUT
    if (n < cap)
        config_to_ini(&t->m->cfg, meta + n, (int)(cap - n));
    return meta;
}

void train_trace_abort(TrainTrace *tt)
{
    if (!tt)
        return;
    if (tt->w)
        trace_writer_abort(tt->w);
    free_all(tt);
}
