/* test_export.c — a record as .csv, .dat and .npy: exact text for small
 * records (labels, pages, quoting, -inf), files written whole, and the page
 * arithmetic that `show` shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npy.h"
#include "trace/export.h"

#include "../support/scratch.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Run a text exporter into memory. */
static char *render(bool (*fn)(FILE *, const Record *), const Record *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_true(fn(f, r));
    fclose(f);
    return buf;
}

static void expect_text(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("%s:\n--- got ---\n%s--- want ---\n%s", what, got, want);
}

/* ---- sample records ---- */

static const char *const cat_mouse[] = {"猫", "老鼠"};
static const float attn[2 * 2 * 2] = {1, -INFINITY, 0.5f, 0.5f, 0.25f, -INFINITY, 0.1f, 0.9f};
static const Record attn_rec = {
    .name = "enc.0.attn.weights", .kind = "weights", .ndim = 3, .dims = {2, 2, 2},
    .dim_names = {"head", "query", "key"}, .data = attn, .row_labels = cat_mouse, .col_labels = cat_mouse,
    .formula = "softmax(masked)", .description = "Attention.", .q_source = "enc.input",
    .kv_source = "enc.input"};

static const char *const awkward[] = {"a,b", "say \"hi\""};
static const float six[6] = {1, 2, 3, 4, 5, 6};
static const Record quoting_rec = {
    .name = "enc.embed", .kind = "activation", .ndim = 2, .dims = {2, 3},
    .dim_names = {"token", "model"}, .data = six, .row_labels = awkward, .formula = "", .description = ""};

static const char *const hash_y[] = {"#x", "y"};
static const float five_six[2] = {5, 6};
static const Record tokens_rec = {
    .name = "src.tokens", .kind = "tokens", .ndim = 1, .dims = {2}, .dim_names = {"token"},
    .data = five_six, .col_labels = hash_y, .formula = "", .description = ""};

/* [batch=2, token=3], each sentence with its own labels. */
static const char *const two_sentences[] = {"a", "b", "<PAD>", "ein", "zwei", "drei"};
static const float batch_tokens[6] = {1, 2, 0, 3, 4, 5};
static const Record batch_tokens_rec = {
    .name = "src.tokens", .kind = "tokens", .ndim = 2, .dims = {2, 3}, .dim_names = {"batch", "token"},
    .data = batch_tokens, .col_labels = two_sentences, .formula = "", .description = ""};

/* [batch=2, head=2, query=1, key=2]: labels change with the batch only. */
static const char *const q_rows[] = {"x", "y"};
static const char *const k_cols[] = {"a", "b", "c", "d"};
static const float bh[8] = {0, 1, 2, 3, 4, 5, 6, 7};
static const Record batched_rec = {
    .name = "dec.0.self_attn.weights", .kind = "weights", .ndim = 4, .dims = {2, 2, 1, 2},
    .dim_names = {"batch", "head", "query", "key"}, .data = bh, .row_labels = q_rows,
    .col_labels = k_cols, .formula = "", .description = ""};

/* ---- CSV ---- */

static void test_csv_pages_and_inf(void **state)
{
    (void)state;
    char *got = render(export_write_csv, &attn_rec);
    expect_text("attention csv", got,
                "# head 0\n"
                ",猫,老鼠\n"
                "猫,1,-inf\n"
                "老鼠,0.5,0.5\n"
                "\n"
                "# head 1\n"
                ",猫,老鼠\n"
                "猫,0.25,-inf\n"
                "老鼠,0.1,0.9\n");
    free(got);
}

static void test_csv_quoting(void **state)
{
    (void)state;
    char *got = render(export_write_csv, &quoting_rec);
    expect_text("quoting csv", got,
                "\"a,b\",1,2,3\n"
                "\"say \"\"hi\"\"\",4,5,6\n");
    free(got);
    got = render(export_write_csv, &tokens_rec);
    expect_text("1-D csv", got, "\"#x\",y\n5,6\n");
    free(got);
}

static void test_csv_batched_labels(void **state)
{
    (void)state;
    char *got = render(export_write_csv, &batch_tokens_rec);
    expect_text("batch tokens csv", got,
                "# batch 0\n"
                "a,b,<PAD>\n"
                "1,2,0\n"
                "\n"
                "# batch 1\n"
                "ein,zwei,drei\n"
                "3,4,5\n");
    free(got);
    got = render(export_write_csv, &batched_rec);
    expect_text("4-D csv", got,
                "# batch 0, head 0\n,a,b\nx,0,1\n\n"
                "# batch 0, head 1\n,a,b\nx,2,3\n\n"
                "# batch 1, head 0\n,c,d\ny,4,5\n\n"
                "# batch 1, head 1\n,c,d\ny,6,7\n");
    free(got);
}

