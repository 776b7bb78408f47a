/* attention.c — Attention(Q, K, V) = softmax(Q·Kᵀ/√dk + bias + mask) · V, per head. */
#include "model/attention.h"

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "core/ops.h"
#include "core/parallel.h"
#include "model/positions.h"

/* Blocks with fewer multiply-adds than this (a lesson's small models) keep
 * their heads on one thread: waking another costs more than a head's work.
 * At base size a block has some 60 million. */
#define ATTN_SHARE_MIN_MACS ((size_t)1 << 18)

/* Head hh from its Q and K (rotated with rope) to its share of the concat:
 * scores, bias, mask, softmax, the weighted sum of V. Reads and writes only
 * head hh's rows and columns, so heads may run on different threads. */
static void attend_head(const AttnActs *o, int Tq, int Tk, int d, int h, int hh, const AttnPositions *pos,
                        const AttnSwitches *sw)
{
    const int dk = d / h;
    const float *q = pos->rope ? o->q_rot : o->q, *k = pos->rope ? o->k_rot : o->k;
    /* PyTorch scales q by 1/√dk before the product; scaling the product
     * instead is the same number up to rounding, and lets the trace show
     * raw and scaled scores as two steps. The switches may drop the
     * 1/√dk (scale = off) or divide by a temperature as well. */
    const float scale = sw->scale;
    const size_t qo = (size_t)hh * Tq * dk, ko = (size_t)hh * Tk * dk;
    const size_t so = (size_t)hh * Tq * Tk;
    linear_forward(o->raw + so, q + qo, k + ko, NULL, Tq, dk, Tk);  /* Q·Kᵀ */
    scale_forward(o->scores + so, o->raw + so, scale, (size_t)Tq * Tk);
    /* T5 adds its bias to the scores before the mask (it folds the
     * 1/√dk into its initialisation; here the bias joins the scaled
     * scores, so the two can be compared on one scale). */
    const float *s = o->scores + so;
    if (pos->buckets) {
        add_forward(o->masked + so, s, o->bias + so, (size_t)Tq * Tk);
        s = o->masked + so;
    }
    for (int i = 0; i < Tq; i++)
        add_forward(o->masked + so + (size_t)i * Tk, s + (size_t)i * Tk, o->mask + (size_t)i * Tk, (size_t)Tk);
    softmax_forward(o->weights + so, o->masked + so, Tq, Tk);
    matmul_forward(o->z + qo, o->weights + so, o->v + ko, Tq, Tk, dk);
    if (hh < 64 && (sw->ablated >> hh & 1))
        memset(o->z + qo, 0, (size_t)Tq * dk * sizeof *o->z);  /* ablated: the head says nothing */

    /* concat[t, hh·dk … hh·dk + dk) = z[hh, t, ·] */
    for (int t = 0; t < Tq; t++)
        memcpy(o->concat + (size_t)t * d + (size_t)hh * dk, o->z + qo + (size_t)t * dk, (size_t)dk * sizeof *o->z);
}

/* Head hh of a parallel pass: its Q, K and V from its own dk rows of W_Q,
 * W_K, W_V, turned with rope, then attended. */
static void project_and_attend(const AttnActs *o, const float *xq, const float *xkv, const float *in_w,
                               const float *in_b, int Tq, int Tk, int d, int h, int hh,
                               const AttnPositions *pos, const AttnSwitches *sw)
{
    const int dk = d / h;
    const float *wq = in_w, *wk = in_w + (size_t)d * d, *wv = in_w + (size_t)2 * d * d;
    const float *bq = in_b, *bk = in_b + d, *bv = in_b + 2 * d;
    const size_t qo = (size_t)hh * Tq * dk, ko = (size_t)hh * Tk * dk;
    linear_forward(o->q + qo, xq, wq + (size_t)hh * dk * d, bq + hh * dk, Tq, d, dk);
    linear_forward(o->k + ko, xkv, wk + (size_t)hh * dk * d, bk + hh * dk, Tk, d, dk);
    linear_forward(o->v + ko, xkv, wv + (size_t)hh * dk * d, bv + hh * dk, Tk, d, dk);
    if (pos->rope) {
        /* Self-attention: queries and keys are the same positions. */
        positions_rope_rotate(o->q_rot + qo, o->q + qo, pos->q_pos0, Tq, dk);
        positions_rope_rotate(o->k_rot + ko, o->k + ko, pos->q_pos0, Tk, dk);
    }
    attend_head(o, Tq, Tk, d, h, hh, pos, sw);
}

AttnSwitches attention_switches(const Config *c, AblateBlock block, int layer)
{
    AttnSwitches sw = {config_score_scale(c), 0};
    for (int hh = 0; hh < c->heads && hh < 64; hh++)
        if (config_head_ablated(c, block, layer, hh))
            sw.ablated |= (uint64_t)1 << hh;
    return sw;
}

/* attention_forward's heads as parallel_for pieces, one head each. */
typedef struct {
    const AttnActs *o;
    const float *xq, *xkv, *in_w, *in_b;
    int Tq, Tk, d, h;
    const AttnPositions *pos;
    const AttnSwitches *sw;
    _Atomic uint64_t macs;  /* the heads' multiply-adds, whichever thread ran them */
} HeadsJob;

static void head_piece(void *ctx, int hh)
{
    HeadsJob *j = ctx;
    const uint64_t before = linear_macs();
    project_and_attend(j->o, j->xq, j->xkv, j->in_w, j->in_b, j->Tq, j->Tk, j->d, j->h, hh, j->pos, j->sw);
    atomic_fetch_add(&j->macs, linear_macs() - before);
}

