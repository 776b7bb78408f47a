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

#include "model/model.h"
#include "text/tokenizer.h"
#include "train/recombine.h"
#include "train/tasks.h"
#include "train/trainer.h"
#include "../support/scratch.h"

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
    for (int kind = 0; kind < TASK_POEMS; kind++) {  /* the generated tasks; poems below */
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
    for (int kind = 0; kind < TASK_POEMS; kind++) {  /* the generated tasks; poems below */
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
    for (int kind = 0; kind < TASK_POEMS; kind++) {  /* the generated tasks; poems below */
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


/* ---- poems ------------------------------------------------------------ */

/* Twenty poems of plain text. Poem i is 甲M，乙M。丙N，丁甲。 with M its own
 * mark (twice in the poem: known when the poem trains) and N a character
 * that appears once in the corpus (never known). Poem 0 adds a sentence of
 * 15 characters, longer than the 12 per chunk the tests ask for. */
static const char *const marks[20] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                      "百", "千", "万", "亿", "上", "下", "左", "右", "前", "后"};
static const char *const once[20] = {"子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉",
                                     "戌", "亥", "金", "木", "水", "火", "土", "日", "月", "星"};
#define LONG_SENTENCE "天地玄黄宇宙洪荒盈昃宿列张寒。"

static void write_poems(const char *path)
{
    char text[4096];
    size_t n = 0;
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s甲%s，乙%s。\n丙%s，丁甲。\n%s", i ? "\n" : "",
                              marks[i], marks[i], once[i], i == 0 ? LONG_SENTENCE "\n" : "");
    scratch_write(path, text, n);
}

static void poems_dataset(Dataset *ds, const char *corpus, uint64_t seed, int chunk, int min_count)
{
    TaskOptions o;
    task_options_default(&o, TASK_POEMS, seed);
    o.corpus = corpus;
    o.max_len = chunk;
    o.min_count = min_count;
    generate_ok(ds, &o);
}

/* Which poem an example comes from: the index of its mark, or −1 when the
 * mark is <UNK> (a held-out poem's mark is never in the vocabulary). */
static int example_poem(const Example *e)
{
    for (int t = 1; t < e->tgt_len; t++)
        for (int i = 0; i < 20; i++)
            if (strcmp(e->tgt_text[t], marks[i]) == 0)
                return i;
    return -1;
}

/* The example's characters joined. */
static void example_text(const Example *e, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int t = 0; t < e->tgt_len && n < cap; t++)
        n += (size_t)snprintf(buf + n, cap - n, "%s", e->tgt_text[t]);
}

static void test_poems_split_whole_poems(void **state)
{
    Scratch *s = *state;
    write_poems(s->path);
    Dataset ds;
    poems_dataset(&ds, s->path, 1, 12, 2);
    assert_int_equal(ds.poems_heldout, 2);   /* 10% of 20 */
    assert_int_equal(ds.poems_train, 18);
    assert_string_equal(ds.corpus, s->path);
    /* one chunk per poem, three for poem 0 */
    assert_int_equal(ds.n_train + ds.n_heldout, 22);
    int seen[20] = {0}, trained = 0;
    for (int k = 0; k < ds.n_train; k++) {
        int p = example_poem(&ds.train[k]);
        if (p >= 0)
            seen[p]++;
    }
    for (int i = 0; i < 20; i++)
        trained += seen[i] > 0;
    assert_int_equal(trained, 18);
    for (int k = 0; k < ds.n_heldout; k++)
        assert_int_equal(example_poem(&ds.heldout[k]), -1);  /* its mark: <UNK> */
    task_dataset_free(&ds);
}

static void test_poems_vocabulary_rule(void **state)
{
    Scratch *s = *state;
    write_poems(s->path);
    Dataset ds;
    poems_dataset(&ds, s->path, 1, 12, 2);
    /* In the 18 training poems: 甲 ， 36 times, 。 36 (37 with poem 0), 乙
     * 丙 丁 18, each mark 2, the rest once. Most frequent first, ties by
     * code point: 。(U+3002) 甲(U+7532) ，(U+FF0C), 丁(U+4E01) 丙(U+4E19)
     * 乙(U+4E59), then the 18 marks by code point. */
    const char *const head[] = {"。", "甲", "，", "丁", "丙", "乙"};
    assert_int_equal(ds.vocab.size, TOK_SPECIALS + 6 + 18);
    for (int i = 0; i < 6; i++)
        assert_string_equal(ds.vocab.tokens[TOK_SPECIALS + i], head[i]);
    for (int i = TOK_SPECIALS + 7; i < ds.vocab.size; i++)
        assert_true(strcmp(ds.vocab.tokens[i - 1], ds.vocab.tokens[i]) < 0);  /* UTF-8 order is code point order */
    for (int i = 0; i < 20; i++)
        assert_int_equal(vocab_find(&ds.vocab, once[i]), -1);
    task_dataset_free(&ds);

    /* min_count 1: every training character, the once-seen ones too */
    poems_dataset(&ds, s->path, 1, 12, 1);
    assert_true(ds.vocab.size > TOK_SPECIALS + 6 + 18 + 16);
    task_dataset_free(&ds);
}

