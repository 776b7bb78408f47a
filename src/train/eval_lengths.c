/* eval_lengths.c — how a trained model does on each sentence length,
 * including lengths it never saw: where a positions kind extrapolates and
 * where it breaks. */
#include <stdlib.h>
#include <string.h>

#include "train/trainer.h"

/* The seed of the fresh sentences of length L: ds's seed and L, mixed so
 * that neighbouring lengths draw unrelated sentences. */
static uint64_t length_seed(uint64_t seed, int L)
{
    uint64_t x = seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(L + 1));
    x ^= x >> 31;
    return x * 0xbf58476d1ce4e5b9ull;
}

/* ds's held-out examples of length L (source length), at most cap. */
static int heldout_of_length(const Dataset *ds, int L, Example *out, int cap)
{
    int n = 0;
    for (int i = 0; i < ds->n_heldout && n < cap; i++)
        if (ds->heldout[i].src_len == L)
            out[n++] = ds->heldout[i];
    return n;
}

Status train_lengths_check(const Model *m, const Dataset *ds, int lo, int hi, Error *err)
{
    if (task_decoder_only(ds->opt.kind))
        return error_set(err, TF_ERR_INPUT, "task %s: lengths apply to copy, reverse and sort", task_name(ds->opt.kind));
    if (ds->opt.kind == TASK_PHRASEBOOK)
        return error_set(err, TF_ERR_INPUT, "task phrasebook: its sentences have no length to vary; lengths apply to "
                                            "copy, reverse and sort");
    if (lo < 1 || hi < lo || hi > TASK_MAX_LEN)
        return error_set(err, TF_ERR_INPUT, "lengths %d-%d: give lengths from 1 to %d, the first not above the last",
                         lo, hi, TASK_MAX_LEN);
    /* the decoder reads <START> + target: L + 1 positions */
    if (hi + 1 > m->cfg.max_len)
        return error_set(err, TF_ERR_INPUT, "length %d needs %d decoder positions, but the model has max_len = %d",
                         hi, hi + 1, m->cfg.max_len);
    return TF_OK;
}

Status train_evaluate_lengths(const Model *m, const Dataset *ds, int lo, int hi, int per_length, EvalResult *out,
                              Error *err)
{
    Status st = train_lengths_check(m, ds, lo, hi, err);
    if (st)
        return st;
    if (per_length < 1)
        return error_set(err, TF_ERR_INPUT, "give at least 1 sentence per length");
    Example *mine = malloc((size_t)per_length * sizeof *mine);
    if (!mine)
        return error_set(err, TF_ERR_RUNTIME, "out of memory evaluating lengths");
    for (int L = lo; st == TF_OK && L <= hi; L++) {
        EvalResult *r = &out[L - lo];
        if (L >= ds->opt.min_len && L <= ds->opt.max_len) {
            int n = heldout_of_length(ds, L, mine, per_length);
            st = train_evaluate(m, mine, n, true, r, err);
            continue;
        }
        /* Fresh sentences of exactly length L; one training example is
         * the least a dataset holds, and it goes unused. Short lengths
         * have few distinct sentences: take what half of them allows. */
        TaskOptions o = ds->opt;
        o.seed = length_seed(ds->opt.seed, L);
        o.min_len = o.max_len = L;
        o.n_train = 1;
        o.n_heldout = per_length;
        double space = 1;
        for (int i = 0; i < L && space < 1e9; i++)
            space *= o.alphabet;
        if (space / 2 < 1.0 + per_length)
            o.n_heldout = (int)(space / 2) - 1;
        if (o.n_heldout < 1) {
            memset(r, 0, sizeof *r);
            r->exact_match = -1;
            continue;
        }
        Dataset fresh;
        if ((st = task_dataset_generate(&fresh, &o, err)))
            break;
        st = train_check_model(m, &fresh, "the model", err);
        if (st == TF_OK)
            st = train_evaluate(m, fresh.heldout, fresh.n_heldout, true, r, err);
        task_dataset_free(&fresh);
    }
    free(mine);
    return st;
}