void attention_forward(const AttnActs *o, const float *xq, const float *xkv, const float *in_w,
                       const float *in_b, const float *out_w, const float *out_b, int Tq, int Tk,
                       int d, int h, const AttnPositions *pos, const AttnSwitches *sw)
{
    if (pos->buckets)
        positions_relative_bias(o->bias, pos->buckets, pos->bias_table, h, Tq, Tk);
    /* The heads are independent until the concat, so with several threads
     * they are shared out whole, each head's products on the BLAS of the
     * thread that runs it: at base size (T 64, dk 64) a head's products
     * are too small for the BLAS to split well, and whole heads also take
     * their softmax and copies along. Each head's numbers are computed as
     * at one thread, so the bits do not depend on the split. */
    const size_t work = ((size_t)Tq + 2 * (size_t)Tk) * d * d + 2 * (size_t)Tq * Tk * d;  /* multiply-adds */
    const int threads = work < ATTN_SHARE_MIN_MACS ? 1 : parallel_threads() < h ? parallel_threads() : h;
    if (threads > 1) {
        const int blas = parallel_blas_single();
        /* Each thread counts its products in its own linear_macs; this
         * thread's count takes in the others' too. */
        const uint64_t mine = linear_macs();
        HeadsJob job = {o, xq, xkv, in_w, in_b, Tq, Tk, d, h, pos, sw, 0};
        parallel_for(h, threads, head_piece, &job);
        linear_macs_add(atomic_load(&job.macs) - (linear_macs() - mine));
        parallel_blas_restore(blas);
    } else {
        for (int hh = 0; hh < h; hh++)
            project_and_attend(o, xq, xkv, in_w, in_b, Tq, Tk, d, h, hh, pos, sw);
    }
    linear_forward(o->out, o->concat, out_w, out_b, Tq, d, d);
}

void attention_cache_fill(KVCache *c, const float *xkv, const float *in_w, const float *in_b, int Tk,
                          int d, int h)
{
    const int dk = d / h;
    const float *wk = in_w + (size_t)d * d, *wv = in_w + (size_t)2 * d * d;
    const float *bk = in_b + d, *bv = in_b + 2 * d;
    for (int hh = 0; hh < h; hh++) {
        const size_t co = (size_t)hh * c->cap * dk;
        linear_forward(c->k + co, xkv, wk + (size_t)hh * dk * d, bk + hh * dk, Tk, d, dk);
        linear_forward(c->v + co, xkv, wv + (size_t)hh * dk * d, bv + hh * dk, Tk, d, dk);
    }
    c->n = Tk;
}

void attention_step(const AttnActs *o, const float *xq, const float *x_new, KVCache *c,
                    const float *in_w, const float *in_b, const float *out_w, const float *out_b,
                    int d, int h, const AttnPositions *pos, const AttnSwitches *sw)
{
    const int dk = d / h;
    const int row = c->n;  /* where the new key goes: its position */
    /* One product for every head at once: head hh's rows of W_Q are rows
     * [hh·dk, (hh+1)·dk), one after another, and one query row (h, 1, dk)
     * is d values in the same order. */
    linear_forward(o->q, xq, in_w, in_b, 1, d, d);
    if (x_new) {
        /* Only the newest position is projected, through W_K and W_V at
         * once (rows [d, 3d) of in_w): fresh (2, d) is its K row and its V
         * row, whose heads then join each head's rows; the earlier rows are
         * what this cache saved from earlier steps. */
        linear_forward(c->fresh, x_new, in_w + (size_t)d * d, in_b + d, 1, d, 2 * d);
        for (int hh = 0; hh < h; hh++) {
            const size_t at = (size_t)hh * c->cap * dk + (size_t)row * dk;
            memcpy(c->k + at, c->fresh + (size_t)hh * dk, (size_t)dk * sizeof *c->k);
            memcpy(c->v + at, c->fresh + d + (size_t)hh * dk, (size_t)dk * sizeof *c->v);
            if (pos->rope)
                positions_rope_rotate(c->k_rot + at, c->k + at, pos->q_pos0, 1, dk);
        }
        c->n++;
    }
    if (pos->rope)
        for (int hh = 0; hh < h; hh++)
            positions_rope_rotate(o->q_rot + (size_t)hh * dk, o->q + (size_t)hh * dk, pos->q_pos0, 1, dk);
    const int Tk = c->n;
    /* The records show the cache so far, heads one after another. A cache
     * that is full (cap = n: cross-attention's, of the memory) already has
     * the records' layout, and the generator points the records at it:
     * then there is nothing to copy. */
    for (int hh = 0; hh < h; hh++) {
        const size_t co = (size_t)hh * c->cap * dk, ko = (size_t)hh * Tk * dk, n = (size_t)Tk * dk;
        if (o->k != c->k)
            memcpy(o->k + ko, c->k + co, n * sizeof *o->k);
        if (o->v != c->v)
            memcpy(o->v + ko, c->v + co, n * sizeof *o->v);
        if (pos->rope)
            memcpy(o->k_rot + ko, c->k_rot + co, n * sizeof *o->k_rot);
    }
    if (pos->buckets)
        positions_relative_bias(o->bias, pos->buckets, pos->bias_table, h, 1, Tk);
    for (int hh = 0; hh < h; hh++)
        attend_head(o, 1, Tk, d, h, hh, pos, sw);
    linear_forward(o->out, o->concat, out_w, out_b, 1, d, d);
}
