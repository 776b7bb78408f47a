/* batch.c — tokenizing the input sentences into one padded batch. */
#include "model/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Status tokenize_all(const Config *c, const Vocab *v, const char (*text)[CONFIG_TEXT_MAX / 8], int n,
                           const char *what, int **ids, int **lens, int *T, TokenWarning warn,
                           void *ctx, Error *err)
{
    int cap = c->max_len;
    int *tmp = calloc((size_t)n * (size_t)(cap + 1), sizeof *tmp);
    *lens = calloc((size_t)n, sizeof **lens);
    if (!tmp || !*lens) {
        free(tmp);
        return error_set(err, TF_ERR_RUNTIME, "out of memory tokenizing %s sentences", what);
    }
    *T = 0;
    for (int i = 0; i < n; i++) {
        char name[300];
        config_sentence_where(c, strcmp(what, "target") == 0, i, name, sizeof name);
        /* One slot more than max_len, so a sentence that is too long is
         * told apart from one that is exactly max_len. */
        Status st = tokenize(v, text[i], name, tmp + (size_t)i * (cap + 1), cap + 1, &(*lens)[i],
                             warn, ctx, err);
        if (st != TF_OK) {
            free(tmp);
            return st;
        }
        if ((*lens)[i] == 0) {
            free(tmp);
            return error_set(err, TF_ERR_INPUT, "%s is empty", name);
        }
        st = config_check_length(c, (*lens)[i], name, err);
        if (st != TF_OK) {
            free(tmp);
            return st;
        }
        if ((*lens)[i] > *T)
            *T = (*lens)[i];
    }
    /* Repack to (n, T), padding each sentence at its end. */
    *ids = calloc((size_t)n * (size_t)*T, sizeof **ids);
    if (!*ids) {
        free(tmp);
        return error_set(err, TF_ERR_RUNTIME, "out of memory tokenizing %s sentences", what);
    }
    for (int i = 0; i < n; i++)
        for (int t = 0; t < *T; t++)
            (*ids)[i * *T + t] = t < (*lens)[i] ? tmp[(size_t)i * (cap + 1) + t] : TOK_PAD;
    free(tmp);
    return TF_OK;
}

static const char **labels_for(const Vocab *v, const int *ids, size_t n)
{
    const char **l = calloc(n ? n : 1, sizeof *l);
    if (l)
        for (size_t i = 0; i < n; i++)
            l[i] = vocab_token(v, ids[i]);
    return l;
}

Status batch_build(Batch *b, const Config *c, const Vocab *v, TokenWarning warn, void *ctx, Error *err)
{
    memset(b, 0, sizeof *b);
    Status st;
    if (c->arch == ARCH_DECODER_ONLY) {
        if (c->n_src > 0 && c->n_tgt > 0)
            return error_set(err, TF_ERR_INPUT,
                             "a decoder-only model reads one sequence per sentence: give sources or targets, not both");
        int n = c->n_tgt ? c->n_tgt : c->n_src;
        if (n == 0)
            return error_set(err, TF_ERR_INPUT, "no input sentence: give one with --src TEXT");
        b->B = n;
        st = tokenize_all(c, v, c->n_tgt ? c->tgt : c->src,
                          n, c->n_tgt ? "target" : "source", &b->tgt, &b->tgt_len, &b->Tt, warn, ctx, err);
    } else {
        if (c->n_src == 0)
            return error_set(err, TF_ERR_INPUT, "no source sentence: give one with --src TEXT");
        if (c->n_tgt != 0 && c->n_tgt != c->n_src)
            return error_set(err, TF_ERR_INPUT,
                             "%d source sentences but %d targets: give one target per source, or none",
                             c->n_src, c->n_tgt);
        b->B = c->n_src;
        st = tokenize_all(c, v, c->src, c->n_src, "source", &b->src,
                          &b->src_len, &b->Ts, warn, ctx, err);
        if (st == TF_OK) {
            if (c->n_tgt) {
                st = tokenize_all(c, v, c->tgt, c->n_tgt, "target", &b->tgt,
                                  &b->tgt_len, &b->Tt, warn, ctx, err);
            } else {
                b->Tt = 1;
                b->tgt = calloc((size_t)b->B, sizeof *b->tgt);
                b->tgt_len = calloc((size_t)b->B, sizeof *b->tgt_len);
                if (!b->tgt || !b->tgt_len)
                    st = error_set(err, TF_ERR_RUNTIME, "out of memory");
                for (int i = 0; st == TF_OK && i < b->B; i++) {
                    b->tgt[i] = TOK_START;
                    b->tgt_len[i] = 1;
                }
            }
        }
    }
    if (st == TF_OK) {
        b->src_labels = labels_for(v, b->src, (size_t)b->B * (size_t)b->Ts);
        b->tgt_labels = labels_for(v, b->tgt, (size_t)b->B * (size_t)b->Tt);
        if (!b->src_labels || !b->tgt_labels)
            st = error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    if (st != TF_OK)
        batch_free(b);
    return st;
}

void batch_free(Batch *b)
{
    free(b->src);
    free(b->tgt);
    free(b->src_len);
    free(b->tgt_len);
    free(b->src_labels);
    free(b->tgt_labels);
    memset(b, 0, sizeof *b);
}
