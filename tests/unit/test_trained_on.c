/* test_trained_on.c — what a model was trained on: the task's ranges taken
 * from its dataset, the [trained] section through .tfw save and load, old
 * files without it loading as "unknown", damaged sections refused, and the
 * exact warnings for sentences outside the ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "model/weights_file.h"
#include "train/tasks.h"

#include "../support/scratch.h"

static const TrainedOn reverse_3_9 = {"reverse", 3, 9, 3, 9, ""};

static void small_model(Model *m)
{
    Config *c = calloc(1, sizeof *c);
    assert_non_null(c);
    config_defaults(c);
    c->d_model = 8;
    c->heads = 2;
    c->d_ff = 12;
    c->enc_layers = c->dec_layers = 1;
    snprintf(c->vocab, sizeof c->vocab, "a b c d e f g h i j");
    Error err;
    assert_int_equal(model_init_random(m, c, &err), TF_OK);
    free(c);
}

/* ---- the ranges come from the training split ---- */

static void test_dataset_gives_task_and_lengths(void **state)
{
    (void)state;
    Dataset ds;
    TaskOptions o;
    Error err;
    TrainedOn t;
    task_options_default(&o, TASK_REVERSE, 1);
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_OK);
    task_dataset_trained_on(&ds, &t);
    assert_string_equal(t.task, "reverse");
    assert_int_equal(t.src_min, 3);
    assert_int_equal(t.src_max, 9);
    assert_int_equal(t.tgt_min, 3);
    assert_int_equal(t.tgt_max, 9);
    /* the held-out split is drawn like the training one: inside */
    assert_int_equal(task_examples_outside(&t, ds.heldout, ds.n_heldout), 0);
    /* narrower ranges: exactly the examples of the lengths cut off */
    int want = 0;
    for (int k = 0; k < ds.n_heldout; k++)
        want += ds.heldout[k].src_len == 3 || ds.heldout[k].tgt_len == 9;
    TrainedOn narrow = {"reverse", 4, 9, 3, 8, ""};
    assert_true(want > 0);
    assert_int_equal(task_examples_outside(&narrow, ds.heldout, ds.n_heldout), want);
    TrainedOn unknown = {0};
    assert_int_equal(task_examples_outside(&unknown, ds.heldout, ds.n_heldout), 0);
    task_dataset_free(&ds);

    task_options_default(&o, TASK_PHRASEBOOK, 1);
    assert_int_equal(task_dataset_generate(&ds, &o, &err), TF_OK);
    task_dataset_trained_on(&ds, &t);
    assert_string_equal(t.task, "phrasebook");
    assert_int_equal(t.src_min, 3);
    assert_int_equal(t.src_max, 5);
    assert_int_equal(t.tgt_min, 3);
    assert_int_equal(t.tgt_max, 5);
    task_dataset_free(&ds);
}

/* ---- save and load ---- */

static void test_round_trip(void **state)
{
    Scratch *s = *state;
    Model m, back;
    Error err;
    small_model(&m);
    m.trained = reverse_3_9;
    assert_int_equal(weights_save_tfw(&m, s->path, &err), TF_OK);
    size_t size;
    unsigned char *b = scratch_read(s->path, &size);
    uint32_t minor;
    memcpy(&minor, b + 12, 4);
    assert_int_equal(minor, 1);  /* a file with [trained] is 1.1 */
    assert_non_null(strstr((const char *)b + 20, "[trained]\ntask = reverse\nsrc_min = 3\n"));
    free(b);
    assert_int_equal(weights_load_tfw(&back, s->path, NULL, &err), TF_OK);
    assert_memory_equal(&back.trained, &m.trained, sizeof m.trained);
    assert_memory_equal(back.w.block, m.w.block, m.w.numel * sizeof(float));
    char d[256];
    trained_on_describe(&back.trained, d, sizeof d);
    assert_string_equal(d, "reverse, source sentences of 3–9 tokens, target sentences of 3–9 tokens");
    model_free(&back);

    /* random weights record nothing, and the file stays 1.0 */
    memset(&m.trained, 0, sizeof m.trained);
    assert_int_equal(weights_save_tfw(&m, s->path, &err), TF_OK);
    b = scratch_read(s->path, &size);
    memcpy(&minor, b + 12, 4);
    assert_int_equal(minor, 0);
    assert_null(strstr((const char *)b + 20, "[trained]"));
    free(b);
    assert_int_equal(weights_load_tfw(&back, s->path, NULL, &err), TF_OK);
    assert_false(trained_on_known(&back.trained));
    trained_on_describe(&back.trained, d, sizeof d);
    assert_string_equal(d, "unknown");
    model_free(&back);
    model_free(&m);
}

