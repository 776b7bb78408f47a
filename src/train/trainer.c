/* trainer.c — the training loop: shuffled minibatches, forward, backward,
 * clipping, Adam. Evaluation lives in trainer_eval.c. */
#include "train/trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "model/forward.h"
#include "text/tokenizer.h"

/* The RNG stream of the data order: the dataset (tasks.c), the weights and
 * sampling draw from their own streams. */
#define ORDER_RNG_STREAM 0x0dda
#define DROP_RNG_STREAM 0xd207
#define NET_DROP_RNG_STREAM 0xd20b

int train_blas_single(void)
{
#ifdef TF_NO_BLAS
    return 1;
#else
    int before = openblas_get_num_threads();
    openblas_set_num_threads(1);
    return before;
#endif
}

void train_blas_restore(int threads)
{
#ifdef TF_NO_BLAS
    (void)threads;
#else
    if (threads >= 1)
        openblas_set_num_threads(threads);
#endif
}

void train_options_default(TrainOptions *o, TaskKind kind)
{
    /* Measured on 2 cores (make bench): batches of 64 at half the paper's
     * learning rate reach ≥ 99% held-out token accuracy on copy and reverse
     * and ≥ 95% exact match on the phrasebook well before these step
     * counts, and stay there; at the paper's scale (1) or above, the
     * accuracy of reverse kept jumping by a percent between evaluations
     * (a tiny model's d_model^-0.5 makes the paper's peak rate large). */
    *o = (TrainOptions){
        .steps = 1500,
        .batch = 64,
        .warmup = 200,
        .lr_scale = 0.5,
        .clip = 1.0,
        .label_smoothing = 0.0f,
        .seed = 1,
    };
    switch (kind) {
    case TASK_COPY:
        o->steps = 600;
        break;
    case TASK_REVERSE:
        o->steps = 1500;
        break;
    case TASK_SORT:
        o->steps = 2000;
        break;
    case TASK_PHRASEBOOK:
        o->steps = 600;
        break;
    case TASK_POEMS:
        /* 20 000 characters are learnt by heart fast: without help the
         * held-out loss is lowest after 150 to 200 steps of 32 chunks,
         * before the model has learnt the verse's form (a third of its
         * lines keep it). Dropout 0.3, rotary positions (in the config)
         * and 4000 recombined examples (train/recombine.h) keep the form
         * in 81% of the lines after first lines in no poem by 500 steps;
         * the held-out loss has passed the unigram's by then (measured:
         * README, "Real text"). A quarter of the paper's rate did best of
         * 1/8, 1/4, 1/2 and 1. */
        o->steps = 500;
        o->dropout = 0.3f;
        o->batch = 32;
        o->warmup = 200;
        o->lr_scale = 0.25;
        break;
    default:
        break;
    }
}

void train_config_default(Config *c, TaskKind kind)
{
    config_defaults(c);
    /* Tiny: d_model 64 with 4 heads of 16, one or two layers a side. Pre-LN
     * (with the final norms it needs) trains without the careful warm-up
     * post-LN wants; sinusoidal positions, as in the paper. */
    c->d_model = 64;
    c->heads = 4;
    c->d_ff = 128;
    c->norm = NORM_PRE;
    c->final_norm = true;
    c->enc_layers = c->enc_layers_wanted = 2;
    c->dec_layers = 2;
    c->max_len = 32;
    if (kind == TASK_COPY) {
        c->enc_layers = c->enc_layers_wanted = 1;
        c->dec_layers = 1;
    }
    if (kind == TASK_POEMS) {
        /* decoder-only, one token per character. d_model 128 with 2
         * layers: 64 wide or 3 deep did no better on held-out poems (8.12
         * and 8.10 bits per character against 8.08), 32 wide worse (8.21).
         * Rotary positions: scores that depend on how far back a key is,
         * as a line's places do (with recombined examples, 500 steps:
         * 81% of lines in form with rope and dropout 0.3, 58% with
         * sinusoidal positions and dropout 0.2). */
        c->arch = ARCH_DECODER_ONLY;
        c->enc_layers = 0;
        c->tokenizer = TOKENIZER_CHARS;
        c->d_model = 128;
        c->heads = 4;
        c->d_ff = 512;
        c->dec_layers = 2;
        c->positions = POS_ROPE;
        c->max_len = POEMS_DEFAULT_CHUNK + 2;
    }
}