static void test_poems_chunks(void **state)
{
    Scratch *s = *state;
    write_poems(s->path);
    Dataset ds;
    poems_dataset(&ds, s->path, 1, 12, 1);
    Config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    cfg->arch = ARCH_DECODER_ONLY;
    cfg->enc_layers = 0;
    cfg->max_len = 13;
    int long_parts = 0;
    char text[256];
    for (int k = 0; k < ds.n_train + ds.n_heldout; k++) {
        const Example *e = &ds.examples_[k];
        assert_int_equal(e->src_len, 0);
        assert_true(e->tgt[0] >= TOK_SPECIALS || e->tgt[0] == TOK_UNK);  /* a character, no <START> */
        assert_true(e->tgt_len >= 1 && e->tgt_len <= 12);
        example_text(e, text, sizeof text);
        if (strcmp(text, "天地玄黄宇宙洪荒盈昃宿列") == 0 || strcmp(text, "张寒。") == 0) {
            long_parts++;  /* the long sentence, cut at 12 */
        } else {
            /* two whole sentences: 甲M，乙M。丙N，丁甲。 */
            assert_int_equal(e->tgt_len, 12);
            assert_non_null(strstr(text, "。丙"));
            assert_true(strlen(text) > 3 && strcmp(text + strlen(text) - 3, "。") == 0);
        }
        /* read as a decoder-only sequence: the characters are predicted,
         * then <END> */
        const int *tgt = e->tgt;
        Batch b;
        Error err;
        assert_int_equal(batch_from_ids(&b, cfg, &ds.vocab, 1, NULL, &e->src_len, &tgt, &e->tgt_len, 0, 0, &err),
                         TF_OK);
        assert_int_equal(b.tgt_len[0], e->tgt_len);
        assert_int_equal(b.target[e->tgt_len - 1], TOK_END);
        for (int t = 0; t + 1 < e->tgt_len; t++)
            assert_int_equal(b.target[t], e->tgt[t + 1]);
        batch_free(&b);
    }
    assert_int_equal(long_parts, 2);
    free(cfg);
    task_dataset_free(&ds);
}

static void test_poems_deterministic(void **state)
{
    Scratch *s = *state;
    write_poems(s->path);
    Dataset a, b, c;
    poems_dataset(&a, s->path, 7, 12, 2);
    poems_dataset(&b, s->path, 7, 12, 2);
    poems_dataset(&c, s->path, 8, 12, 2);
    assert_int_equal(a.n_train, b.n_train);
    assert_int_equal(a.n_heldout, b.n_heldout);
    assert_int_equal(a.vocab.size, b.vocab.size);
    for (int i = 0; i < a.vocab.size; i++)
        assert_string_equal(a.vocab.tokens[i], b.vocab.tokens[i]);
    for (int k = 0; k < a.n_train + a.n_heldout; k++)
        assert_true(same_example(&a.examples_[k], &b.examples_[k]));
    /* another seed holds out other poems: another set of known marks */
    int differ = a.vocab.size != c.vocab.size;
    for (int i = 0; !differ && i < a.vocab.size; i++)
        differ = strcmp(a.vocab.tokens[i], c.vocab.tokens[i]) != 0;
    assert_true(differ);
    task_dataset_free(&a);
    task_dataset_free(&b);
    task_dataset_free(&c);
}

