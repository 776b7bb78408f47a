/* test_weights.c — seeded initialisation, .tfw save/load and the .npy
 * directory import/export: round trips are bit-exact, and damaged or
 * mismatched files are refused with the file and byte offset named. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <stdint.h>
#include <zlib.h>

#include "model/weights_file.h"

#include "../support/scratch.h"

typedef struct {
    char dir[256];
    char path[300];  /* dir/m.tfw */
    Config cfg;
    Model m;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (scratch_make(f->dir, sizeof f->dir, "weights") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/m.tfw", f->dir);
    config_defaults(&f->cfg);
    f->cfg.d_model = 12;
    f->cfg.heads = 3;
    f->cfg.d_ff = 20;
    f->cfg.enc_layers = 1;
    f->cfg.dec_layers = 2;
    f->cfg.seed = 7;
    snprintf(f->cfg.vocab, sizeof f->cfg.vocab, "猫 追 老鼠 cat chases mouse");
    Error err;
    if (model_init_random(&f->m, &f->cfg, &err) != TF_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    model_free(&f->m);
    int rc = scratch_remove(f->dir);
    free(f);
    return rc;
}

static void assert_same_weights(const Model *a, const Model *b)
{
    assert_int_equal(a->vocab.size, b->vocab.size);
    for (int i = 0; i < a->vocab.size; i++)
        assert_string_equal(a->vocab.tokens[i], b->vocab.tokens[i]);
    assert_int_equal(a->cfg.d_model, b->cfg.d_model);
    assert_int_equal(a->cfg.heads, b->cfg.heads);
    assert_int_equal(a->cfg.enc_layers, b->cfg.enc_layers);
    assert_int_equal(a->cfg.dec_layers, b->cfg.dec_layers);
    assert_int_equal(a->w.numel, b->w.numel);
    assert_memory_equal(a->w.block, b->w.block, a->w.numel * sizeof(float));
}

static void test_init_is_seeded_and_shaped(void **state)
{
    Fixture *f = *state;
    Model again;
    Error err;
    assert_int_equal(model_init_random(&again, &f->cfg, &err), TF_OK);
    assert_same_weights(&f->m, &again);
    model_free(&again);

    /* Xavier bounds: |w| ≤ √(6 / (fan_in + fan_out)); LayerNorm gains 1. */
    const int d = f->cfg.d_model;
    const float a = sqrtf(6.0f / (float)(3 * d + d));
    const float *w = f->m.w.enc[0].self_attn_in_w;
    float mx = 0;
    for (int i = 0; i < 3 * d * d; i++)
        mx = fabsf(w[i]) > mx ? fabsf(w[i]) : mx;
    assert_true(mx <= a && mx > 0.5f * a);
    assert_true(f->m.w.dec[1].norm3_w[0] == 1.0f && f->m.w.dec[1].norm3_b[0] == 0.0f);
    assert_true(f->m.w.enc[0].self_attn_in_b[0] == 0.0f);

    Config other = f->cfg;
    other.seed = 8;
    assert_int_equal(model_init_random(&again, &other, &err), TF_OK);
    assert_memory_not_equal(f->m.w.block, again.w.block, f->m.w.numel * sizeof(float));
    model_free(&again);
}

static void test_entries_use_pytorch_names(void **state)
{
    Fixture *f = *state;
    WeightEntry *e;
    int n = weights_entries(&f->m.cfg, f->m.vocab.size, &f->m.w, &e);
    assert_true(n > 0);
    const char *want[] = {"encoder.layers.0.self_attn.in_proj_weight", "decoder.layers.1.multihead_attn.out_proj.bias",
                          "decoder.layers.1.norm3.weight", "encoder.norm.bias", "generator.weight",
                          "src_embedding.weight"};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            found |= strcmp(e[i].name, want[k]) == 0;
        if (!found)
            fail_msg("no weight named %s", want[k]);
    }
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += (size_t)e[i].rows * (size_t)(e[i].cols ? e[i].cols : 1);
    assert_int_equal(total, f->m.w.numel);
    free(e);
}

static void test_tfw_round_trip(void **state)
{
    Fixture *f = *state;
    Error err;
    assert_int_equal(weights_save_tfw(&f->m, f->path, &err), TF_OK);
    Model back;
    if (weights_load_tfw(&back, f->path, NULL, &err) != TF_OK)
        fail_msg("load: %s", err.msg);
    assert_same_weights(&f->m, &back);
    model_free(&back);
}