/* A .tfw built byte by byte as version 1.0 wrote it, with `extra` appended
 * to its configuration text. */
static void write_tfw(const char *path, const Model *m, uint32_t minor, const char *extra)
{
    char cfg[8192];
    Config *c = malloc(sizeof *c);
    assert_non_null(c);
    *c = m->cfg;
    c->n_src = c->n_tgt = 0;
    int n = config_to_ini(c, cfg, sizeof cfg);
    free(c);
    assert_true(n > 0 && (size_t)n + strlen(extra) < sizeof cfg);
    strcat(cfg, extra);
    size_t cap = 1 << 20, at = 0;
    unsigned char *b = malloc(cap);
    assert_non_null(b);
#define PUT(p, k) (assert_true(at + (k) <= cap), memcpy(b + at, (p), (k)), at += (k))
#define PUT32(v) do { uint32_t v_ = (uint32_t)(v); PUT(&v_, 4); } while (0)
    PUT("TFWEIGHT", 8);
    PUT32(1);
    PUT32(minor);
    PUT32(strlen(cfg));
    PUT(cfg, strlen(cfg));
    char vocab[1024] = "";
    for (int i = 0; i < m->vocab.size; i++)
        snprintf(vocab + strlen(vocab), sizeof vocab - strlen(vocab), "%s\n", m->vocab.tokens[i]);
    PUT32(strlen(vocab));
    PUT(vocab, strlen(vocab));
    WeightEntry *e;
    int count = weights_entries(&m->cfg, m->vocab.size, &m->w, &e);
    PUT32(count);
    for (int i = 0; i < count; i++) {
        PUT32(strlen(e[i].name));
        PUT(e[i].name, strlen(e[i].name));
        PUT32(e[i].rows);
        PUT32(e[i].cols);
        PUT(*e[i].slot, (size_t)e[i].rows * (size_t)(e[i].cols ? e[i].cols : 1) * sizeof(float));
    }
    free(e);
    PUT32(crc32(crc32(0, NULL, 0), b, (uInt)at));
#undef PUT32
#undef PUT
    scratch_write(path, b, at);
    free(b);
}

static void test_old_file_is_unknown(void **state)
{
    Scratch *s = *state;
    Model m, back;
    Error err;
    small_model(&m);
    write_tfw(s->path, &m, 0, "");
    back.trained = reverse_3_9;  /* the loader must clear it, not keep it */
    assert_int_equal(weights_load_tfw(&back, s->path, NULL, &err), TF_OK);
    assert_false(trained_on_known(&back.trained));
    assert_memory_equal(back.w.block, m.w.block, m.w.numel * sizeof(float));
    model_free(&back);

    /* a [trained] section by hand loads like the writer's */
    write_tfw(s->path, &m, 1, "\n[trained]\ntask = copy\nsrc_min = 2\nsrc_max = 5\ntgt_min = 2\ntgt_max = 6\n");
    assert_int_equal(weights_load_tfw(&back, s->path, NULL, &err), TF_OK);
    TrainedOn want = {"copy", 2, 5, 2, 6, ""};
    assert_memory_equal(&back.trained, &want, sizeof want);
    model_free(&back);

    /* and a damaged one is refused, naming the configuration's line */
    write_tfw(s->path, &m, 1, "\n[trained]\ntask = copy\nsrc_min = 2\nsrc_max = 5\ntgt_min = 2\n");
    assert_int_equal(weights_load_tfw(&back, s->path, NULL, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "(configuration):"));
    assert_non_null(strstr(err.msg, "[trained] has no tgt_max"));
    model_free(&m);
}