static void test_poems_trained_on(void **state)
{
    Scratch *s = *state;
    write_poems(s->path);
    Dataset ds;
    poems_dataset(&ds, s->path, 1, 12, 2);
    TrainedOn t;
    task_dataset_trained_on(&ds, &t);
    assert_string_equal(t.task, "poems");
    assert_int_equal(t.src_min, 0);
    assert_int_equal(t.src_max, 0);
    assert_true(t.tgt_min >= 3 && t.tgt_max == 12);
    assert_string_equal(t.corpus, s->path);
    /* the model: decoder-only, characters, the dataset's vocabulary */
    Config *cfg = malloc(sizeof *cfg);
    Model *m = malloc(sizeof *m);
    assert_non_null(cfg);
    assert_non_null(m);
    train_config_default(cfg, TASK_POEMS);
    cfg->d_model = 16, cfg->d_ff = 32, cfg->heads = 2, cfg->dec_layers = 1;
    Error err;
    assert_int_equal(train_config_fit(cfg, &ds, 1, &err), TF_OK);
    assert_int_equal(cfg->arch, ARCH_DECODER_ONLY);
    assert_int_equal(cfg->tokenizer, TOKENIZER_CHARS);
    assert_int_equal(train_model_init(m, cfg, &ds, &err), TF_OK);
    assert_int_equal(m->vocab.size, ds.vocab.size);
    assert_int_equal(train_check_model(m, &ds, "m", &err), TF_OK);
    model_free(m);
    /* an encoder-decoder is refused for poems */
    cfg->arch = ARCH_ENCODER_DECODER;
    assert_int_equal(train_config_fit(cfg, &ds, 1, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "task poems trains a decoder-only model"));
    free(cfg);
    free(m);
    task_dataset_free(&ds);
}

static void test_poems_refusals(void **state)
{
    Scratch *s = *state;
    TaskOptions o;
    Dataset ds;
    Error err;
    /* the default corpus missing: a runtime failure naming the package */
    setenv("TRACEFORMER_FORTUNES_DIR", s->dir, 1);
    task_options_default(&o, TASK_POEMS, 1);
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "tang300 is not installed"));
    assert_non_null(strstr(err.hint, "sudo apt-get install fortunes-zh"));
    unsetenv("TRACEFORMER_FORTUNES_DIR");
    /* one poem cannot be split */
    scratch_write(s->path, "甲乙。\n丙丁。\n", strlen("甲乙。\n丙丁。\n"));
    o.corpus = s->path;
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "needs at least 2"));
    /* a bad corpus: the reader's message, file and line */
    scratch_write(s->path, "甲乙。\n\n丙\xff丁。\n", strlen("甲乙。\n\n丙\xff丁。\n"));
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_ERR_INPUT);
    char want[400];
    snprintf(want, sizeof want, "%s:3:4: invalid UTF-8", s->path);
    if (!strstr(err.msg, want))
        fail_msg("'%s' does not say '%s'", err.msg, want);
    /* poems have no source to give a target of */
    write_poems(s->path);
    poems_dataset(&ds, s->path, 1, 12, 2);
    int src[1] = {TOK_SPECIALS}, tgt[4], n;
    assert_int_equal(task_target_of(&ds, src, 1, tgt, 4, &n, &err), TF_ERR_INPUT);
    task_dataset_free(&ds);
}

/* ---- recombined examples ---------------------------------------------- */

/* The UTF-8 of U+4E00 + k (k < 4096: three bytes) into out. */
static void cjk(int k, char out[4])
{
    unsigned cp = 0x4e00u + (unsigned)k;
    out[0] = (char)(0xe0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    out[3] = '\0';
}

/* Twenty poems of two shapes: poem i is AA，BB。CCC，DDD。 with characters
 * its own (10 i to 10 i + 3), and poem 0 adds 天地玄。, a shape no other
 * sentence has. */
static void write_shaped_poems(const char *path)
{
    char text[8192];
    size_t n = 0;
    for (int i = 0; i < 20; i++) {
        char c[4][4];
        for (int j = 0; j < 4; j++)
            cjk(10 * i + j, c[j]);
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s%s，%s%s。\n%s%s%s，%s%s%s。\n%s", i ? "\n" : "", c[0],
                              c[0], c[1], c[1], c[2], c[2], c[2], c[3], c[3], c[3], i == 0 ? "天地玄。\n" : "");
    }
    scratch_write(path, text, n);
}

static void shaped_dataset(Dataset *ds, const char *corpus, int recombine)
{
    TaskOptions o;
    task_options_default(&o, TASK_POEMS, 1);
    o.corpus = corpus;
    o.max_len = 24;
    o.min_count = 1;
    o.recombine = recombine;
    generate_ok(ds, &o);
}

/* The poem a character of write_shaped_poems belongs to, or −1. */
static int shaped_poem(const char *tok)
{
    for (int k = 0; k < 200; k++) {
        char c[4];
        cjk(k, c);
        if (strcmp(tok, c) == 0)
            return k / 10;
    }
    return -1;
}