/* ---- gnuplot .dat ---- */

static void test_dat(void **state)
{
    (void)state;
    char *got = render(export_write_dat, &attn_rec);
    expect_text("attention dat", got,
                "# enc.0.attn.weights [head=2, query=2, key=2]\n"
                "# kind: weights\n"
                "# formula: softmax(masked)\n"
                "# description: Attention.\n"
                "# queries from: enc.input\n"
                "# keys/values from: enc.input\n"
                "# 2 pages of 2 rows x 2 columns; gnuplot: plot 'FILE' index N matrix with image\n"
                "# head 0\n"
                "# rows (query): 猫 老鼠\n"
                "# cols (key): 猫 老鼠\n"
                "# row entropy: 0.5\n"  /* 0 and 1 bit; -inf is left out (core/row_stats.h) */
                "# values: min 0.5 max 1 nonfinite 1 neginf 1 whole 0\n"
                "1 -inf\n"
                "0.5 0.5\n"
                "\n\n"
                "# head 1\n"
                "# rows (query): 猫 老鼠\n"
                "# cols (key): 猫 老鼠\n"
                "# row entropy: 0.484497814\n"
                "# values: min 0.1 max 0.9 nonfinite 1 neginf 1 whole 0\n"
                "0.25 -inf\n"
                "0.1 0.9\n");
    free(got);
    /* the pages a figure draws: the header is the whole record's */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_true(export_write_dat_pages(f, &attn_rec, 1, 1));
    fclose(f);
    expect_text("page 1 of the attention dat", buf,
                "# enc.0.attn.weights [head=2, query=2, key=2]\n"
                "# kind: weights\n"
                "# formula: softmax(masked)\n"
                "# description: Attention.\n"
                "# queries from: enc.input\n"
                "# keys/values from: enc.input\n"
                "# 2 pages of 2 rows x 2 columns; gnuplot: plot 'FILE' index N matrix with image\n"
                "# pages in this file: 1 to 1\n"
                "# head 1\n"
                "# rows (query): 猫 老鼠\n"
                "# cols (key): 猫 老鼠\n"
                "# row entropy: 0.484497814\n"
                "# values: min 0.1 max 0.9 nonfinite 1 neginf 1 whole 0\n"
                "0.25 -inf\n"
                "0.1 0.9\n");
    free(buf);
    got = render(export_write_dat, &quoting_rec);
    expect_text("2-D dat", got,
                "# enc.embed [token=2, model=3]\n"
                "# kind: activation\n"
                "# 1 page of 2 rows x 3 columns\n"
                "# rows (token): a,b say \"hi\"\n"
                "# values: min 1 max 6 nonfinite 0 neginf 0 whole 1\n"
                "1 2 3\n"
                "4 5 6\n");
    free(got);
}

/* ---- numbers, shapes, pages ---- */

static void test_format_float(void **state)
{
    (void)state;
    static const struct {
        float v;
        const char *text;
    } cases[] = {
        {0.1f, "0.1"}, {1.0f / 3.0f, "0.33333334"}, {-0.0f, "-0"}, {1e-45f, "1e-45"},
        {3.4028235e38f, "3.4028235e+38"}, {-INFINITY, "-inf"}, {INFINITY, "inf"}, {NAN, "nan"},
        {100.0f, "100"}, {16777217.0f, "16777216"}, {1.5e10f, "1.5e+10"}, {1e6f, "1e+06"},
        {123456.0f, "123456"}, {120000.0f, "120000"},
        {-2.5e-7f, "-2.5e-07"}, {0.0001f, "0.0001"},
    };
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        char buf[32];
        export_format_float(buf, sizeof buf, cases[c].v);
        if (strcmp(buf, cases[c].text) != 0)
            fail_msg("case %zu: \"%s\", want \"%s\"", c, buf, cases[c].text);
        if (isfinite(cases[c].v) && strtof(buf, NULL) != cases[c].v)
            fail_msg("case %zu: \"%s\" does not read back", c, buf);
    }
}