Status train_config_fit(Config *c, const Dataset *ds, uint64_t seed, Error *err)
{
    size_t n = 0;
    const bool dec_only = task_decoder_only(ds->opt.kind);
    c->vocab[0] = '\0';
    /* A character vocabulary of thousands does not fit a config's [vocab]
     * line: train_model_init gives the model the dataset's. */
    for (int i = TOK_SPECIALS; i < ds->vocab.size && !dec_only; i++) {
        const char *tok = ds->vocab.tokens[i];
        size_t k = strlen(tok);
        if (n + k + 2 > sizeof c->vocab)
            return error_set(err, TF_ERR_INPUT, "task %s: vocabulary too long for a config",
                             task_name(ds->opt.kind));
        if (n)
            c->vocab[n++] = ' ';
        memcpy(c->vocab + n, tok, k + 1);
        n += k;
    }
    c->seed = seed;
    c->n_src = c->n_tgt = 0;
    if (dec_only)
        c->tokenizer = TOKENIZER_CHARS;
    Status st = config_check_length(c, ds->max_src_len, "the task's longest source", err);
    if (st == TF_OK)
        st = config_check_length(c, task_decoder_positions(ds),
                                 dec_only ? "the task's longest example (its characters)"
                                          : "the task's longest decoder input (<START> + target)",
                                 err);
    const Architecture want = dec_only ? ARCH_DECODER_ONLY : ARCH_ENCODER_DECODER;
    if (st == TF_OK && c->arch != want)
        st = error_set(err, TF_ERR_INPUT, "task %s trains a%s %s model, not %s", task_name(ds->opt.kind),
                       dec_only ? "" : "n", config_arch_name(want), config_arch_name(c->arch));
    return st;
}

Status train_model_init(Model *m, const Config *cfg, const Dataset *ds, Error *err)
{
    if (cfg->vocab[0])
        return model_init_random(m, cfg, err);
    return model_init_with_vocab(m, cfg, &ds->vocab, err);
}

Status train_check_model(const Model *m, const Dataset *ds, const char *what, Error *err)
{
    const char *task = task_name(ds->opt.kind);
    const Architecture want = task_decoder_only(ds->opt.kind) ? ARCH_DECODER_ONLY : ARCH_ENCODER_DECODER;
    if (m->cfg.arch != want)
        return error_set(err, TF_ERR_INPUT, "%s: a%s %s model, but task %s needs a%s %s", what,
                         m->cfg.arch == ARCH_ENCODER_DECODER ? "n" : "", config_arch_name(m->cfg.arch), task,
                         want == ARCH_ENCODER_DECODER ? "n" : "", config_arch_name(want));
    if (m->vocab.size != ds->vocab.size) {
        error_set(err, TF_ERR_INPUT, "%s: the model's vocabulary has %d tokens, task %s's has %d", what,
                  m->vocab.size, task, ds->vocab.size);
        error_hint(err, "was the model trained on another task? `traceformer train --task %s` makes one", task);
        return TF_ERR_INPUT;
    }
    for (int i = 0; i < ds->vocab.size; i++)
        if (strcmp(m->vocab.tokens[i], ds->vocab.tokens[i]) != 0) {
            error_set(err, TF_ERR_INPUT, "%s: the model's token %d is '%s', task %s's is '%s'", what, i,
                      m->vocab.tokens[i], task, ds->vocab.tokens[i]);
            error_hint(err, "was the model trained on another task? `traceformer train --task %s` makes one", task);
            return TF_ERR_INPUT;
        }
    if (m->cfg.max_len < ds->max_src_len || m->cfg.max_len < task_decoder_positions(ds))
        return error_set(err, TF_ERR_INPUT, "%s: max_len = %d, but task %s has sentences of %d source and %d decoder positions",
                         what, m->cfg.max_len, task, ds->max_src_len, task_decoder_positions(ds));
    return TF_OK;
}