static void test_poems_recombined(void **state)
{
    Scratch *s = *state;
    write_shaped_poems(s->path);
    Dataset plain, ds;
    shaped_dataset(&plain, s->path, 0);
    shaped_dataset(&ds, s->path, 300);
    assert_int_equal(plain.poems_recombined, 0);
    assert_int_equal(ds.poems_recombined, 300);
    assert_int_equal(ds.n_train, plain.n_train + 300);
    /* the real examples and the held-out split are what they were */
    assert_int_equal(ds.n_heldout, plain.n_heldout);
    char a[512], b[512];
    for (int k = 0; k < plain.n_train; k++) {
        example_text(&plain.train[k], a, sizeof a);
        example_text(&ds.train[k], b, sizeof b);
        assert_string_equal(a, b);
    }
    for (int k = 0; k < plain.n_heldout; k++) {
        example_text(&plain.heldout[k], a, sizeof a);
        example_text(&ds.heldout[k], b, sizeof b);
        assert_string_equal(a, b);
    }
    /* the training sentences, as text */
    bool trained[20] = {false};
    for (int k = 0; k < plain.n_train; k++)
        trained[shaped_poem(plain.train[k].tgt_text[0])] = true;
    int shape5 = 0, shape7 = 0, mixed = 0;
    for (int k = plain.n_train; k < ds.n_train; k++) {
        const Example *e = &ds.train[k];
        example_text(e, a, sizeof a);
        assert_int_equal(e->src_len, 0);
        assert_int_equal(e->tgt_len, 24);  /* 4 sentences of 6, or 3 of 8 */
        assert_null(strstr(a, "天地玄"));     /* its shape is no other sentence's */
        int len = 0;
        while (strcmp(e->tgt_text[len], "。") != 0)
            len++;
        len++;
        assert_true(len == 6 || len == 8);
        shape5 += len == 6;
        shape7 += len == 8;
        int first_poem = -1;
        for (int start = 0; start < e->tgt_len; start += len) {
            /* each sentence: one poem's sentence of that shape, whole */
            const int p = shaped_poem(e->tgt_text[start]);
            assert_true(p >= 0 && trained[p]);
            for (int t = start; t < start + len; t++) {
                const char *tok = e->tgt_text[t];
                const bool mark = strcmp(tok, "，") == 0 || strcmp(tok, "。") == 0;
                assert_true(mark || shaped_poem(tok) == p);
            }
            assert_string_equal(e->tgt_text[start + len / 2 - 1], "，");
            assert_string_equal(e->tgt_text[start + len - 1], "。");
            if (first_poem >= 0 && p != first_poem)
                mixed++;
            first_poem = p;
        }
    }
    assert_true(shape5 > 50 && shape7 > 50);
    assert_true(mixed > 100);   /* sentences of different poems side by side */
    /* the same seed draws the same examples */
    Dataset again;
    shaped_dataset(&again, s->path, 300);
    for (int k = 0; k < ds.n_train; k++) {
        example_text(&ds.train[k], a, sizeof a);
        example_text(&again.train[k], b, sizeof b);
        assert_string_equal(a, b);
    }
    task_dataset_free(&again);
    task_dataset_free(&ds);
    task_dataset_free(&plain);

    /* no two sentences of one shape: refused, as is a count out of range */
    scratch_write(s->path, "甲。\n\n乙丙。\n\n丁戊己。\n", strlen("甲。\n\n乙丙。\n\n丁戊己。\n"));
    TaskOptions o;
    Error err;
    task_options_default(&o, TASK_POEMS, 1);
    o.corpus = s->path;
    o.min_count = 1;
    o.recombine = 10;
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "no two training sentences have the same shape"));
    write_shaped_poems(s->path);
    o.recombine = -1;
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_ERR_INPUT);
    o.recombine = RECOMBINE_MAX_EXAMPLES + 1;
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_ERR_INPUT);
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
        cmocka_unit_test_prestate_setup_teardown(test_poems_split_whole_poems, scratch_setup, scratch_teardown,
                                                 "poems.txt"),
        cmocka_unit_test_prestate_setup_teardown(test_poems_vocabulary_rule, scratch_setup, scratch_teardown,
                                                 "poems.txt"),
        cmocka_unit_test_prestate_setup_teardown(test_poems_chunks, scratch_setup, scratch_teardown, "poems.txt"),
        cmocka_unit_test_prestate_setup_teardown(test_poems_deterministic, scratch_setup, scratch_teardown,
                                                 "poems.txt"),
        cmocka_unit_test_prestate_setup_teardown(test_poems_trained_on, scratch_setup, scratch_teardown, "poems.txt"),
        cmocka_unit_test_prestate_setup_teardown(test_poems_refusals, scratch_setup, scratch_teardown, "poems.txt"),
        cmocka_unit_test_prestate_setup_teardown(test_poems_recombined, scratch_setup, scratch_teardown, "poems.txt"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