/* Every truncation, and a flipped byte every 7 bytes, is refused with an
 * error naming the file and a byte offset. */
static void test_tfw_damage_is_refused(void **state)
{
    Fixture *f = *state;
    Error err;
    assert_int_equal(weights_save_tfw(&f->m, f->path, &err), TF_OK);
    size_t n;
    unsigned char *good = scratch_read(f->path, &n);
    char bad[320];
    snprintf(bad, sizeof bad, "%s/bad.tfw", f->dir);
    Model m;
    for (size_t len = 0; len < n; len += (len < 256 ? 1 : 97)) {
        scratch_write(bad, good, len);
        if (weights_load_tfw(&m, bad, NULL, &err) != TF_ERR_INPUT)
            fail_msg("truncation to %zu bytes was accepted", len);
        assert_non_null(strstr(err.msg, "bad.tfw"));
        assert_non_null(strstr(err.msg, "byte"));
    }
    unsigned char *copy = malloc(n);
    for (size_t at = 0; at < n; at += 7) {
        memcpy(copy, good, n);
        copy[at] ^= 0x20;
        scratch_write(bad, copy, n);
        if (weights_load_tfw(&m, bad, NULL, &err) != TF_ERR_INPUT)
            fail_msg("flipped byte %zu was accepted", at);
        assert_non_null(strstr(err.msg, "byte"));
    }
    free(copy);
    free(good);
}

/* A file cut to any length, whether its last four bytes are a checksum
 * that fits or not, is refused with the file and a byte offset named:
 * a 16–19-byte file with a valid CRC once made the cursor's remaining
 * count wrap around and the parser read far past the buffer (run under
 * ASan this would be a heap-buffer-overflow). */
static void test_tfw_short_files_are_refused(void **state)
{
    Fixture *f = *state;
    Error err;
    assert_int_equal(weights_save_tfw(&f->m, f->path, &err), TF_OK);
    size_t n;
    unsigned char *good = scratch_read(f->path, &n);
    char bad[320];
    snprintf(bad, sizeof bad, "%s/short.tfw", f->dir);
    const size_t longer[] = {80, 100, 128, 200, 333, n / 2, n - 6, n - 5, n - 1};  /* not n − 4: with its CRC appended, that is the whole file */
    unsigned char *cut = malloc(n + 4);
    for (size_t k = 0; k <= 64 + sizeof longer / sizeof *longer; k++) {
        size_t len = k <= 64 ? k : longer[k - 65];
        for (int variant = 0; variant < 3; variant++) {
            /* 0: cut as is; 1: its last 4 bytes replaced by the CRC of the
             * rest; 2: the CRC of the cut appended */
            memcpy(cut, good, len);
            size_t size = len;
            if (variant == 1 && len >= 4) {
                uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), cut, (uInt)(len - 4));
                memcpy(cut + len - 4, &crc, 4);
            } else if (variant == 2) {
                uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), cut, (uInt)len);
                memcpy(cut + len, &crc, 4);
                size += 4;
            }
            scratch_write(bad, cut, size);
            Model m;
            if (weights_load_tfw(&m, bad, NULL, &err) != TF_ERR_INPUT)
                fail_msg("a %zu-byte file (cut at %zu, variant %d) was not refused as bad input", size, len, variant);
            if (!strstr(err.msg, "short.tfw") || !strstr(err.msg, "byte "))
                fail_msg("%zu bytes: '%s' names no file or byte offset", size, err.msg);
            if (size < 20 && !strstr(err.msg, "bytes long"))
                fail_msg("%zu bytes: '%s' does not give the file's length", size, err.msg);
        }
    }
    free(cut);
    free(good);
}

static void test_npy_round_trip_and_errors(void **state)
{
    Fixture *f = *state;
    Error err;
    char dir[300], path[400];
    snprintf(dir, sizeof dir, "%s/npy", f->dir);
    assert_int_equal(weights_export_npy(&f->m, dir, &err), TF_OK);
    Config base;
    config_defaults(&base);
    Model back;
    if (weights_import_npy(&back, dir, &base, &err) != TF_OK)
        fail_msg("import: %s", err.msg);
    assert_same_weights(&f->m, &back);
    model_free(&back);

    /* a tensor of the wrong shape: named, with the shape expected */
    snprintf(path, sizeof path, "%s/generator.bias.npy", dir);
    char keep[320];
    snprintf(keep, sizeof keep, "%s/keep.bin", f->dir);
    assert_int_equal(rename(path, keep), 0);
    snprintf(path, sizeof path, "%s/decoder.layers.0.norm1.weight.npy", dir);
    char wrong[400];
    snprintf(wrong, sizeof wrong, "%s/generator.bias.npy", dir);
    char cmd[1000];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, wrong);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(weights_import_npy(&back, dir, &base, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "generator.bias.npy"));
    assert_non_null(strstr(err.msg, "shape"));

    /* a missing tensor */
    unlink(wrong);
    assert_int_equal(weights_import_npy(&back, dir, &base, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "generator.bias"));
    assert_non_null(strstr(err.msg, "missing"));

    /* a file the model has no use for */
    assert_int_equal(rename(keep, wrong), 0);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/decoder.layers.0.extra.npy'", wrong, dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(weights_import_npy(&back, dir, &base, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "decoder.layers.0.extra.npy"));
}