static void reshuffle(Trainer *t)
{
    for (int i = t->ds->n_train - 1; i > 0; i--) {
        int j = (int)rng_below(&t->rng, (uint32_t)i + 1);
        int x = t->order[i];
        t->order[i] = t->order[j];
        t->order[j] = x;
    }
    t->cursor = 0;
}

/* The next `batch` examples of the permutation, reshuffling at each epoch's end. */
static void next_examples(Trainer *t)
{
    for (int i = 0; i < t->o.batch; i++) {
        if (t->cursor == t->ds->n_train)
            reshuffle(t);
        const Example *e = &t->ds->train[t->order[t->cursor++]];
        t->src[i] = e->src;
        t->src_len[i] = e->src_len;
        t->tgt[i] = e->tgt;
        t->tgt_len[i] = e->tgt_len;
    }
}

Status trainer_init(Trainer *t, Model *m, const Dataset *ds, const TrainOptions *o, Error *err)
{
    memset(t, 0, sizeof *t);
    t->blas_threads = -1;
    if (o->steps < 1)
        return error_set(err, TF_ERR_INPUT, "steps = %d: train for at least 1 step", o->steps);
    if (o->batch < 1 || o->batch > 4096)
        return error_set(err, TF_ERR_INPUT, "batch = %d: give 1 to 4096 sentences per step", o->batch);
    if (o->warmup < 1)
        return error_set(err, TF_ERR_INPUT, "warmup = %d: give at least 1 step", o->warmup);
    if (!(o->lr_scale > 0) || !isfinite(o->lr_scale))
        return error_set(err, TF_ERR_INPUT, "lr scale %g: give a positive number", o->lr_scale);
    if (!(o->clip > 0) || !isfinite(o->clip))
        return error_set(err, TF_ERR_INPUT, "clip %g: give a positive number", o->clip);
    if (!(o->label_smoothing >= 0 && o->label_smoothing < 1))
        return error_set(err, TF_ERR_INPUT, "label smoothing %g: give a number in [0, 1)",
                         (double)o->label_smoothing);
    if (!(o->input_dropout >= 0 && o->input_dropout < 1))
        return error_set(err, TF_ERR_INPUT, "input dropout %g: give a number in [0, 1)", (double)o->input_dropout);
    if (!(o->dropout >= 0 && o->dropout < 1))
        return error_set(err, TF_ERR_INPUT, "dropout %g: give a number in [0, 1)", (double)o->dropout);
    Status st = train_check_model(m, ds, "the model", err);
    if (st)
        return st;
    t->ds = ds;
    t->o = *o;
    const int B = o->batch, Ts = ds->max_src_len, Tt = task_decoder_positions(ds);
    t->order = malloc((size_t)ds->n_train * sizeof *t->order);
    t->src = calloc((size_t)B, sizeof *t->src);
    t->tgt = calloc((size_t)B, sizeof *t->tgt);
    t->src_len = calloc((size_t)B, sizeof *t->src_len);
    t->tgt_len = calloc((size_t)B, sizeof *t->tgt_len);
    if (!t->order || !t->src || !t->tgt || !t->src_len || !t->tgt_len) {
        trainer_free(t);
        return error_set(err, TF_ERR_RUNTIME, "out of memory setting up training");
    }
    for (int i = 0; i < ds->n_train; i++)
        t->order[i] = i;
    rng_seed(&t->rng, o->seed, ORDER_RNG_STREAM);
    rng_seed(&t->drop, o->seed, DROP_RNG_STREAM);
    reshuffle(t);
    /* The first batch builds the Batch (padded to the longest sentences of
     * the dataset) that every later step refills. */
    const int cursor = t->cursor;
    next_examples(t);
    t->cursor = cursor;
    int stage = 0;  /* how many of batch, acts, grads, adam exist */
    st = batch_from_ids(&t->batch, &m->cfg, &m->vocab, B, t->src, t->src_len, t->tgt, t->tgt_len, Ts, Tt, err);
    if (st == TF_OK && ++stage && (st = activations_init(&t->acts, m, &t->batch, err)) == TF_OK && ++stage &&
        (st = backprop_grads_alloc(&t->g, m, B, Ts, Tt, err)) == TF_OK && ++stage &&
        (st = optim_adam_init(&t->adam, m->w.numel, err)) == TF_OK && ++stage &&
        (o->dropout == 0 ||
         (st = dropout_init(&t->net_drop, o->dropout, o->seed, NET_DROP_RNG_STREAM, &m->cfg, B, Ts, Tt, err)) ==
             TF_OK))
        ++stage;
    if (st) {
        if (stage > 3)
            optim_adam_free(&t->adam);
        if (stage > 2)
            backprop_grads_free(&t->g);
        if (stage > 1)
            activations_free(&t->acts);
        if (stage > 0)
            batch_free(&t->batch);
        trainer_free(t);
        return st;
    }
    t->m = m;  /* from here on trainer_free frees the five above */
    t->blas_threads = train_blas_single();
    return TF_OK;
}

