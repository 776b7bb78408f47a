/* baselines.c — unigram and bigram bits per token of a decoder-only
 * dataset (baselines.h). */
#include "train/baselines.h"

#include <stdlib.h>

static Status sequences(const Example *ex, int n, const int ***seqs, int **lens, Error *err)
{
    *seqs = malloc((size_t)(n ? n : 1) * sizeof **seqs);
    *lens = malloc((size_t)(n ? n : 1) * sizeof **lens);
    if (!*seqs || !*lens)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    for (int i = 0; i < n; i++) {
        (*seqs)[i] = ex[i].tgt;  /* <START> x1 .. xn: ngram reads the <START> as the first context */
        (*lens)[i] = ex[i].tgt_len;
    }
    return TF_OK;
}

Status baselines_measure(const Dataset *ds, bool heldout, NgramBits *out, Error *err)
{
    if (!task_decoder_only(ds->opt.kind))
        return error_set(err, TF_ERR_INPUT, "task %s has sources and targets: its baselines are not defined here",
                         task_name(ds->opt.kind));
    const int **train = NULL, **score = NULL;
    int *train_len = NULL, *score_len = NULL;
    NgramModel m = {0};
    Status st = sequences(ds->train, ds->n_train, &train, &train_len, err);
    if (st == TF_OK)
        st = heldout ? sequences(ds->heldout, ds->n_heldout, &score, &score_len, err) : TF_OK;
    if (st == TF_OK)
        st = ngram_fit(&m, ds->vocab.size, train, train_len, ds->n_train, err);
    if (st == TF_OK)
        st = heldout ? ngram_bits(&m, score, score_len, ds->n_heldout, out, err)
                     : ngram_bits(&m, train, train_len, ds->n_train, out, err);
    ngram_free(&m);
    free(train);
    free(train_len);
    free(score);
    free(score_len);
    return st;
}
