/* trainer_eval.c — how good a trained model is on examples it has not
 * seen: teacher-forced loss and token accuracy, and greedy exact match. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/forward.h"
#include "model/generator.h"
#include "model/loss.h"
#include "train/trainer.h"

#define EVAL_BATCH 64

/* Teacher forcing over ex[0..n) in batches: loss and token accuracy. */
static Status eval_teacher_forced(const Model *m, const Example *ex, int n, EvalResult *r, Error *err)
{
    const int **src = calloc(EVAL_BATCH, sizeof *src), **tgt = calloc(EVAL_BATCH, sizeof *tgt);
    int *src_len = calloc(EVAL_BATCH, sizeof *src_len), *tgt_len = calloc(EVAL_BATCH, sizeof *tgt_len);
    Status st = TF_OK;
    double loss_sum = 0;
    if (!src || !tgt || !src_len || !tgt_len)
        st = error_set(err, TF_ERR_RUNTIME, "out of memory evaluating");
    for (int at = 0; st == TF_OK && at < n; at += EVAL_BATCH) {
        const int B = n - at < EVAL_BATCH ? n - at : EVAL_BATCH;
        for (int i = 0; i < B; i++) {
            src[i] = ex[at + i].src;
            src_len[i] = ex[at + i].src_len;
            tgt[i] = ex[at + i].tgt;
            tgt_len[i] = ex[at + i].tgt_len;
        }
        Batch b;
        Activations a;
        if ((st = batch_from_ids(&b, &m->cfg, &m->vocab, B, src, src_len, tgt, tgt_len, 0, 0, err)))
            break;
        if ((st = activations_init(&a, m, &b, err))) {
            batch_free(&b);
            break;
        }
        model_forward(m, &b, &a);
        const int V = m->vocab.size;
        for (int i = 0; i < b.B * b.Tt; i++) {
            if (b.target[i] == TOK_PAD)
                continue;
            r->tokens++;
            r->correct += (int)a.dec_predicted[i] == b.target[i];
            loss_sum += loss_cross_entropy(a.dec_logits + (size_t)i * V, V, b.target[i]);
        }
        activations_free(&a);
        batch_free(&b);
    }
    free(src);
    free(tgt);
    free(src_len);
    free(tgt_len);
    if (st == TF_OK) {
        r->loss = r->tokens ? loss_sum / (double)r->tokens : 0;
        r->token_accuracy = r->tokens ? (double)r->correct / (double)r->tokens : 0;
        r->bits = r->loss / log(2.0);
    }
    return st;
}

/* Greedy generation for one source sentence (encoder-decoder): the chosen
 * tokens, <END> excluded, into out (cap), their count in *n_out; *ended
 * says whether <END> was chosen within max_new tokens. */
static Status train_greedy_decode(const Model *m, const int *src, int src_len, int max_new, int *out,
                                  int cap, int *n_out, bool *ended, Error *err)
{
    *n_out = 0;
    *ended = false;
    const int *srcs[1] = {src};
    Batch b;
    Status st = batch_from_ids(&b, &m->cfg, &m->vocab, 1, srcs, &src_len, NULL, NULL, 0, 0, err);
    if (st)
        return st;
    Activations enc;
    if ((st = activations_init_encoder(&enc, m, &b, err))) {
        batch_free(&b);
        return st;
    }
    model_encode(m, &b, &enc);
    if (max_new > m->cfg.max_len)
        max_new = m->cfg.max_len;  /* the decoder reads <START> and max_new − 1 chosen tokens */
    const GenOptions o = {.max_new = max_new, .temperature = 0.0f, .top_k = 0, .sample_seed = 1, .use_cache = true};
    Generator g;
    memset(&g, 0, sizeof g);
    if ((st = generator_init(&g, m, &b, enc.enc_memory, &o, err)) == TF_OK) {
        while (st == TF_OK && !g.done && g.step < g.max_steps)
            st = generator_step(&g, err);
        for (int t = g.prompt_len; st == TF_OK && t < g.n_seq; t++) {
            if (g.seq[t] == TOK_END) {
                *ended = true;
                break;
            }
            if (*n_out < cap)
                out[(*n_out)++] = g.seq[t];
        }
        generator_free(&g);
    }
    activations_free(&enc);
    batch_free(&b);
    return st;
}

Status train_evaluate(const Model *m, const Example *ex, int n, bool generate, EvalResult *r, Error *err)
{
    memset(r, 0, sizeof *r);
    r->sentences = n;
    r->exact_match = -1;
    Status st = eval_teacher_forced(m, ex, n, r, err);
    if (st || !generate || m->cfg.arch == ARCH_DECODER_ONLY)
        return st;
    int out[TASK_MAX_LEN + 16];
    for (int i = 0; i < n; i++) {
        int got;
        bool ended;
        st = train_greedy_decode(m, ex[i].src, ex[i].src_len, ex[i].tgt_len + 8, out, (int)(sizeof out / sizeof *out),
                                 &got, &ended, err);
        if (st)
            return st;
        r->exact += ended && got == ex[i].tgt_len && memcmp(out, ex[i].tgt, (size_t)got * sizeof *out) == 0;
    }
    r->exact_match = n ? (double)r->exact / n : 0;
    return TF_OK;
}
