/* ngram.h — the two simplest language models, as baselines for a trained
 * transformer: unigram (how often each token comes) and bigram (which
 * token follows which).
 *
 * A model's held-out loss means little alone: 5.9 bits per character is
 * good or bad only next to what counting alone achieves. These baselines
 * are scored exactly where a decoder-only model is: a sequence x1 .. xn is
 * read as written, every position predicting the next and the last one
 * <END>: the predicted tokens are x2 .. xn and <END>, each given the one
 * before it (the bigram's context; the unigram ignores it). A sequence
 * written with a leading <START> (<START> x1 .. xn) also predicts x1,
 * from <START>, as a model trained on such sequences does. The figure is the cross-entropy in bits per
 * predicted token: −(1/N) Σ log2 P(xi | xi−1).
 *
 * Smoothing, so that no held-out token gets probability 0 (which would
 * make the loss infinite):
 *   unigram  add-one (Laplace): P(w) = (c(w) + 1) / (N + P), over the P =
 *            V − 2 tokens that can be predicted (every token but <PAD> and
 *            <START>, which never follow anything); N is the number of
 *            predicted tokens in the training sequences.
 *   bigram   interpolated with the unigram (Jelinek–Mercer):
 *            P(w | p) = λ c(p, w) / c(p) + (1 − λ) P(w), and the unigram
 *            alone for a context p never seen (c(p) = 0).
 * λ is chosen on the training split only, never on the held-out data:
 * every tenth training sequence (the 10th, 20th, ...; with fewer than 10
 * sequences, the last one) is set aside, the counts are taken from the
 * rest, and of λ = 0.05, 0.10, ..., 0.95 the one giving the set-aside
 * sequences the fewest bits is kept (the smaller on a tie); then the
 * counts are taken again from every training sequence. With one training
 * sequence there is nothing to set aside and λ is 0.5.
 *
 * Counts are kept sparse (a vocabulary of thousands of characters has
 * millions of possible pairs, and a corpus holds a few tens of thousands).
 * Pure: no I/O. Shapes: V the vocabulary size, n the sequences. */
#ifndef TF_TRAIN_NGRAM_H
#define TF_TRAIN_NGRAM_H

#include <stddef.h>

#include "core/error.h"

typedef struct {
    int V;
    double lambda;        /* the bigram estimate's weight */
    long tokens;          /* N: predicted tokens counted (each training sequence's length, with <END>
                           * for the first token's place) */
    int predictable;      /* P = V − 2 */
    long *count;          /* (V) c(w): times w was a predicted token */
    long *context;        /* (V) c(p): times p came right before a predicted token */
    int *row;             /* (V + 1) the pairs of context p are row[p] .. row[p + 1] − 1 */
    int *next;            /* (n_pairs) the token following, ascending within a context */
    long *pair;           /* (n_pairs) c(p, w) */
    size_t n_pairs;
} NgramModel;

/* Cross-entropies of a set of sequences, in bits per predicted token. */
typedef struct {
    double unigram, bigram;
    long tokens;          /* predicted tokens scored */
} NgramBits;

/* Fit both models on n training sequences: seqs[i] holds lens[i] token ids
 * x1 .. xn, each in 0 .. vocab − 1 (a leading <START> may be written,
 * and a final <END>, which is not counted twice). λ as above. Errors
 * (TF_ERR_INPUT): vocab below 5, no sequences, a negative length, an id
 * outside the vocabulary or a special token (<PAD>, <START>, <END>) inside
 * a sequence, naming the sequence and position (from 0). */
Status ngram_fit(NgramModel *m, int vocab, const int *const *seqs, const int *lens, int n, Error *err);

/* The same with λ given (0 ≤ λ ≤ 1), for tests and for comparing choices. */
Status ngram_fit_lambda(NgramModel *m, int vocab, const int *const *seqs, const int *lens, int n, double lambda,
                        Error *err);

/* Both cross-entropies of n (held-out) sequences, under ngram_fit's rules
 * for the sequences. */
Status ngram_bits(const NgramModel *m, const int *const *seqs, const int *lens, int n, NgramBits *out, Error *err);

/* P(w) and P(w | prev) of a fitted model; 0 for <PAD> and <START>. */
double ngram_unigram_prob(const NgramModel *m, int w);
double ngram_bigram_prob(const NgramModel *m, int prev, int w);

void ngram_free(NgramModel *m);

#endif
