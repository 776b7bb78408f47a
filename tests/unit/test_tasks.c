/* test_tasks.c — the toy datasets of src/train/tasks.h: deterministic from
 * the seed, held-out split disjoint from training, targets and alignments
 * right by construction, and the phrasebook's lesson sentences present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/tasks.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The example whose source is the text src (tokens separated by single
 * spaces, "猫 追 老鼠"), or NULL; *heldout (when non-NULL) says which split. */
static const Example *find_example(const Dataset *ds, const char *src, int *heldout)
{
    char buf[1024];
    for (int k = 0; k < ds->n_train + ds->n_heldout; k++) {
        const Example *e = &ds->examples_[k];
        if (task_tokens_join(buf, sizeof buf, e->src_text, e->src_len) >= 0 &&
            strcmp(buf, src) == 0) {
            if (heldout)
                *heldout = k >= ds->n_train;
            return e;
        }
    }
    return NULL;
}

static void generate_ok(Dataset *ds, const TaskOptions *o)
{
    Error err;
    Status st = task_dataset_generate(ds, o, &err);
    if (st != TF_OK)
        fail_msg("task_dataset_generate(%s): %s", task_name(o->kind), err.msg);
}

static void generate_default(Dataset *ds, TaskKind kind, uint64_t seed)
{
    TaskOptions o;
    task_options_default(&o, kind, seed);
    generate_ok(ds, &o);
}

static int same_ints(const int *a, int na, const int *b, int nb)
{
    return na == nb && memcmp(a, b, (size_t)na * sizeof *a) == 0;
}

static int same_example(const Example *a, const Example *b)
{
    return same_ints(a->src, a->src_len, b->src, b->src_len) &&
           same_ints(a->tgt, a->tgt_len, b->tgt, b->tgt_len) &&
           same_ints(a->align, a->tgt_len, b->align, b->tgt_len);
}

static const Example *example_at(const Dataset *ds, int k)
{
    return k < ds->n_train ? &ds->train[k] : &ds->heldout[k - ds->n_train];
}

/* Same seed: the same vocabulary and examples, bit for bit. Another seed:
 * a different draw. */
static void test_same_seed_same_data(void **state)
{
    (void)state;
    for (int kind = 0; kind < TASK_COUNT; kind++) {
        Dataset a, b, c;
        generate_default(&a, (TaskKind)kind, 42);
        generate_default(&b, (TaskKind)kind, 42);
        generate_default(&c, (TaskKind)kind, 43);
        assert_int_equal(a.vocab.size, b.vocab.size);
        assert_int_equal(a.vocab.size, c.vocab.size);   /* the vocabulary ignores the seed */
        for (int i = 0; i < a.vocab.size; i++) {
            assert_string_equal(a.vocab.tokens[i], b.vocab.tokens[i]);
            assert_string_equal(a.vocab.tokens[i], c.vocab.tokens[i]);
        }
        int differ = 0;
        for (int k = 0; k < a.n_train + a.n_heldout; k++) {
            if (!same_example(example_at(&a, k), example_at(&b, k)))
                fail_msg("%s: example %d differs between two runs with seed 42",
                         task_name((TaskKind)kind), k);
            differ += !same_example(example_at(&a, k), example_at(&c, k));
        }
        if (differ < (a.n_train + a.n_heldout) / 2)
            fail_msg("%s: seeds 42 and 43 share %d of %d examples", task_name((TaskKind)kind),
                     a.n_train + a.n_heldout - differ, a.n_train + a.n_heldout);
        task_dataset_free(&a), task_dataset_free(&b), task_dataset_free(&c);
    }
}

/* No source appears in both splits, nor twice in one. */
static void test_splits_are_disjoint(void **state)
{
    (void)state;
    for (int kind = 0; kind < TASK_COUNT; kind++) {
        Dataset ds;
        generate_default(&ds, (TaskKind)kind, 7);
        const int n = ds.n_train + ds.n_heldout;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                const Example *a = example_at(&ds, i), *b = example_at(&ds, j);
                if (same_ints(a->src, a->src_len, b->src, b->src_len))
                    fail_msg("%s: examples %d and %d (%s) have the same source",
                             task_name((TaskKind)kind), i, j,
                             (i < ds.n_train) == (j < ds.n_train) ? "same split"
                                                                  : "train and held-out");
            }
        task_dataset_free(&ds);
    }
}