/* The caller's explicit settings against a weight file: what shapes the
 * weights must agree (same value fine), what only runs the model wins. */
static void test_settings_against_the_file(void **state)
{
    Fixture *f = *state;
    Error err;
    assert_int_equal(weights_save_tfw(&f->m, f->path, &err), TF_OK);
    static const struct {
        const char *key, *value;
        Status want;
        const char *says;  /* in the message when refused */
    } cases[] = {
        {"heads", "3", TF_OK, NULL},
        {"heads", "1", TF_ERR_INPUT, "--heads 1 contradicts "},
        {"d_model", "16", TF_ERR_INPUT, "(d_model = 12)"},
        {"d_ff", "20", TF_OK, NULL},
        {"layers", "2", TF_ERR_INPUT, "(encoder_layers = 1, decoder_layers = 2)"},
        {"decoder_layers", "2", TF_OK, NULL},
        {"norm", "pre", TF_ERR_INPUT, "(norm = post)"},
        {"activation", "gelu", TF_ERR_INPUT, "(activation = relu)"},
        {"positions", "learned", TF_ERR_INPUT, "(positions = sinusoidal)"},
        {"ln_eps", "1e-3", TF_ERR_INPUT, "(ln_eps = 1e-05)"},
        {"tokens", "猫 追 老鼠 cat chases mouse", TF_OK, NULL},
        {"tokens", "猫 追", TF_ERR_INPUT, "(tokens = 猫 追 老鼠 cat chases mouse)"},
        {"relative_buckets", "8", TF_OK, NULL},  /* no relative positions: nothing to contradict */
        {"seed", "99", TF_OK, NULL},             /* weights from a file are not drawn from a seed */
        {"causal_mask", "off", TF_OK, NULL},
        {"padding_mask", "off", TF_OK, NULL},
        {"residual", "off", TF_OK, NULL},
        {"max_len", "100", TF_OK, NULL},          /* sinusoids: max_len only caps the sentences */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        Config want;
        config_defaults(&want);
        ConfigSource src = {{0}, 0, {0}};
        snprintf(src.key, sizeof src.key, "--%s", cases[i].key);
        for (char *c = src.key + 2; *c; c++)
            if (*c == '_')
                *c = '-';
        assert_int_equal(config_set(&want, cases[i].key, cases[i].value, &src, &err), TF_OK);
        Model back;
        Status st = weights_load_tfw(&back, f->path, &want, &err);
        if (st != cases[i].want)
            fail_msg("%s = %s: status %d, expected %d (%s)", cases[i].key, cases[i].value, st, cases[i].want,
                     st ? err.msg : "");
        if (st) {
            if (!strstr(err.msg, cases[i].says) || !strstr(err.msg, f->path) || !err.hint[0])
                fail_msg("%s = %s: message '%s' (hint '%s') lacks '%s' or the file", cases[i].key, cases[i].value,
                         err.msg, err.hint, cases[i].says);
            continue;
        }
        if (strcmp(cases[i].key, "causal_mask") == 0)
            assert_false(back.cfg.causal_mask);
        if (strcmp(cases[i].key, "padding_mask") == 0)
            assert_false(back.cfg.padding_mask);
        if (strcmp(cases[i].key, "residual") == 0)
            assert_false(back.cfg.residual);
        if (strcmp(cases[i].key, "max_len") == 0)
            assert_int_equal(back.cfg.max_len, 100);
        assert_int_equal(back.cfg.heads, 3);
        model_free(&back);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_is_seeded_and_shaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_use_pytorch_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tfw_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tfw_damage_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tfw_short_files_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npy_round_trip_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings_against_the_file, setup, teardown),
    };
    return cmocka_run_group_tests_name("weights", tests, NULL, NULL);
}
