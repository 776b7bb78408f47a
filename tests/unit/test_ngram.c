/* test_ngram.c — the unigram and bigram baselines against values worked
 * out by hand, their smoothing, the choice of λ, and refused input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text/vocab.h"
#include "train/ngram.h"

/* Vocabulary of 6: <PAD> <START> <END> <UNK>, then a = 4, b = 5. */
enum { A = 4, B = 5, V = 6 };

static void near(double got, double want, const char *what)
{
    if (!(fabs(got - want) <= 1e-12))
        fail_msg("%s: %.15g, expected %.15g (difference %.3g)", what, got, want, fabs(got - want));
}

/* Training: "<START> a b" and "<START> a" (written with <START>, so a is
 * predicted too). Predicted: a b <END> a <END>, N = 5, over
 * P = 4 predictable tokens (<END> <UNK> a b): P(a) = 3/9, P(b) = 2/9,
 * P(<END>) = 3/9, P(<UNK>) = 1/9. Pairs: <START>→a twice, a→b, a→<END>,
 * b→<END>. */
static const int train_ab[] = {TOK_START, A, B}, train_a[] = {TOK_START, A};
static const int *const train[] = {train_ab, train_a};
static const int train_len[] = {3, 2};

static void test_unigram_by_hand(void **state)
{
    (void)state;
    NgramModel m;
    Error err = {0};
    assert_int_equal(ngram_fit_lambda(&m, V, train, train_len, 2, 0.5, &err), TF_OK);
    assert_int_equal(m.tokens, 5);
    near(ngram_unigram_prob(&m, A), 3.0 / 9, "P(a)");
    near(ngram_unigram_prob(&m, B), 2.0 / 9, "P(b)");
    near(ngram_unigram_prob(&m, TOK_END), 3.0 / 9, "P(<END>)");
    near(ngram_unigram_prob(&m, TOK_UNK), 1.0 / 9, "P(<UNK>) never seen, not 0");
    near(ngram_unigram_prob(&m, TOK_PAD), 0, "P(<PAD>)");
    near(ngram_unigram_prob(&m, TOK_START), 0, "P(<START>)");
    ngram_free(&m);
}

static void test_bigram_by_hand(void **state)
{
    (void)state;
    NgramModel m;
    Error err = {0};
    assert_int_equal(ngram_fit_lambda(&m, V, train, train_len, 2, 0.5, &err), TF_OK);
    /* P(w | p) = 0.5 c(p, w) / c(p) + 0.5 P(w) */
    near(ngram_bigram_prob(&m, TOK_START, A), 0.5 * 2 / 2 + 0.5 * 3 / 9, "P(a | <START>)");
    near(ngram_bigram_prob(&m, TOK_START, B), 0.5 * 2 / 9, "P(b | <START>)");
    near(ngram_bigram_prob(&m, A, TOK_END), 0.5 * 1 / 2 + 0.5 * 3 / 9, "P(<END> | a)");
    near(ngram_bigram_prob(&m, B, A), 0.5 * 3 / 9, "P(a | b)");
    /* a context never seen: the unigram alone */
    near(ngram_bigram_prob(&m, TOK_UNK, A), 3.0 / 9, "P(a | <UNK>)");

    /* held out: "<START> b a": b | <START>, a | b, <END> | a */
    const int held_ba[] = {TOK_START, B, A};
    const int *const held[] = {held_ba};
    const int held_len[] = {3};
    NgramBits bits;
    assert_int_equal(ngram_bits(&m, held, held_len, 1, &bits, &err), TF_OK);
    assert_int_equal(bits.tokens, 3);
    near(bits.unigram, -(log2(2.0 / 9) + log2(3.0 / 9) + log2(3.0 / 9)) / 3, "unigram bits");
    near(bits.bigram, -(log2(1.0 / 9) + log2(1.0 / 6) + log2(5.0 / 12)) / 3, "bigram bits");
    /* read as written, without <START>: b is only the context of a, as a
     * decoder-only model reads "b a" (a | b, <END> | a) */
    const int held_plain[] = {B, A};
    const int *const held3[] = {held_plain};
    const int held3_len[] = {2};
    NgramBits plain;
    assert_int_equal(ngram_bits(&m, held3, held3_len, 1, &plain, &err), TF_OK);
    assert_int_equal(plain.tokens, 2);
    near(plain.bigram, -(log2(1.0 / 6) + log2(5.0 / 12)) / 2, "bigram bits of b a as written");
    /* a written final <END> is the same sequence, not counted twice */
    const int held_written[] = {TOK_START, B, A, TOK_END};
    const int *const held2[] = {held_written};
    const int held2_len[] = {4};
    NgramBits again;
    assert_int_equal(ngram_bits(&m, held2, held2_len, 1, &again, &err), TF_OK);
    assert_int_equal(again.tokens, 3);
    near(again.bigram, bits.bigram, "with <START> and <END> written");
    ngram_free(&m);
}