/* Changing only the training size leaves the held-out split as it was. */
static void test_heldout_does_not_depend_on_train_size(void **state)
{
    (void)state;
    for (int kind = 0; kind < TASK_COUNT; kind++) {
        TaskOptions o;
        task_options_default(&o, (TaskKind)kind, 5);
        o.n_heldout = 50;
        Dataset small, large;
        o.n_train = 100;
        generate_ok(&small, &o);
        o.n_train = 300;
        generate_ok(&large, &o);
        for (int k = 0; k < 50; k++)
            assert_true(same_example(&small.heldout[k], &large.heldout[k]));
        task_dataset_free(&small), task_dataset_free(&large);
    }
}

/* Sizes, lengths, alphabet, and each task's rule: copy is the identity,
 * reverse reversed, sort a sorted permutation; every alignment points at a
 * source token equal to its target token. */
static void test_sequence_tasks(void **state)
{
    (void)state;
    const TaskKind kinds[] = {TASK_COPY, TASK_REVERSE, TASK_SORT};
    for (size_t t = 0; t < ARRAY_LEN(kinds); t++) {
        TaskOptions o;
        task_options_default(&o, kinds[t], 11);
        o.alphabet = 6, o.min_len = 2, o.max_len = 7, o.n_train = 700, o.n_heldout = 70;
        Dataset ds;
        generate_ok(&ds, &o);
        assert_int_equal(ds.n_train, 700);
        assert_int_equal(ds.n_heldout, 70);
        assert_int_equal(ds.vocab.size, TOK_SPECIALS + 6);
        assert_string_equal(vocab_token(&ds.vocab, TOK_SPECIALS), "a");
        assert_string_equal(vocab_token(&ds.vocab, TOK_SPECIALS + 5), "f");
        int seen_len[8] = {0};
        for (int k = 0; k < ds.n_train + ds.n_heldout; k++) {
            const Example *e = example_at(&ds, k);
            const int n = e->src_len;
            assert_true(n >= 2 && n <= 7);
            assert_int_equal(e->tgt_len, n);
            assert_true(n <= ds.max_src_len && n <= ds.max_tgt_len);
            seen_len[n]++;
            int count_src[TOK_SPECIALS + 6] = {0}, count_tgt[TOK_SPECIALS + 6] = {0};
            for (int i = 0; i < n; i++) {
                assert_true(e->src[i] >= TOK_SPECIALS && e->src[i] < TOK_SPECIALS + 6);
                assert_string_equal(e->src_text[i], vocab_token(&ds.vocab, e->src[i]));
                assert_string_equal(e->tgt_text[i], vocab_token(&ds.vocab, e->tgt[i]));
                assert_true(e->align[i] >= 0 && e->align[i] < n);
                assert_int_equal(e->tgt[i], e->src[e->align[i]]);
                count_src[e->src[i]]++;
                count_tgt[e->tgt[i]]++;
                if (kinds[t] == TASK_COPY)
                    assert_int_equal(e->align[i], i);
                if (kinds[t] == TASK_REVERSE)
                    assert_int_equal(e->align[i], n - 1 - i);
                if (kinds[t] == TASK_SORT && i > 0) {
                    assert_true(e->tgt[i - 1] <= e->tgt[i]);
                    /* Stable: equal symbols keep their source order. */
                    if (e->tgt[i - 1] == e->tgt[i])
                        assert_true(e->align[i - 1] < e->align[i]);
                }
            }
            assert_memory_equal(count_src, count_tgt, sizeof count_src);
        }
        for (int n = 2; n <= 7; n++)
            assert_true(seen_len[n] > 0);   /* the whole length range is used */
        assert_int_equal(ds.max_src_len, 7);
        task_dataset_free(&ds);
    }
}

typedef struct {
    const char *src, *tgt;
    int align[8];
} Pair;

/* The lessons' three sentences first; then one of each grammatical
 * difference the phrasebook teaches. */