/* A decoder-only model: no source (0–0), its sequences' lengths, and the
 * corpus it read, through the INI text and back; a corpus path an INI
 * value cannot hold is not recorded. */
static void test_decoder_only_round_trip(void **state)
{
    (void)state;
    TrainedOn t = {"poems", 0, 0, 3, 62, ""};
    assert_true(trained_on_set_corpus(&t, "/usr/share/games/fortunes/tang300"));
    char text[1024];
    int n = trained_on_to_ini(&t, text, sizeof text);
    assert_true(n > 0 && n < (int)sizeof text);
    assert_non_null(strstr(text, "src_min = 0\nsrc_max = 0\n"));
    assert_non_null(strstr(text, "corpus = /usr/share/games/fortunes/tang300\n"));
    TrainedOn back;
    Error err = {0};
    assert_int_equal(trained_on_from_ini(&back, text, "t", &err), TF_OK);
    assert_memory_equal(&back, &t, sizeof t);
    char said[256];
    trained_on_describe(&back, said, sizeof said);
    assert_string_equal(said, "poems, sequences of 3\xe2\x80\x93" "62 tokens (no source: decoder-only)");
    /* not recordable: a newline, a comment character, a space at an end */
    assert_false(trained_on_set_corpus(&t, "a\nb"));
    assert_string_equal(t.corpus, "");
    assert_false(trained_on_set_corpus(&t, "a;b"));
    assert_false(trained_on_set_corpus(&t, "a "));
    assert_true(trained_on_set_corpus(&t, "诗 集.txt"));
    n = trained_on_to_ini(&t, text, sizeof text);
    assert_int_equal(trained_on_from_ini(&back, text, "t", &err), TF_OK);
    assert_string_equal(back.corpus, "诗 集.txt");
}

static void test_bad_sections_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"[trained]\ntask = copy\nsrc_min = 3\nsrc_max = 9\ntgt_min = 3\n", "t:1: [trained] has no tgt_max"},
        {"[trained]\ntask = copy\nsrc_min = 9\nsrc_max = 3\ntgt_min = 3\ntgt_max = 9\n", "a minimum above its maximum"},
        {"[trained]\ntask = copy\nsrc_lo = 3\n", "t:3: unknown key 'src_lo' in [trained]"},
        {"[trained]\ntask = copy\nsrc_min = -1\n", "t:3: src_min = '-1' is not a whole number from 0 to 65536"},
        {"[trained]\ntask = copy\ntgt_min = 0\n", "t:3: tgt_min = '0' is not a whole number from 1 to 65536"},
        {"[trained]\ntask = poems\nsrc_min = 0\nsrc_max = 3\ntgt_min = 1\ntgt_max = 9\n",
         "source lengths 0–3: 0 (no source) is both or neither"},
        {"[trained]\ntask = poems\ncorpus = a\x1b[2Kb\n", "t:3: corpus is not a file name"},
        {"[trained]\ntask = poems\ncorpus = a\ncorpus = b\n", "t:4: corpus is already set on line 3"},
        {"[trained]\ntask = copy\nsrc_min = 3x\n", "t:3: src_min = '3x' is not"},
        {"[trained]\ntask = co\x1b[2Kpy\n", "t:2: task is not a name"},
        {"[trained]\ntask = copy\ntask = reverse\n", "t:3: task is already set on line 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        TrainedOn t = reverse_3_9;
        Error err = {0};
        assert_int_equal(trained_on_from_ini(&t, cases[i].text, "t", &err), TF_ERR_INPUT);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: '%s' does not hold '%s'", i, err.msg, cases[i].msg);
        assert_false(trained_on_known(&t));
    }
    TrainedOn t = reverse_3_9;
    Error err = {0};
    assert_int_equal(trained_on_from_ini(&t, "[model]\nd_model = 8\n", "t", &err), TF_OK);
    assert_false(trained_on_known(&t));
}