/* The formatter's reference: the search it replaced, as it was. */
static void format_float_search(char *buf, size_t cap, float v)
{
    if (isnan(v)) {
        snprintf(buf, cap, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, v < 0 ? "-inf" : "inf");
        return;
    }
    int p = 1;
    for (; p < 9; p++) {
        snprintf(buf, cap, "%.*g", p, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    snprintf(buf, cap, "%.*g", p, (double)v);
    const char *e = strchr(buf, 'e');
    if (e) {
        int exp10 = atoi(e + 1);
        if (exp10 >= 0 && exp10 < 6)
            snprintf(buf, cap, "%.*g", exp10 + 1, (double)v);
    }
}

static float float_of_bits(uint32_t bits)
{
    float v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* Whether export_format_float gives the search's text for the float of
 * these bits; the first few mismatches are printed. */
static size_t mismatches;

static void check_bits(uint32_t bits)
{
    float v = float_of_bits(bits);
    char got[EXPORT_FLOAT_MAX + 8], want[64];
    export_format_float(got, sizeof got, v);
    format_float_search(want, sizeof want, v);
    if (strcmp(got, want) != 0 && mismatches++ < 10)
        print_error("bits 0x%08x (%.9g): \"%s\", want \"%s\"\n", (unsigned)bits, (double)v, got, want);
}

/* Both signs of the floats within `around` steps of bits. */
static void check_near(uint32_t bits, uint32_t around)
{
    bits &= 0x7fffffffu;
    for (uint32_t k = bits > around ? bits - around : 0; k <= bits + around && k < 0x7f800000u; k++) {
        check_bits(k);
        check_bits(k | 0x80000000u);
    }
}

/* The same text as the search, over edge cases and millions of random
 * bit patterns (TF_FLOAT_CASES of them; default 3 million). */
static void test_format_float_matches_search(void **state)
{
    (void)state;
    mismatches = 0;
    /* ±0, ±inf, NaNs, the subnormals' ends, the normals' ends, FLT_MAX */
    static const uint32_t edges[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
                                     0xffc00000u, 0x7f800001u, 0x00000001u, 0x007fffffu, 0x00800000u,
                                     0x7f7fffffu, 0xff7fffffu, 0x3f800000u};
    for (size_t k = 0; k < ARRAY_LEN(edges); k++)
        check_near(edges[k], 300);
    /* every power of two (the rounding interval is lopsided there), with
     * its neighbours */
    for (uint32_t biased = 0; biased < 255; biased++)
        check_near(biased << 23, 3);
    for (uint32_t k = 0; k < 23; k++)
        check_near(1u << k, 3);  /* subnormal powers of two */
    /* the floats around every power of ten from 1e-45 to 1e38, and around
     * the integers where the written-out form begins and ends */
    for (int k = -45; k <= 38; k++) {
        float t = (float)pow(10.0, k);
        uint32_t b;
        memcpy(&b, &t, sizeof b);
        check_near(b, 200);
    }
    for (float f = 0.5f; f < 2e6f; f *= 1.5f) {
        uint32_t b;
        memcpy(&b, &f, sizeof b);
        check_near(b, 20);
    }
    for (uint32_t n = 0; n < 20000; n++) {  /* small integers and halves */
        float f = (float)n * 0.5f;
        uint32_t b;
        memcpy(&b, &f, sizeof b);
        check_bits(b);
    }
    /* random bit patterns (xorshift), then random values in (0, 1) as
     * attention weights and probabilities hold */
    const char *env = getenv("TF_FLOAT_CASES");
    long cases = env ? strtol(env, NULL, 10) : 3000000;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (long k = 0; k < cases; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check_bits((uint32_t)x);
        if (k % 4 == 0) {
            float u = (float)((x >> 40) * 0x1p-24);
            uint32_t b;
            memcpy(&b, &u, sizeof b);
            check_bits(b);
        }
    }
    if (mismatches)
        fail_msg("%zu floats are written otherwise than the search writes them", mismatches);
}

static void test_pages(void **state)
{
    (void)state;
    RecordPages pg;
    export_pages_of(&batched_rec, &pg);
    assert_int_equal(pg.pages, 4);
    assert_int_equal(pg.rows, 1);
    assert_int_equal(pg.cols, 2);
    assert_true(pg.paged);
    assert_int_equal(export_pages_coord(&batched_rec, &pg, 3, 0), 1);  /* batch */
    assert_int_equal(export_pages_coord(&batched_rec, &pg, 3, 1), 1);  /* head */
    assert_int_equal(export_pages_coord(&batched_rec, &pg, 2, 1), 0);
    assert_string_equal(export_pages_row_label(&batched_rec, &pg, 2, 0), "y");
    assert_string_equal(export_pages_col_label(&batched_rec, &pg, 1, 1), "b");
    assert_string_equal(export_pages_col_label(&batched_rec, &pg, 3, 0), "c");
    assert_true(export_pages_data(&batched_rec, &pg, 3) == bh + 6);
    char buf[64];
    export_pages_title(&batched_rec, &pg, 2, buf, sizeof buf);
    assert_string_equal(buf, "batch 1, head 0");

    export_pages_of(&tokens_rec, &pg);
    assert_int_equal(pg.pages, 1);
    assert_int_equal(pg.rows, 1);
    assert_int_equal(pg.row_axis, -1);
    assert_false(pg.paged);
    assert_null(export_pages_row_label(&tokens_rec, &pg, 0, 0));
    export_pages_title(&tokens_rec, &pg, 0, buf, sizeof buf);
    assert_string_equal(buf, "");

    export_pages_of(&batch_tokens_rec, &pg);
    assert_true(pg.batch_rows);
    assert_int_equal(pg.pages, 2);
    assert_string_equal(export_pages_col_label(&batch_tokens_rec, &pg, 1, 2), "drei");

    export_shape_text(&batched_rec, buf, sizeof buf);
    assert_string_equal(buf, "[batch=2, head=2, query=1, key=2]");
}

/* ---- files ---- */

static void test_files(void **state)
{
    Scratch *s = *state;
    Error err;
    char path[512];
    ExportFormat f;
    assert_true(export_format_parse("csv", &f));
    assert_int_equal(f, EXPORT_CSV);
    assert_false(export_format_parse("png", &f));

    assert_int_equal(export_path(path, sizeof path, s->dir, attn_rec.name, EXPORT_CSV, &err), TF_OK);
    assert_non_null(strstr(path, "/enc.0.attn.weights.csv"));
    assert_int_equal(export_record(&attn_rec, EXPORT_CSV, path, &err), TF_OK);
    char *file = (char *)scratch_read(path, NULL);
    char *mem = render(export_write_csv, &attn_rec);
    assert_string_equal(file, mem);
    free(file);
    free(mem);

    assert_int_equal(export_path(path, sizeof path, s->dir, attn_rec.name, EXPORT_DAT, &err), TF_OK);
    assert_int_equal(export_record(&attn_rec, EXPORT_DAT, path, &err), TF_OK);
    file = (char *)scratch_read(path, NULL);
    mem = render(export_write_dat, &attn_rec);
    assert_string_equal(file, mem);
    free(file);
    free(mem);

    assert_int_equal(export_path(path, sizeof path, s->dir, batched_rec.name, EXPORT_NPY, &err), TF_OK);
    assert_int_equal(export_record(&batched_rec, EXPORT_NPY, path, &err), TF_OK);
    float *data;
    int ndim;
    uint64_t dims[NPY_MAX_DIMS];
    assert_int_equal(npy_read_f32(path, &data, &ndim, dims, &err), TF_OK);
    assert_int_equal(ndim, 4);
    assert_int_equal(dims[0] * 1000 + dims[1] * 100 + dims[2] * 10 + dims[3], 2212);
    assert_memory_equal(data, bh, sizeof bh);
    free(data);

    /* Only the three files, no temporaries left. */
    assert_int_equal(scratch_count_files(s->dir), 3);
}

static void test_path_refusals(void **state)
{
    Scratch *s = *state;
    char path[64];
    Error err;
    assert_int_equal(export_path(path, sizeof path, s->dir, "../etc/passwd", EXPORT_CSV, &err), TF_ERR_INPUT);
    assert_int_equal(export_path(path, sizeof path, s->dir, ".hidden", EXPORT_CSV, &err), TF_ERR_INPUT);
    assert_int_equal(export_path(path, 16, s->dir, "a.b", EXPORT_CSV, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "too long"));
    assert_int_equal(export_path(path, sizeof path, "out/", "a.b", EXPORT_DAT, &err), TF_OK);
    assert_string_equal(path, "out/a.b.dat");

    char missing[400];
    snprintf(missing, sizeof missing, "%s/missing/x.csv", s->dir);
    assert_int_equal(export_record(&attn_rec, EXPORT_CSV, missing, &err), TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, missing));
}

/* Each test gets a fresh scratch directory (see scratch.h). */
#define T(f) \
    cmocka_unit_test_prestate_setup_teardown(f, scratch_setup, scratch_teardown, NULL)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_csv_pages_and_inf), T(test_csv_quoting), T(test_csv_batched_labels), T(test_dat),
        T(test_format_float), T(test_format_float_matches_search), T(test_pages), T(test_files), T(test_path_refusals),
    };
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