static const Pair phrasebook_pairs[] = {
    {"我 爱 AI", "I love AI", {0, 1, 2}},
    {"猫 追 老鼠", "cat chases mouse", {0, 1, 2}},
    {"老鼠 追 猫", "mouse chases cat", {0, 1, 2}},
    {"老鼠 追 我", "mouse chases me", {0, 1, 2}},
    {"我们 喜欢 老师", "we like teacher", {0, 1, 2}},
    {"他 看 她", "he watches her", {0, 1, 2}},
    {"猫 追 了 老鼠", "cat chased mouse", {0, 1, 3}},
    {"学生 吃 了 苹果", "student ate apple", {0, 1, 3}},
    {"我们 帮助 了 AI", "we helped AI", {0, 1, 3}},
    {"猫 不 追 老鼠", "cat does not chase mouse", {0, -1, 1, 2, 3}},
    {"我 不 爱 你", "I do not love you", {0, -1, 1, 2, 3}},
    {"我 每天 吃 鱼", "I eat fish every day", {0, 2, 3, 1, 1}},
    {"狗 在 家 追 猫", "dog chases cat at home", {0, 3, 4, 1, 2}},
    {"老师 在 学校 帮助 学生", "teacher helps student at school", {0, 3, 4, 1, 2}},
};

static void test_phrasebook_sentences(void **state)
{
    (void)state;
    /* 11 creatures × (5 verbs × 10 other creatures + 吃 × 3 foods) frames,
     * each said 6 ways (plain, 了, 不, 每天, 在 家, 在 学校), except that the
     * feelings 爱 and 喜欢 (11 × 2 × 10 frames) take no 了. */
    assert_int_equal(task_phrasebook_size(), 11 * (5 * 10 + 3) * 6 - 11 * 2 * 10);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        Dataset ds;
        generate_default(&ds, TASK_PHRASEBOOK, seed);
        assert_int_equal(ds.n_train + ds.n_heldout, task_phrasebook_size());
        assert_int_equal(ds.n_heldout, task_phrasebook_size() / 10);
        assert_null(find_example(&ds, "我 爱 了 猫", NULL));   /* feelings take no 了 */
        for (size_t p = 0; p < ARRAY_LEN(phrasebook_pairs); p++) {
            const Pair *want = &phrasebook_pairs[p];
            int heldout = -1;
            const Example *e = find_example(&ds, want->src, &heldout);
            if (!e)
                fail_msg("phrasebook (seed %d): no example '%s'", (int)seed, want->src);
            char tgt[256];
            assert_true(task_tokens_join(tgt, sizeof tgt, e->tgt_text, e->tgt_len) > 0);
            assert_string_equal(tgt, want->tgt);
            for (int j = 0; j < e->tgt_len; j++)
                if (e->align[j] != want->align[j])
                    fail_msg("'%s' → '%s': word %d ('%s') aligned to %d, want %d", want->src,
                             want->tgt, j, e->tgt_text[j], e->align[j], want->align[j]);
            if (p < 3 && heldout)
                fail_msg("lesson sentence '%s' is held out (seed %d)", want->src, (int)seed);
        }
        task_dataset_free(&ds);
    }
}

/* Every example: tokens in the vocabulary (none unknown), text and ids
 * agreeing, alignments in range, and the English never longer than 8. */
static void test_phrasebook_examples_are_well_formed(void **state)
{
    (void)state;
    Dataset ds;
    generate_default(&ds, TASK_PHRASEBOOK, 9);
    int unaligned = 0, reordered = 0;
    for (int k = 0; k < ds.n_train + ds.n_heldout; k++) {
        const Example *e = example_at(&ds, k);
        assert_true(e->src_len >= 3 && e->src_len <= 5);
        assert_true(e->tgt_len >= 3 && e->tgt_len <= 5);
        for (int i = 0; i < e->src_len; i++) {
            assert_true(e->src[i] >= TOK_SPECIALS && e->src[i] < ds.vocab.size);
            assert_string_equal(e->src_text[i], ds.vocab.tokens[e->src[i]]);
        }
        int last = -1;
        for (int j = 0; j < e->tgt_len; j++) {
            assert_true(e->tgt[j] >= TOK_SPECIALS && e->tgt[j] < ds.vocab.size);
            assert_string_equal(e->tgt_text[j], ds.vocab.tokens[e->tgt[j]]);
            assert_true(e->align[j] >= -1 && e->align[j] < e->src_len);
            unaligned += e->align[j] < 0;
            if (e->align[j] >= 0) {
                reordered += e->align[j] < last;
                last = e->align[j];
            }
        }
    }
    /* The grammar really does insert words and change the order. */
    assert_true(unaligned > 0);
    assert_true(reordered > 0);
    assert_int_equal(ds.max_src_len, 5);
    assert_int_equal(ds.max_tgt_len, 5);
    assert_true(ds.vocab.size < 80);
    task_dataset_free(&ds);
}