/* Every context's distribution sums to 1 over the tokens that can come. */
static void test_sums_to_one(void **state)
{
    (void)state;
    NgramModel m;
    Error err = {0};
    assert_int_equal(ngram_fit_lambda(&m, V, train, train_len, 2, 0.3, &err), TF_OK);
    for (int p = 0; p < V; p++) {
        double sum = 0;
        for (int w = 0; w < V; w++)
            sum += ngram_bigram_prob(&m, p, w);
        near(sum, 1.0, "sum over w of P(w | p)");
    }
    ngram_free(&m);
}

/* λ is chosen on every tenth training sequence: when the set-aside one
 * follows the pairs of the rest, the bigram is trusted most (0.95); when
 * it contradicts them, least (0.05). */
static void test_lambda_choice(void **state)
{
    (void)state;
    static const int ab[] = {A, B, A, B}, aa[] = {A, A, A, A};
    const int *seqs[10];
    int lens[10];
    for (int i = 0; i < 10; i++) {
        seqs[i] = ab;
        lens[i] = 4;
    }
    NgramModel m;
    Error err = {0};
    assert_int_equal(ngram_fit(&m, V, seqs, lens, 10, &err), TF_OK);
    near(m.lambda, 0.95, "lambda, a set-aside sequence like the rest");
    assert_int_equal(m.tokens, 40);  /* counted again on all ten: b a b <END> after each first a */
    ngram_free(&m);
    seqs[9] = aa;  /* the tenth, set aside: every pair of it unseen in the rest */
    assert_int_equal(ngram_fit(&m, V, seqs, lens, 10, &err), TF_OK);
    near(m.lambda, 0.05, "lambda, a set-aside sequence unlike the rest");
    ngram_free(&m);
    /* one sequence: nothing to set aside */
    assert_int_equal(ngram_fit(&m, V, seqs, lens, 1, &err), TF_OK);
    near(m.lambda, 0.5, "lambda of one sequence");
    ngram_free(&m);
}

/* The bigram beats the unigram on text with structure, and a held-out
 * token never seen in training still has a finite cost. */
static void test_bigram_beats_unigram(void **state)
{
    (void)state;
    static const int ab[] = {A, B, A, B, A, B};
    const int *seqs[20];
    int lens[20];
    for (int i = 0; i < 20; i++) {
        seqs[i] = ab;
        lens[i] = 6;
    }
    NgramModel m;
    Error err = {0};
    assert_int_equal(ngram_fit(&m, V, seqs, lens, 20, &err), TF_OK);
    NgramBits bits;
    assert_int_equal(ngram_bits(&m, seqs, lens, 1, &bits, &err), TF_OK);
    assert_true(bits.bigram < bits.unigram - 0.5);
    const int unk[] = {TOK_UNK, A};
    const int *const held[] = {unk};
    const int held_len[] = {2};
    assert_int_equal(ngram_bits(&m, held, held_len, 1, &bits, &err), TF_OK);
    assert_true(isfinite(bits.unigram) && isfinite(bits.bigram));
    ngram_free(&m);
}

static void test_refusals(void **state)
{
    (void)state;
    NgramModel m;
    Error err = {0};
    const int bad_id[] = {A, 9}, pad[] = {A, TOK_PAD}, end_inside[] = {TOK_END, A};
    const int *const s1[] = {train_ab, bad_id};
    const int l1[] = {2, 2};
    assert_int_equal(ngram_fit(&m, V, s1, l1, 2, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "sequence 1, position 1: id 9"));
    const int *const s2[] = {pad};
    assert_int_equal(ngram_fit(&m, V, s2, l1, 1, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "<PAD>"));
    const int *const s3[] = {end_inside};
    assert_int_equal(ngram_fit(&m, V, s3, l1, 1, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "position 0"));
    const int neg[] = {-1};
    assert_int_equal(ngram_fit(&m, V, train, neg, 1, &err), TF_ERR_INPUT);
    assert_int_equal(ngram_fit(&m, 4, train, train_len, 2, &err), TF_ERR_INPUT);
    assert_int_equal(ngram_fit(&m, V, train, train_len, 0, &err), TF_ERR_INPUT);
    assert_int_equal(ngram_fit_lambda(&m, V, train, train_len, 2, 1.5, &err), TF_ERR_INPUT);
    /* held-out ids are checked too */
    assert_int_equal(ngram_fit_lambda(&m, V, train, train_len, 2, 0.5, &err), TF_OK);
    NgramBits bits;
    assert_int_equal(ngram_bits(&m, s1, l1, 2, &bits, &err), TF_ERR_INPUT);
    ngram_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unigram_by_hand),
        cmocka_unit_test(test_bigram_by_hand),
        cmocka_unit_test(test_sums_to_one),
        cmocka_unit_test(test_lambda_choice),
        cmocka_unit_test(test_bigram_beats_unigram),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
