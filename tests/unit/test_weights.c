/* test_weights.c — seeded initialisation, .tfw save/load and the .npy
 * directory import/export: round trips are bit-exact, and damaged or
 * mismatched files are refused with the file and byte offset named. */
#include <math.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>
#include <stdint.h>
#include <zlib.h>

#include "io/npy.h"
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
    if (scratch_dir_make(f->dir, sizeof f->dir, NULL, "tf_weights_", SCRATCH_UNGUARDED) != 0) {
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
    int rc = scratch_dir_remove(f->dir);
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
    /* Every parameter counted once, each a whole number of cache lines
     * into the block, inside it and clear of the next one. */
    size_t total = 0;
    const float *end = f->m.w.block;
    for (int i = 0; i < n; i++) {
        const size_t numel = (size_t)e[i].rows * (size_t)(e[i].cols ? e[i].cols : 1);
        const float *p = *e[i].slot;
        total += numel;
        const size_t at = (size_t)(p - f->m.w.block) * sizeof *p;
        if (at % 64 != 0)
            fail_msg("%s starts %zu bytes into the block, %zu into a cache line", e[i].name, at, at % 64);
        assert_true(p >= end);
        end = p + numel;
    }
    assert_int_equal(total, f->m.w.params);
    assert_true(end <= f->m.w.block + f->m.w.numel);
    assert_true(f->m.w.numel - f->m.w.params < (size_t)16 * n);
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

/* ---- importing a PyTorch directory: refusing to guess ---------------- */

/* Import dir with base; the result must be TF_ERR_INPUT with every one of
 * the NULL-terminated `says` in the message (or, after a "!", not in it). */
static void import_refused(const char *dir, const Config *base, const char *what, ...)
{
    Model m;
    Error err;
    Status st = weights_import_npy(&m, dir, base, &err);
    if (st != TF_ERR_INPUT) {
        if (st == TF_OK)
            model_free(&m);
        fail_msg("%s: status %d, expected refusal (%s)", what, st, st ? err.msg : "accepted");
    }
    va_list ap;
    va_start(ap, what);
    for (const char *say; (say = va_arg(ap, const char *));) {
        bool absent = say[0] == '!';
        if ((strstr(err.msg, say + absent) != NULL) == absent)
            fail_msg("%s: message '%s' (hint '%s') %s '%s'", what, err.msg, err.hint,
                     absent ? "holds" : "lacks", say + absent);
    }
    va_end(ap);
}

static void write_text(const char *path, const char *text)
{
    scratch_write(path, text, strlen(text));
}

static void set_flag(Config *c, const char *key, const char *value)
{
    ConfigSource src = {{0}, 0, {0}};
    snprintf(src.key, sizeof src.key, "--%s", key);
    for (char *k = src.key + 2; *k; k++)
        if (*k == '_')
            *k = '-';
    Error err;
    assert_int_equal(config_set(c, key, value, &src, &err), TF_OK);
}

/* What the tensors cannot tell must be stated, all of it named at once;
 * what they do tell must agree with config.ini; a deleted tensor is named. */
static void test_npy_import_refuses_to_guess(void **state)
{
    Fixture *f = *state;
    Error err;
    char dir[300], ini[400], path[400];
    snprintf(dir, sizeof dir, "%s/npy", f->dir);
    snprintf(ini, sizeof ini, "%s/config.ini", dir);
    assert_int_equal(weights_export_npy(&f->m, dir, &err), TF_OK);
    size_t full_len;
    char *full = (char *)scratch_read(ini, &full_len);
    Config base;
    config_defaults(&base);

    unlink(ini);
    import_refused(dir, &base, "no config.ini", "heads, norm, activation, positions", "no config.ini", NULL);
    write_text(ini, "[model]\nheads = 3\nnorm = post\n");
    import_refused(dir, &base, "config.ini without two", "activation, positions", "config.ini does not state them",
                   "!heads", NULL);
    Model m;
    Error e2;
    assert_int_equal(weights_import_npy(&m, dir, &base, &e2), TF_ERR_INPUT);
    assert_non_null(strstr(e2.hint, "activation = relu"));

    /* the caller may state what config.ini leaves out */
    Config flags = base;
    set_flag(&flags, "activation", "relu");
    set_flag(&flags, "positions", "sinusoidal");
    if (weights_import_npy(&m, dir, &flags, &err) != TF_OK)
        fail_msg("flags for the missing lines: %s", err.msg);
    assert_same_weights(&f->m, &m);
    model_free(&m);
    unlink(ini);
    set_flag(&flags, "heads", "3");
    set_flag(&flags, "norm", "post");
    if (weights_import_npy(&m, dir, &flags, &err) != TF_OK)
        fail_msg("flags for every untold setting: %s", err.msg);
    assert_same_weights(&f->m, &m);
    model_free(&m);
    Config wrong = flags;
    set_flag(&wrong, "d_model", "16");
    import_refused(dir, &wrong, "--d-model against the tensors", "--d-model 16 contradicts", "(d_model = 12)", NULL);

    /* sizes config.ini states must agree with the tensors */
    char *bad_ini = malloc(full_len + 64);
    snprintf(bad_ini, full_len + 64, "%.*s", (int)full_len, full);
    char *d = strstr(bad_ini, "d_model = 12");
    assert_non_null(d);
    memcpy(d, "d_model = 16", 12);
    write_text(ini, bad_ini);
    import_refused(dir, &base, "config.ini's d_model", "config.ini:3: d_model = 16, but ",
                   "tgt_embedding.weight.npy has shape (10, 12)", NULL);
    snprintf(bad_ini, full_len + 64, "%.*s", (int)full_len, full);
    d = strstr(bad_ini, "d_ff = 20");
    memcpy(d, "d_ff = 24", 9);
    write_text(ini, bad_ini);
    import_refused(dir, &base, "config.ini's d_ff", "d_ff = 24, but ", "decoder.layers.0.linear1.weight.npy", NULL);
    snprintf(bad_ini, full_len + 64, "%.*s", (int)full_len, full);
    d = strstr(bad_ini, "decoder_layers = 2");
    memcpy(d, "decoder_layers = 1", 18);
    write_text(ini, bad_ini);
    import_refused(dir, &base, "config.ini's decoder_layers", "decoder_layers = 1, but ", "decoder.layers.1.*.npy",
                   NULL);
    snprintf(bad_ini, full_len + 64, "%.*s", (int)full_len, full);
    d = strstr(bad_ini, "cat chases mouse");
    assert_non_null(d);
    memcpy(d, "cat mouse chases", 16);
    write_text(ini, bad_ini);
    import_refused(dir, &base, "config.ini's tokens", "tokens differ from ", "vocab.txt from id 8 on", NULL);
    free(bad_ini);

    /* a deleted tensor is named as missing, with or without config.ini */
    write_text(ini, full);
    snprintf(path, sizeof path, "%s/encoder.layers.0.linear1.weight.npy", dir);
    char keep[400];
    snprintf(keep, sizeof keep, "%s/keep.npy", f->dir);
    assert_int_equal(rename(path, keep), 0);
    import_refused(dir, &base, "a deleted tensor", "encoder.layers.0.linear1.weight.npy: missing", "!encoder_layers = 0",
                   NULL);
    unlink(ini);
    import_refused(dir, &flags, "a deleted tensor, no config.ini", "encoder.layers.0.linear1.weight.npy: missing",
                   NULL);
    assert_int_equal(rename(keep, path), 0);
    write_text(ini, full);
    snprintf(path, sizeof path, "%s/src_embedding.weight.npy", dir);
    assert_int_equal(rename(path, keep), 0);
    import_refused(dir, &base, "a deleted embedding", "src_embedding.weight.npy: missing", NULL);
    assert_int_equal(rename(keep, path), 0);
    free(full);
}

/* A float64 .npy of shape (rows, cols) holding `value` at flat index `at`
 * and zeros elsewhere: npy_write_f32 writes only float32. */
static void write_f64(const char *path, int rows, int cols, size_t at, double value)
{
    char head[128];
    int n = snprintf(head, sizeof head, "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols);
    while ((10 + n + 1) % 64)
        head[n++] = ' ';
    head[n++] = '\n';
    size_t numel = (size_t)rows * (size_t)cols, size = 10 + (size_t)n + numel * 8;
    unsigned char *b = calloc(1, size);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (unsigned char)n;
    b[9] = 0;
    memcpy(b + 10, head, (size_t)n);
    memcpy(b + 10 + n + at * 8, &value, 8);
    scratch_write(path, b, size);
    free(b);
}

/* NaN, ±inf, and a float64 too large for float32, in any tensor: refused
 * naming the tensor and the flat index. */
static void test_npy_import_refuses_non_finite(void **state)
{
    Fixture *f = *state;
    Error err;
    char dir[300], path[400], keep[400];
    snprintf(dir, sizeof dir, "%s/npy", f->dir);
    assert_int_equal(weights_export_npy(&f->m, dir, &err), TF_OK);
    Config base;
    config_defaults(&base);
    snprintf(keep, sizeof keep, "%s/keep.npy", f->dir);
    const int d = f->cfg.d_model, V = f->m.vocab.size;
    struct {
        const char *tensor;
        int rows, cols;
        size_t at;
        double value;
        bool f64;
        const char *says;
    } cases[] = {
        {"generator.weight", V, d, 5, NAN, false, "value 5 (flat index, C order) is NaN"},
        {"decoder.layers.1.linear2.weight", d, f->cfg.d_ff, 17, INFINITY, false, "value 17 "},
        {"encoder.layers.0.self_attn.in_proj_weight", 3 * d, d, 0, -INFINITY, false, "value 0 "},
        {"tgt_embedding.weight", V, d, 33, 1e300, true, "value 33 (flat index, C order) is infinite"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", dir, cases[i].tensor);
        assert_int_equal(rename(path, keep), 0);
        if (cases[i].f64) {
            write_f64(path, cases[i].rows, cases[i].cols, cases[i].at, cases[i].value);
        } else {
            size_t numel = (size_t)cases[i].rows * (size_t)cases[i].cols;
            float *v = calloc(numel, sizeof *v);
            v[cases[i].at] = (float)cases[i].value;
            uint64_t dims[2] = {(uint64_t)cases[i].rows, (uint64_t)cases[i].cols};
            assert_int_equal(npy_write_f32(path, v, 2, dims, &err), TF_OK);
            free(v);
        }
        import_refused(dir, &base, cases[i].tensor, cases[i].tensor, cases[i].says, NULL);
        assert_int_equal(rename(keep, path), 0);
    }
    Model m;
    if (weights_import_npy(&m, dir, &base, &err) != TF_OK)
        fail_msg("restored: %s", err.msg);
    model_free(&m);
}

/* vocab.txt: a line too long, a NUL, an empty or repeated line, named by
 * file and line; never split into two tokens or cut short. */
static void test_npy_vocab_txt_lines(void **state)
{
    Fixture *f = *state;
    Error err;
    char dir[300], path[400];
    snprintf(dir, sizeof dir, "%s/npy", f->dir);
    snprintf(path, sizeof path, "%s/vocab.txt", dir);
    assert_int_equal(weights_export_npy(&f->m, dir, &err), TF_OK);
    Config base;
    config_defaults(&base);
    const char *head = "<PAD>\n<START>\n<END>\n<UNK>\n猫\n";
    char *text = malloc(4096);
    /* line 6 of 512 bytes: one over the limit the .tfw reader has too */
    int n = snprintf(text, 4096, "%s", head);
    memset(text + n, 'a', 512);
    n += 512;
    n += snprintf(text + n, 4096 - (size_t)n, "\n追\n");
    scratch_write(path, text, (size_t)n);
    import_refused(dir, &base, "a 512-byte line", "vocab.txt:6: token longer than 511 bytes", NULL);
    n = snprintf(text, 4096, "%s追\nca", head);
    text[n++] = '\0';
    n += snprintf(text + n, 4096 - (size_t)n, "t\n");
    scratch_write(path, text, (size_t)n);
    import_refused(dir, &base, "a NUL", "vocab.txt:7: NUL byte at column 3", NULL);
    snprintf(text, 4096, "%s追\n\n老鼠\n", head);
    write_text(path, text);
    import_refused(dir, &base, "an empty line", "vocab.txt:7: empty line", NULL);
    snprintf(text, 4096, "%s追\n猫\n", head);
    write_text(path, text);
    import_refused(dir, &base, "a repeated token", "vocab.txt:7: token '猫' repeats line 5", NULL);
    snprintf(text, 4096, "%s追 猫\n", head);
    write_text(path, text);
    import_refused(dir, &base, "whitespace in a token", "vocab.txt:6: token '追 猫' contains whitespace", NULL);
    snprintf(text, 4096, "<PAD>\n<START>\n<UNK>\n");
    write_text(path, text);
    import_refused(dir, &base, "specials out of order", "vocab.txt:3: expected '<END>'", NULL);
    /* 511 bytes is a token, of its own line: vocab.txt then holds 6 tokens,
     * not the 10 config.ini lists, said as such */
    n = snprintf(text, 4096, "%s", head);
    memset(text + n, 'b', 511);
    n += 511;
    n += snprintf(text + n, 4096 - (size_t)n, "\n");
    scratch_write(path, text, (size_t)n);
    import_refused(dir, &base, "a 511-byte token", "vocab.txt from id 5 on (10 tokens against 6,", NULL);
    free(text);
}

/* A FIFO or a device where vocab.txt, config.ini or an .npy belongs is
 * refused at once: never waited on, never read, never skipped. */
static void test_npy_import_refuses_fifos_and_devices(void **state)
{
    Fixture *f = *state;
    Error err;
    char dir[300], path[400], keep[400];
    snprintf(dir, sizeof dir, "%s/npy", f->dir);
    assert_int_equal(weights_export_npy(&f->m, dir, &err), TF_OK);
    snprintf(keep, sizeof keep, "%s/keep", f->dir);
    Config base;
    config_defaults(&base);
    alarm(20);  /* a FIFO waited on would hang the test: fail it instead */
    const char *names[] = {"vocab.txt", "config.ini", "generator.bias.npy", "tgt_embedding.weight.npy"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        assert_int_equal(rename(path, keep), 0);
        assert_int_equal(mkfifo(path, 0600), 0);
        import_refused(dir, &base, names[i], names[i], "not a regular file (a FIFO)", NULL);
        unlink(path);
        /* a character device like /dev/null (1, 3), made here: needs root */
        if (mknod(path, S_IFCHR | 0600, makedev(1, 3)) == 0) {
            import_refused(dir, &base, names[i], names[i], "not a regular file (a character device)", NULL);
            unlink(path);
        }
        assert_int_equal(rename(keep, path), 0);
    }
    /* and a .tfw */
    snprintf(path, sizeof path, "%s/fifo.tfw", f->dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    Model m;
    assert_int_equal(weights_load_tfw(&m, path, NULL, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "not a regular file (a FIFO)"));
    alarm(0);
}

/* The vocabulary's caps are checked before a token is read: a .tfw whose
 * vocabulary is longer than 1 MiB, or has more than 262144 lines (each
 * the same token, so only a count before parsing can refuse it), with a
 * valid checksum; and a vocab.txt of either kind. */
static void test_vocabulary_caps(void **state)
{
    Fixture *f = *state;
    Error err;
    assert_int_equal(weights_save_tfw(&f->m, f->path, &err), TF_OK);
    size_t n;
    unsigned char *good = scratch_read(f->path, &n);
    uint32_t cfg_len;
    memcpy(&cfg_len, good + 16, 4);
    size_t vocab_at = 20 + (size_t)cfg_len;  /* the vocabulary's length field */
    const size_t big = (size_t)VOCAB_MAX_BYTES + 1;
    unsigned char *file = malloc(vocab_at + 4 + big + 4);
    char bad[320], dir[300], path[400];
    snprintf(bad, sizeof bad, "%s/caps.tfw", f->dir);
    snprintf(dir, sizeof dir, "%s/npy", f->dir);
    snprintf(path, sizeof path, "%s/vocab.txt", dir);
    assert_int_equal(weights_export_npy(&f->m, dir, &err), TF_OK);
    Config base;
    config_defaults(&base);
    for (int kind = 0; kind < 2; kind++) {
        /* 0: 1 MiB + 1 byte of 'a'; 1: 262145 lines "a\n" */
        uint32_t len = kind == 0 ? (uint32_t)big : 2u * (VOCAB_MAX_TOKENS + 1);
        memcpy(file, good, vocab_at);
        memcpy(file + vocab_at, &len, 4);
        unsigned char *v = file + vocab_at + 4;
        memset(v, 'a', len);
        for (uint32_t i = 1; kind == 1 && i < len; i += 2)
            v[i] = '\n';
        uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), file, (uInt)(vocab_at + 4 + len));
        memcpy(v + len, &crc, 4);
        scratch_write(bad, file, vocab_at + 4 + len + 4);
        Model m;
        assert_int_equal(weights_load_tfw(&m, bad, NULL, &err), TF_ERR_INPUT);
        const char *says = kind == 0 ? "a vocabulary of 1048577 bytes, more than the 1048576"
                                     : "262145 vocabulary entries, more than the 262144";
        if (!strstr(err.msg, says) || !strstr(err.msg, "caps.tfw: byte "))
            fail_msg("%s: '%s' lacks '%s'", kind ? "lines" : "bytes", err.msg, says);
        scratch_write(path, v, len);
        says = kind == 0 ? "vocab.txt: 1048577 bytes, more than the 1048576" : "vocab.txt: 262145 lines, more than";
        import_refused(dir, &base, kind ? "vocab.txt lines" : "vocab.txt bytes", says, NULL);
    }
    free(file);
    free(good);
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
        cmocka_unit_test_setup_teardown(test_npy_import_refuses_to_guess, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npy_import_refuses_non_finite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npy_vocab_txt_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npy_import_refuses_fifos_and_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vocabulary_caps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings_against_the_file, setup, teardown),
    };
    return cmocka_run_group_tests_name("weights", tests, NULL, NULL);
}