static void expect_refused(const TaskOptions *o, const char *needle)
{
    Dataset ds;
    Error err;
    assert_int_equal(task_dataset_generate(&ds, o, &err), TF_ERR_INPUT);
    if (!strstr(err.msg, needle))
        fail_msg("error '%s' does not mention '%s'", err.msg, needle);
    assert_null(ds.examples_);
}

static void test_bad_options_are_refused(void **state)
{
    (void)state;
    TaskOptions o;
    task_options_default(&o, TASK_COPY, 1);
    o.alphabet = 1;
    expect_refused(&o, "alphabet 1");
    o.alphabet = 27;
    expect_refused(&o, "alphabet 27");
    task_options_default(&o, TASK_REVERSE, 1);
    o.min_len = 5, o.max_len = 4;
    expect_refused(&o, "lengths 5 to 4");
    o.min_len = 0, o.max_len = 4;
    expect_refused(&o, "lengths 0 to 4");
    /* 2 letters, lengths 1–3: 2 + 4 + 8 = 14 sequences; 8 is over half. */
    task_options_default(&o, TASK_SORT, 1);
    o.alphabet = 2, o.min_len = 1, o.max_len = 3, o.n_train = 4, o.n_heldout = 4;
    expect_refused(&o, "only 14 distinct sequences");
    o.n_train = 4, o.n_heldout = 3;   /* 7 of 14 is fine, and all distinct */
    Dataset ds;
    generate_ok(&ds, &o);
    task_dataset_free(&ds);
    o.n_heldout = 0;
    expect_refused(&o, "held-out");
    task_options_default(&o, TASK_PHRASEBOOK, 1);
    o.n_train += 1;
    expect_refused(&o, "has 3278 sentences");
    o.n_train = 2, o.n_heldout = 10;
    expect_refused(&o, "at least 3");

    TaskKind kind;
    Error err;
    assert_int_equal(task_from_name("reverse", &kind, &err), TF_OK);
    assert_int_equal(kind, TASK_REVERSE);
    assert_int_equal(task_from_name("translate", &kind, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "'translate'"));
    assert_non_null(strstr(err.hint, "phrasebook"));
    for (int k = 0; k < TASK_COUNT; k++) {
        assert_int_equal(task_from_name(task_name((TaskKind)k), &kind, &err), TF_OK);
        assert_int_equal(kind, k);
    }
}

static void test_tokens_join(void **state)
{
    (void)state;
    const char *toks[3] = {"猫", "追", "老鼠"};
    char buf[32];
    assert_int_equal(task_tokens_join(buf, sizeof buf, toks, 3), (int)strlen("猫 追 老鼠"));
    assert_string_equal(buf, "猫 追 老鼠");
    /* "猫 追 老鼠" is 14 bytes: 14 does not fit with its NUL, 15 does. */
    assert_int_equal(task_tokens_join(buf, 14, toks, 3), -1);
    assert_string_equal(buf, "");
    assert_int_equal(task_tokens_join(buf, 15, toks, 3), 14);
    assert_int_equal(task_tokens_join(buf, sizeof buf, toks, 0), 0);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_data),
        cmocka_unit_test(test_splits_are_disjoint),
        cmocka_unit_test(test_heldout_does_not_depend_on_train_size),
        cmocka_unit_test(test_sequence_tasks),
        cmocka_unit_test(test_phrasebook_sentences),
        cmocka_unit_test(test_phrasebook_examples_are_well_formed),
        cmocka_unit_test(test_bad_options_are_refused),
        cmocka_unit_test(test_tokens_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