/* Input dropout: each decoder input but the first (a poems example's
 * first character, the only context of the first prediction) becomes <UNK> with
 * chance input_dropout, while what it should predict stays. With a corpus
 * of 20 000 characters a model soon learns whole lines by heart; reading
 * some of its context as unknown makes it lean on what usually follows
 * what, which is what generalises (the word dropout of Gal and
 * Ghahramani's language models). Only the step's batch changes. */
static void drop_inputs(Trainer *t)
{
    Batch *b = &t->batch;
    const uint32_t below = (uint32_t)((double)t->o.input_dropout * 4294967296.0);
    for (int i = 0; i < b->B * b->Tt; i++) {
        int *id = &b->tgt[i];
        if (i % b->Tt == 0 || *id == TOK_PAD || *id == TOK_START || *id == TOK_END)
            continue;
        if (rng_u32(&t->drop) < below) {
            *id = TOK_UNK;
            b->tgt_labels[i] = vocab_token(&t->m->vocab, TOK_UNK);
        }
    }
}

Status trainer_step(Trainer *t, Error *err)
{
    Model *m = t->m;
    next_examples(t);
    Status st = batch_set_ids(&t->batch, &m->cfg, &m->vocab, t->src, t->src_len, t->tgt, t->tgt_len, err);
    if (st)
        return st;
    if (t->o.input_dropout > 0)
        drop_inputs(t);
    /* This step's pass only: the activations forget the masks after it. */
    if (t->o.dropout > 0) {
        dropout_draw(&t->net_drop);
        t->acts.dropout = &t->net_drop.masks;
    }
    model_forward(m, &t->batch, &t->acts);
    backprop_grads_zero(&t->g);
    float loss = 0;
    st = model_backward(m, &t->batch, &t->acts, t->o.label_smoothing, &t->g, &loss, err);
    t->acts.dropout = NULL;
    if (st)
        return st;
    const double norm = optim_clip_grad_norm(t->g.w.block, t->g.w.numel, t->o.clip);
    if (!isfinite(loss) || !isfinite(norm))
        return error_set(err, TF_ERR_RUNTIME, "step %ld: the %s is not finite (%g): training diverged",
                         t->step + 1, isfinite(loss) ? "gradient norm" : "loss",
                         isfinite(loss) ? norm : (double)loss);
    t->step++;
    t->lr = optim_lr_schedule(t->step, m->cfg.d_model, t->o.warmup, t->o.lr_scale);
    optim_adam_step(&t->adam, m->w.block, t->g.w.block, (float)t->lr);
    t->loss = loss;
    t->grad_norm = norm;
    /* the batch's teacher-forced accuracy, from the forward's argmax */
    int correct = 0, counted = 0;
    const Batch *b = &t->batch;
    for (int i = 0; i < b->B * b->Tt; i++)
        if (b->target[i] != TOK_PAD) {
            counted++;
            correct += (int)t->acts.dec_predicted[i] == b->target[i];
        }
    t->correct = correct;
    t->counted = counted;
    t->tokens += counted;
    return TF_OK;
}

void trainer_free(Trainer *t)
{
    if (t->m) {
        dropout_free(&t->net_drop);
        optim_adam_free(&t->adam);
        backprop_grads_free(&t->g);
        activations_free(&t->acts);
        batch_free(&t->batch);
    }
    if (t->blas_threads >= 1)
        train_blas_restore(t->blas_threads);
    free(t->order);
    free(t->src);
    free(t->tgt);
    free(t->src_len);
    free(t->tgt_len);
    memset(t, 0, sizeof *t);
}
