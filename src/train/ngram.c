/* ngram.c — unigram and bigram baselines (ngram.h). */
#include "train/ngram.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/vocab.h"

/* Sequence i as a decoder-only model reads it: ids [0, *last) with a
 * final <END> left off; position 0 is only context (a written <START>, or
 * the first character of a sequence read as written), and positions 1 ..
 * *last − 1 and the <END> after them are predicted, each from the one
 * before. *first = 1, or 0 for an empty sequence (nothing predicted).
 * Checks every id. */
static Status seq_span(int vocab, const int *const *seqs, const int *lens, int i, int *first, int *last,
                       Error *err)
{
    if (lens[i] < 0)
        return error_set(err, TF_ERR_INPUT, "sequence %d: length %d", i, lens[i]);
    if (lens[i] > 0 && !seqs[i])
        return error_set(err, TF_ERR_INPUT, "sequence %d: no ids", i);
    int b = lens[i];
    if (b > 1 && seqs[i][b - 1] == TOK_END)
        b--;
    for (int t = 0; t < b; t++) {
        const int id = seqs[i][t];
        if (id < 0 || id >= vocab)
            return error_set(err, TF_ERR_INPUT, "sequence %d, position %d: id %d is outside the vocabulary (0 .. %d)",
                             i, t, id, vocab - 1);
        if (id == TOK_PAD || (id == TOK_START && t > 0) || id == TOK_END)
            return error_set(err, TF_ERR_INPUT,
                             "sequence %d, position %d: %s inside a sequence (only a leading <START> and a final "
                             "<END> may be written)",
                             i, t, id == TOK_PAD ? "<PAD>" : id == TOK_START ? "<START>" : "<END>");
    }
    *first = b > 0 ? 1 : 0;
    *last = b;
    return TF_OK;
}

static int cmp_u64(const void *x, const void *y)
{
    const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Count the sequences i with use[i] (use NULL: all) into m, replacing
 * earlier counts. The ids are already checked. */
static Status count_pairs(NgramModel *m, const int *const *seqs, const int *lens, int n, const unsigned char *use,
                          Error *err)
{
    const int V = m->V;
    size_t total = 0;
    for (int i = 0; i < n; i++)
        if (!use || use[i]) {
            if (total > SIZE_MAX / sizeof(uint64_t) - (size_t)lens[i] - 1)
                return error_set(err, TF_ERR_INPUT, "too many tokens to count");
            total += (size_t)lens[i] + 1;
        }
    uint64_t *keys = malloc((total ? total : 1) * sizeof *keys);
    if (!keys)
        return error_set(err, TF_ERR_RUNTIME, "out of memory (%zu token pairs)", total);
    memset(m->count, 0, (size_t)V * sizeof *m->count);
    memset(m->context, 0, (size_t)V * sizeof *m->context);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (use && !use[i])
            continue;
        int a, b;
        Status st = seq_span(V, seqs, lens, i, &a, &b, err);
        if (st) {
            free(keys);
            return st;
        }
        if (b == 0)
            continue;  /* an empty sequence predicts nothing */
        int prev = seqs[i][0];
        for (int t = a; t <= b; t++) {
            const int w = t < b ? seqs[i][t] : TOK_END;
            m->count[w]++;
            m->context[prev]++;
            keys[k++] = (uint64_t)prev * (uint64_t)V + (uint64_t)w;
            prev = w;
        }
    }
    qsort(keys, k, sizeof *keys, cmp_u64);
    size_t distinct = 0;
    for (size_t j = 0; j < k; j++)
        distinct += j == 0 || keys[j] != keys[j - 1];
    free(m->next);
    free(m->pair);
    m->next = malloc((distinct ? distinct : 1) * sizeof *m->next);
    m->pair = malloc((distinct ? distinct : 1) * sizeof *m->pair);
    if (!m->next || !m->pair) {
        free(keys);
        return error_set(err, TF_ERR_RUNTIME, "out of memory (%zu token pairs)", distinct);
    }
    memset(m->row, 0, ((size_t)V + 1) * sizeof *m->row);
    size_t d = 0;
    for (size_t j = 0; j < k; j++) {
        if (j > 0 && keys[j] == keys[j - 1]) {
            m->pair[d - 1]++;
            continue;
        }
        const int p = (int)(keys[j] / (uint64_t)V);
        m->next[d] = (int)(keys[j] % (uint64_t)V);
        m->pair[d] = 1;
        m->row[p + 1]++;  /* pairs per context, summed into starts below */
        d++;
    }
    for (int p = 0; p < V; p++)
        m->row[p + 1] += m->row[p];
    m->n_pairs = distinct;
    m->tokens = (long)k;
    free(keys);
    return TF_OK;
}

double ngram_unigram_prob(const NgramModel *m, int w)
{
    if (w < 0 || w >= m->V || w == TOK_PAD || w == TOK_START)
        return 0.0;
    return ((double)m->count[w] + 1.0) / ((double)m->tokens + (double)m->predictable);
}