/* ---- warnings ---- */

/* The warnings of reverse_3_9 for these sentences (--src/--tgt flags). */
static int warnings_for(const char *const *src, const char *const *tgt, int n, bool prompt, char *buf, size_t cap)
{
    Model m;
    Error err;
    small_model(&m);
    for (int i = 0; i < n; i++) {
        assert_int_equal(config_set(&m.cfg, "src", src[i], NULL, &err), TF_OK);
        if (tgt)
            assert_int_equal(config_set(&m.cfg, "tgt", tgt[i], NULL, &err), TF_OK);
    }
    Batch b;
    assert_int_equal(batch_build(&b, &m.cfg, &m.vocab, NULL, NULL, &err), TF_OK);
    int lines = trained_on_warnings(&reverse_3_9, &b, &m.cfg, prompt, "reverse.tfw", buf, cap);
    batch_free(&b);
    model_free(&m);
    return lines;
}

static void test_warnings(void **state)
{
    (void)state;
    char buf[1024];
    const char *one[] = {"a"}, *ten[] = {"a b c d e f g h i j"}, *four[] = {"a b c d"};
    assert_int_equal(warnings_for(one, NULL, 1, false, buf, sizeof buf), 1);
    assert_string_equal(buf, "reverse.tfw was trained on source sentences of 3–9 tokens; --src 1 has 1 (outputs "
                             "outside that range are unreliable)\n");
    assert_int_equal(warnings_for(ten, NULL, 1, false, buf, sizeof buf), 1);
    assert_string_equal(buf, "reverse.tfw was trained on source sentences of 3–9 tokens; --src 1 has 10 (outputs "
                             "outside that range are unreliable)\n");
    assert_int_equal(warnings_for(four, NULL, 1, false, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    /* the edges are inside */
    const char *edges[] = {"a b c", "a b c d e f g h i"};
    assert_int_equal(warnings_for(edges, edges, 2, false, buf, sizeof buf), 0);

    /* a batch: the first outside, and how many more; targets on their own range */
    const char *src[] = {"a b c", "a", "a b c d e f g h i j"};
    const char *tgt[] = {"c b a", "a b", "a"};
    assert_int_equal(warnings_for(src, tgt, 3, false, buf, sizeof buf), 2);
    assert_string_equal(buf,
                        "reverse.tfw was trained on source sentences of 3–9 tokens; --src 2 has 1, and 1 other "
                        "sentence is outside it too (outputs outside that range are unreliable)\n"
                        "reverse.tfw was trained on target sentences of 3–9 tokens; --tgt 2 has 2, and 1 other "
                        "sentence is outside it too (outputs outside that range are unreliable)\n");

    /* a generation prompt is a beginning: only one too long is outside */
    const char *p_src[] = {"a b c d"}, *p_short[] = {"d"}, *p_long[] = {"a b c d e f g h i j"};
    assert_int_equal(warnings_for(p_src, p_short, 1, true, buf, sizeof buf), 0);
    assert_int_equal(warnings_for(p_src, p_long, 1, true, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "target sentences of 3–9 tokens; --tgt 1 has 10"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dataset_gives_task_and_lengths),
        cmocka_unit_test_prestate_setup_teardown(test_round_trip, scratch_setup, scratch_teardown, "m.tfw"),
        cmocka_unit_test_prestate_setup_teardown(test_old_file_is_unknown, scratch_setup, scratch_teardown,
                                                 "old.tfw"),
        cmocka_unit_test(test_decoder_only_round_trip),
        cmocka_unit_test(test_bad_sections_are_refused),
        cmocka_unit_test(test_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