double ngram_bigram_prob(const NgramModel *m, int prev, int w)
{
    const double uni = ngram_unigram_prob(m, w);
    if (prev < 0 || prev >= m->V || m->context[prev] == 0 || uni == 0.0)
        return uni;
    long c = 0;
    int lo = m->row[prev], hi = m->row[prev + 1];  /* binary search of the context's row */
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (m->next[mid] < w)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->row[prev + 1] && m->next[lo] == w)
        c = m->pair[lo];
    return m->lambda * (double)c / (double)m->context[prev] + (1.0 - m->lambda) * uni;
}

/* Bits of the sequences with use[i] (NULL: all), both models. */
static Status score(const NgramModel *m, const int *const *seqs, const int *lens, int n, const unsigned char *use,
                    NgramBits *out, Error *err)
{
    double uni = 0, bi = 0;
    long tokens = 0;
    for (int i = 0; i < n; i++) {
        if (use && !use[i])
            continue;
        int a, b;
        Status st = seq_span(m->V, seqs, lens, i, &a, &b, err);
        if (st)
            return st;
        if (b == 0)
            continue;  /* an empty sequence predicts nothing */
        int prev = seqs[i][0];
        for (int t = a; t <= b; t++) {
            const int w = t < b ? seqs[i][t] : TOK_END;
            uni -= log2(ngram_unigram_prob(m, w));
            bi -= log2(ngram_bigram_prob(m, prev, w));
            tokens++;
            prev = w;
        }
    }
    out->tokens = tokens;
    out->unigram = tokens ? uni / (double)tokens : 0.0;
    out->bigram = tokens ? bi / (double)tokens : 0.0;
    return TF_OK;
}

/* Room for a model of vocab tokens, once every sequence is checked. */
static Status model_alloc(NgramModel *m, int vocab, const int *const *seqs, const int *lens, int n, Error *err)
{
    memset(m, 0, sizeof *m);
    if (vocab < TOK_SPECIALS + 1)
        return error_set(err, TF_ERR_INPUT, "a vocabulary of %d tokens: the four special tokens and at least one more",
                         vocab);
    if (n < 1)
        return error_set(err, TF_ERR_INPUT, "no training sequences to count");
    for (int i = 0; i < n; i++) {
        int a, b;
        Status st = seq_span(vocab, seqs, lens, i, &a, &b, err);
        if (st)
            return st;
    }
    m->V = vocab;
    m->predictable = vocab - 2;
    m->count = calloc((size_t)vocab, sizeof *m->count);
    m->context = calloc((size_t)vocab, sizeof *m->context);
    m->row = calloc((size_t)vocab + 1, sizeof *m->row);
    if (!m->count || !m->context || !m->row) {
        ngram_free(m);
        return error_set(err, TF_ERR_RUNTIME, "out of memory (a vocabulary of %d)", vocab);
    }
    return TF_OK;
}

Status ngram_fit_lambda(NgramModel *m, int vocab, const int *const *seqs, const int *lens, int n, double lambda,
                        Error *err)
{
    if (!(lambda >= 0.0 && lambda <= 1.0))
        return error_set(err, TF_ERR_INPUT, "lambda %g: a weight from 0 to 1", lambda);
    Status st = model_alloc(m, vocab, seqs, lens, n, err);
    if (st == TF_OK && (st = count_pairs(m, seqs, lens, n, NULL, err)))
        ngram_free(m);
    if (st == TF_OK)
        m->lambda = lambda;
    return st;
}

Status ngram_fit(NgramModel *m, int vocab, const int *const *seqs, const int *lens, int n, Error *err)
{
    Status st = model_alloc(m, vocab, seqs, lens, n, err);
    if (st)
        return st;
    double best = 0.5;
    if (n >= 2) {
        /* set aside every tenth sequence (or the last), count the rest */
        unsigned char *use = malloc((size_t)n);
        if (!use) {
            ngram_free(m);
            return error_set(err, TF_ERR_RUNTIME, "out of memory");
        }
        for (int i = 0; i < n; i++)
            use[i] = n >= 10 ? i % 10 != 9 : i != n - 1;
        st = count_pairs(m, seqs, lens, n, use, err);
        for (int i = 0; i < n; i++)
            use[i] = !use[i];
        double fewest = INFINITY;
        for (int g = 1; st == TF_OK && g <= 19; g++) {
            m->lambda = 0.05 * g;
            NgramBits b;
            st = score(m, seqs, lens, n, use, &b, err);
            if (st == TF_OK && b.bigram < fewest) {
                fewest = b.bigram;
                best = m->lambda;
            }
        }
        free(use);
    }
    if (st == TF_OK)
        st = count_pairs(m, seqs, lens, n, NULL, err);
    if (st) {
        ngram_free(m);
        return st;
    }
    m->lambda = best;
    return TF_OK;
}

Status ngram_bits(const NgramModel *m, const int *const *seqs, const int *lens, int n, NgramBits *out, Error *err)
{
    memset(out, 0, sizeof *out);
    if (n < 0)
        return error_set(err, TF_ERR_INPUT, "%d sequences", n);
    return score(m, seqs, lens, n, NULL, out, err);
}

void ngram_free(NgramModel *m)
{
    free(m->count);
    free(m->context);
    free(m->row);
    free(m->next);
    free(m->pair);
    memset(m, 0, sizeof *m);
}
