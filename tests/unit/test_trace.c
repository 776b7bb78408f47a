/* test_trace.c — the trace file: records come back exactly as written, and
 * a truncated, corrupted or hostile file is refused with a message naming
 * the byte, never a crash (run under ASan to make the second half count). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace/format.h"
#include "trace/trace.h"

#include "../support/scratch.h"
#include "../support/skip.h"
#include "../support/unprivileged.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- sample records: every shape and label rule of record.h ---- */

static const char *const tok3[] = {"猫", "追", "老鼠"};
static const char *const en3[] = {"the", "cat", "sat"};
/* batch of 2 sentences: rows (2 × 2), cols (2 × 3) */
static const char *const b_rows[] = {"<START>", "cat", "<START>", "猫"};
static const char *const b_cols[] = {"a", "b", "<PAD>", "ein", "zwei", "drei"};

static float tokens_data[3] = {5, 6, 7};
static float weights_data[2 * 3 * 3];
static float batched_data[2 * 2 * 2 * 3];
static float embed_data[3 * 4];

static void fill_data(void)
{
    /* Causal mask shape: -inf above the diagonal, odd values elsewhere. */
    for (int h = 0; h < 2; h++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                weights_data[(h * 3 + i) * 3 + j] = j > i ? -INFINITY : 1.0f / (float)(h + i + j + 3);
    for (size_t k = 0; k < ARRAY_LEN(batched_data); k++)
        batched_data[k] = (float)k * 0.1f - 1.0f;
    batched_data[5] = NAN;
    batched_data[6] = -0.0f;
    batched_data[7] = 1e-45f;  /* denormal */
    batched_data[8] = INFINITY;
    for (size_t k = 0; k < ARRAY_LEN(embed_data); k++)
        embed_data[k] = (float)k * 3.14159f;
}

static Record sample(int which)
{
    fill_data();
    switch (which) {
    case 0:
        return (Record){.name = "src.tokens", .exec_index = 0, .kind = "tokens", .ndim = 1,
                        .dims = {3}, .dim_names = {"token"}, .data = tokens_data,
                        .col_labels = tok3, .formula = "tokenize(src)",
                        .description = "The source sentence as token ids."};
    case 1:
        return (Record){.name = "enc.0.attn.weights", .exec_index = 7, .kind = "weights", .ndim = 3,
                        .dims = {2, 3, 3}, .dim_names = {"head", "query", "key"},
                        .data = weights_data, .row_labels = tok3, .col_labels = tok3,
                        .formula = "softmax(masked)",
                        .description = "Each row: how much a query token looks at each key.",
                        .q_source = "enc.input", .kv_source = "enc.input"};
    case 2:
        return (Record){.name = "dec.0.cross_attn.scores", .exec_index = 8, .kind = "scores", .ndim = 4,
                        .dims = {2, 2, 2, 3}, .dim_names = {"batch", "head", "query", "key"},
                        .data = batched_data, .row_labels = b_rows, .col_labels = b_cols,
                        .formula = "Q·Kᵀ/√d_k", .description = "Scaled scores, one page per sentence and head.",
                        .q_source = NULL, .kv_source = "enc.memory",
                        .has_positions = true, .query_pos = 5, .key_pos = 1};
    case 4:
        /* batched, per-sentence row labels, one column label set shared by
         * both sentences (a vocabulary axis) */
        return (Record){.name = "dec.logits", .exec_index = 10, .kind = "activation", .ndim = 3,
                        .dims = {2, 2, 3}, .dim_names = {"batch", "token", "vocab"},
                        .data = batched_data, .row_labels = b_rows, .col_labels = en3,
                        .col_label_sets = 1, .formula = "x W^T + b",
                        .description = "Scores per word."};
    default:
        return (Record){.name = "enc.embed", .exec_index = 9, .kind = "activation", .ndim = 2,
                        .dims = {3, 4}, .dim_names = {"token", "model"}, .data = embed_data,
                        .row_labels = en3, .formula = "E[x]·√d_model", .description = "",
                        .q_source = NULL, .kv_source = NULL};
    }
}
#define N_SAMPLES 5

static void write_samples(const char *path, int n, const char *meta)
{
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, path, meta, &err), TF_OK);
    for (int i = 0; i < n; i++) {
        Record r = sample(i);
        if (trace_writer_add(w, &r, &err) != TF_OK)
            fail_msg("add %d: %s", i, err.msg);
    }
    assert_true(trace_writer_bytes(w) > 0 || n == 0);
    if (trace_writer_finish(w, &err) != TF_OK)
        fail_msg("finish: %s", err.msg);
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

static void assert_labels(const char *const *got, const char *const *want, size_t n)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(got[i], want[i]);
}

static void assert_same_record(const Record *got, const Record *want)
{
    assert_string_equal(got->name, want->name);
    assert_int_equal(got->exec_index, want->exec_index);
    assert_string_equal(got->kind, want->kind);
    assert_int_equal(got->ndim, want->ndim);
    for (int a = 0; a < RECORD_MAX_DIMS; a++)
        assert_int_equal(got->dims[a], a < want->ndim ? want->dims[a] : 0);
    for (int a = 0; a < want->ndim; a++)
        assert_string_equal(got->dim_names[a], want->dim_names[a]);
    assert_string_equal(got->formula, want->formula);
    assert_string_equal(got->description, want->description);
    assert_str_or_null(got->q_source, want->q_source);
    assert_str_or_null(got->kv_source, want->kv_source);
    assert_int_equal(got->has_positions, want->has_positions);
    assert_int_equal(got->query_pos, want->query_pos);
    assert_int_equal(got->key_pos, want->key_pos);
    size_t rows = want->ndim > 1 ? (size_t)record_label_sets(want, want->ndim - 2) * want->dims[want->ndim - 2] : 0;
    size_t cols = (size_t)record_label_sets(want, want->ndim - 1) * want->dims[want->ndim - 1];
    assert_labels(got->row_labels, want->row_labels, rows);
    assert_labels(got->col_labels, want->col_labels, cols);
    /* Bit-exact: NaN, -0.0, denormals and infinities included. */
    assert_int_equal((uintptr_t)got->data % 8, 0);
    assert_memory_equal(got->data, want->data, record_numel(want) * sizeof(float));
}

/* ---- round trip ---- */

static void test_round_trip(void **state)
{
    Scratch *s = *state;
    const char *meta = "program = traceformer 0.1\nsrc = 猫 追 老鼠\n";
    write_samples(s->path, N_SAMPLES, meta);
    assert_int_equal(scratch_count_files(s->dir), 1);

    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, s->path, &err) != TF_OK)
        fail_msg("open: %s", err.msg);
    assert_int_equal(trace_reader_count(r), N_SAMPLES);
    assert_string_equal(trace_reader_meta(r), meta);
    assert_string_equal(trace_reader_path(r), s->path);
    for (int i = 0; i < N_SAMPLES; i++) {
        Record want = sample(i);
        assert_string_equal(trace_reader_name(r, (uint32_t)i), want.name);
        assert_int_equal(trace_reader_find(r, want.name), i);
        TraceRecord tr;
        if (trace_reader_get(r, (uint32_t)i, &tr, &err) != TF_OK)
            fail_msg("get %d: %s", i, err.msg);
        assert_same_record(&tr.rec, &want);
        trace_record_release(&tr);
    }
    assert_int_equal(trace_reader_find(r, "enc.0.attn"), -1);
    assert_int_equal(trace_reader_find(r, ""), -1);
    assert_null(trace_reader_name(r, N_SAMPLES));
    TraceRecord tr;
    assert_int_equal(trace_reader_get(r, N_SAMPLES, &tr, &err), TF_ERR_INPUT);
    trace_reader_close(r);
}

/* What a record's strings live on (trace.h): a header-only fetch's until
 * the record is released, a whole fetch's until the reader is closed (the
 * plots keep a record's kind after releasing it). ASan sees a string read
 * after its memory went. */
static void test_string_lifetimes(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, N_SAMPLES, "k = v\n");
    TraceReader *r;
    Error err;
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    const Record want = sample(1);
    TraceRecord tr;
    for (int round = 0; round < 2; round++) {
        /* header only, then whole, then header only again (the whole
         * record's description serves it) */
        assert_int_equal(trace_reader_get_header(r, 1, &tr, &err), TF_OK);
        assert_string_equal(tr.rec.kind, want.kind);
        assert_string_equal(tr.rec.col_labels[2], want.col_labels[2]);
        trace_record_release(&tr);
        assert_int_equal(trace_reader_get(r, 1, &tr, &err), TF_OK);
        if (round == 0)
            trace_record_release(&tr);
    }
    const char *kind = tr.rec.kind, *formula = tr.rec.formula;
    trace_record_release(&tr);
    assert_int_equal(trace_reader_get_header(r, 2, &tr, &err), TF_OK);
    trace_record_release(&tr);
    assert_string_equal(kind, want.kind);
    assert_string_equal(formula, want.formula);
    trace_reader_close(r);
}

static void test_empty_trace(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, 0, NULL);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, s->path, &err) != TF_OK)
        fail_msg("open: %s", err.msg);
    assert_int_equal(trace_reader_count(r), 0);
    assert_string_equal(trace_reader_meta(r), "");
    assert_int_equal(trace_reader_find(r, "x"), -1);
    trace_reader_close(r);
}

/* Many records: the name table grows and every name is still found. */
static void test_many_records(void **state)
{
    Scratch *s = *state;
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, s->path, "", &err), TF_OK);
    char names[300][32];
    for (int i = 0; i < 300; i++) {
        Record r = sample(i % N_SAMPLES);
        snprintf(names[i], sizeof names[i], "gen.%d.%s", i, r.name);
        r.name = names[i];
        r.exec_index = (uint32_t)i;
        assert_int_equal(trace_writer_add(w, &r, &err), TF_OK);
    }
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);
    TraceReader *r;
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(trace_reader_find(r, names[i]), i);
    trace_reader_close(r);
}

/* ---- truncation and flipped bytes ---- */

typedef struct {
    size_t size, header_size, index_offset;
} Layout;

static Layout layout_of(const unsigned char *b, size_t size)
{
    Layout l = {size, le32(b + HDR_SIZE), (size_t)le64(b + size - FTR_SIZE + FTR_INDEX_OFFSET)};
    return l;
}

static void expect_open_fails(const char *path, const char *why, size_t at)
{
    TraceReader *r = NULL;
    Error err;
    error_clear(&err);
    Status st = trace_reader_open(&r, path, &err);
    if (st == TF_OK) {
        trace_reader_close(r);
        fail_msg("%s %zu: trace_reader_open accepted the file", why, at);
    }
    assert_int_equal(st, TF_ERR_INPUT);
    assert_null(r);
    if (!strstr(err.msg, "byte ") || !strstr(err.msg, path))
        fail_msg("%s %zu: message lacks path or byte: %s", why, at, err.msg);
}

static void test_every_truncation_refused(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, 2, "k = v\n");
    size_t size;
    unsigned char *b = scratch_read(s->path, &size);
    for (size_t len = 0; len < size; len++) {
        scratch_write(s->path, b, len);
        expect_open_fails(s->path, "truncated to", len);
    }
    free(b);
}

/* Which record holds file byte `at`, by walking the (valid) index. */
static uint32_t record_at(const unsigned char *b, const Layout *l, size_t at)
{
    uint32_t n = (uint32_t)((l->size - FTR_SIZE - l->index_offset) / IDX_ENTRY);
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *e = b + l->index_offset + (size_t)i * IDX_ENTRY;
        if (at >= le64(e + IDX_OFFSET) && at < le64(e + IDX_OFFSET) + le64(e + IDX_LENGTH))
            return i;
    }
    fail_msg("byte %zu is in no record", at);
    return 0;  /* not reached */
}

/* Record `i`'s offset, from the index of the original good file. */
static size_t rec_off(const unsigned char *b, size_t size, uint32_t i)
{
    size_t idx = (size_t)le64(b + size - FTR_SIZE + FTR_INDEX_OFFSET);
    return (size_t)le64(b + idx + (size_t)i * IDX_ENTRY + IDX_OFFSET);
}
static unsigned char *idx_entry(unsigned char *b, size_t size, uint32_t i)
{
    size_t idx = (size_t)le64(b + size - FTR_SIZE + FTR_INDEX_OFFSET);
    return b + idx + (size_t)i * IDX_ENTRY;
}

static void test_every_flipped_byte_refused(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, N_SAMPLES, "k = v\n");
    size_t size;
    unsigned char *good = scratch_read(s->path, &size);
    Layout l = layout_of(good, size);
    unsigned char *b = malloc(size);
    const unsigned char masks[] = {0xFF, 0x01};
    for (size_t m = 0; m < ARRAY_LEN(masks); m++) {
        for (size_t at = 0; at < size; at++) {
            memcpy(b, good, size);
            b[at] ^= masks[m];
            scratch_write(s->path, b, size);
            if (at < l.header_size || at >= l.index_offset) {
                expect_open_fails(s->path, masks[m] == 1 ? "xor 0x01 at byte" : "xor 0xFF at byte", at);
                continue;
            }
            /* A record body: open never looks there; fetching it must fail,
             * fetching the others must not. */
            TraceReader *r;
            Error err;
            if (trace_reader_open(&r, s->path, &err) != TF_OK)
                fail_msg("body byte %zu: open should not read record bodies: %s", at, err.msg);
            uint32_t bad = record_at(good, &l, at);
            /* The header alone (what ls reads) must refuse a flip anywhere
             * in the record but its data, the padding after it included. */
            size_t off = rec_off(good, size, bad), data_at = off + le32(good + off + REC_DATA_OFFSET);
            Record shape = sample((int)bad);
            bool in_data = at >= data_at && at < data_at + record_numel(&shape) * sizeof(float);
            for (uint32_t i = 0; i < trace_reader_count(r); i++) {
                TraceRecord tr;
                Status st = trace_reader_get_header(r, i, &tr, &err);
                if (i != bad || in_data) {
                    if (st != TF_OK)
                        fail_msg("byte %zu (record %u) flipped: header refused: %s", at, i, err.msg);
                    trace_record_release(&tr);
                } else if (st == TF_OK) {
                    fail_msg("byte %zu (record %u) flipped with 0x%02x: get_header accepted it", at, i, masks[m]);
                } else if (!strstr(err.msg, "byte ")) {
                    fail_msg("byte %zu: message lacks the byte: %s", at, err.msg);
                }
                st = trace_reader_get(r, i, &tr, &err);
                if (i != bad) {
                    assert_int_equal(st, TF_OK);
                    trace_record_release(&tr);
                } else if (st == TF_OK) {
                    fail_msg("byte %zu (record %u) flipped with 0x%02x: get accepted it", at, i, masks[m]);
                } else if (!strstr(err.msg, "byte ")) {
                    fail_msg("byte %zu: message lacks the byte: %s", at, err.msg);
                }
            }
            trace_reader_close(r);
        }
    }
    free(b);
    free(good);
}

/* ---- hostile files: valid checksums, broken structure ---- */

static void fix_header_crc(unsigned char *b, size_t size)
{
    uint32_t hs = le32(b + HDR_SIZE);
    uint32_t crc = crc_update(crc_update(0, b, HDR_CRC), b + HDR_FIXED, hs - HDR_FIXED);
    put32(b + HDR_CRC, crc);
    put32(b + size - FTR_SIZE + FTR_HEADER_CRC, crc);
}

static void fix_footer_crc(unsigned char *b, size_t size)
{
    unsigned char *f = b + size - FTR_SIZE;
    put32(f + FTR_CRC, crc_update(0, f, FTR_CRC));
}

static void fix_index_crc(unsigned char *b, size_t size)
{
    unsigned char *f = b + size - FTR_SIZE;
    uint64_t off = le64(f + FTR_INDEX_OFFSET), len = le64(f + FTR_INDEX_LENGTH);
    if (off + len <= size)
        put32(f + FTR_INDEX_CRC, crc_update(0, b + off, len));
    fix_footer_crc(b, size);
}

/* 3.x: the record's CRC covers [8, data_offset), its description and
 * chunk table. */
static void fix_record_crc(unsigned char *b, size_t off)
{
    uint64_t end = le32(b + off + REC_DATA_OFFSET);
    if (end >= REC_LENGTH && end <= le64(b + off + REC_LENGTH))
        put32(b + off + REC_CRC, crc_update(0, b + off + REC_LENGTH, end - REC_LENGTH));
}

/* 1.x and 2.x: one CRC over the whole record after the field. */
static void fix_whole_record_crc(unsigned char *b, size_t off)
{
    uint64_t len = le64(b + off + REC_LENGTH);
    put32(b + off + REC_CRC, crc_update(0, b + off + REC_LENGTH, len - REC_LENGTH));
}

/* The sample records are small: one chunk of data, so one u32 of chunk
 * table before the strings. */
#define STRINGS (REC_FIXED + 4)
#define STRINGS_POS (REC_FIXED_POS + 4)

/* The records of a 3.x file b in the layout of 1.x and 2.x (FORMAT.md,
 * Versions): no chunk table, one CRC over each whole record, the index and
 * footer moved to match, the version `major` in header and footer. */
static unsigned char *old_layout(const unsigned char *b, size_t size, uint16_t major, size_t *out_size)
{
    const unsigned char *f = b + size - FTR_SIZE;
    size_t idx = (size_t)le64(f + FTR_INDEX_OFFSET);
    uint32_t count = le32(f + FTR_COUNT);
    size_t hs = le32(b + HDR_SIZE);
    unsigned char *o = calloc(1, size);
    assert_non_null(o);
    memcpy(o, b, hs);
    put16(o + HDR_MAJOR, major);
    unsigned char *index = o + size;  /* placed below, once the records' end is known */
    unsigned char entries[64 * IDX_ENTRY];
    assert_true(count <= 64);
    memcpy(entries, b + idx, (size_t)count * IDX_ENTRY);
    size_t at = hs;
    for (uint32_t i = 0; i < count; i++) {
        unsigned char *e = entries + (size_t)i * IDX_ENTRY;
        const unsigned char *r = b + le64(e + IDX_OFFSET);
        const uint32_t flags = le32(r + REC_FLAGS), ndim = le32(r + REC_NDIM);
        const size_t fixed = (flags & REC_FLAG_POSITIONS) ? REC_FIXED_POS : REC_FIXED;
        size_t numel = 1;
        for (uint32_t d = 0; d < ndim; d++)
            numel *= le32(r + REC_DIMS + 4 * d);
        const size_t table = 4 * (size_t)trace_data_chunks(numel * 4), data_offset = le32(r + REC_DATA_OFFSET);
        /* the strings' exact end: walk them */
        size_t n_strings = 4 + ndim + (flags & 1) + ((flags >> 1) & 1) + le32(r + REC_ROW_LABELS) +
                           le32(r + REC_COL_LABELS);
        size_t pos = fixed + table;
        for (size_t k = 0; k < n_strings; k++)
            pos += 4 + le32(r + pos) + 1;
        size_t strings = pos - fixed - table, new_offset = (size_t)round8(fixed + strings);
        size_t length = (size_t)round8(new_offset + numel * 4);
        unsigned char *q = o + at;
        memcpy(q, r, fixed);
        memcpy(q + fixed, r + fixed + table, strings);
        memcpy(q + new_offset, r + data_offset, numel * 4);
        put32(q + REC_DATA_OFFSET, (uint32_t)new_offset);
        put64(q + REC_LENGTH, length);
        fix_whole_record_crc(o, at);
        put64(e + IDX_OFFSET, at);
        put64(e + IDX_LENGTH, length);
        at += length;
    }
    index = o + at;
    memcpy(index, entries, (size_t)count * IDX_ENTRY);
    unsigned char *nf = index + (size_t)count * IDX_ENTRY;
    memcpy(nf, f, FTR_SIZE);
    put64(nf + FTR_INDEX_OFFSET, at);
    put16(nf + FTR_MAJOR, major);
    *out_size = at + (size_t)count * IDX_ENTRY + FTR_SIZE;
    fix_header_crc(o, *out_size);
    fix_index_crc(o, *out_size);
    return o;
}

/* Patches; each leaves every checksum valid so the structure checks speak. */
static void p_bad_magic(unsigned char *b, size_t n) { (void)n; memcpy(b, "GIF89a\0\0", 8); }
static void p_future_major(unsigned char *b, size_t n) { put16(b + HDR_MAJOR, 4); fix_header_crc(b, n); }
static void p_major_0(unsigned char *b, size_t n) { put16(b + HDR_MAJOR, 0); fix_header_crc(b, n); }
static void p_footer_major_1(unsigned char *b, size_t n)
{
    put16(b + n - FTR_SIZE + FTR_MAJOR, 1);
    fix_footer_crc(b, n);
}
static void p_index_past_eof(unsigned char *b, size_t n)
{
    put64(b + n - FTR_SIZE + FTR_INDEX_OFFSET, (uint64_t)n * 4);
    fix_footer_crc(b, n);
}
static void p_index_offset_wraps(unsigned char *b, size_t n)
{
    put64(b + n - FTR_SIZE + FTR_INDEX_OFFSET, UINT64_MAX - 8);
    fix_footer_crc(b, n);
}
static void p_count_huge(unsigned char *b, size_t n)
{
    put32(b + n - FTR_SIZE + FTR_COUNT, 0xFFFFFFFFu);
    fix_footer_crc(b, n);
}
static void p_record_length_past_eof(unsigned char *b, size_t n)
{
    put64(idx_entry(b, n, 1) + IDX_LENGTH, 99999);
    fix_index_crc(b, n);
}
static void p_record_length_wraps(unsigned char *b, size_t n)
{
    put64(idx_entry(b, n, 1) + IDX_LENGTH, UINT64_MAX - 16);
    fix_index_crc(b, n);
}
static void p_overlap(unsigned char *b, size_t n)
{
    put64(idx_entry(b, n, 1) + IDX_OFFSET, le64(idx_entry(b, n, 1) + IDX_OFFSET) - 8);
    fix_index_crc(b, n);
}
static void p_gap(unsigned char *b, size_t n)
{
    /* Shorten the last record: 8 bytes before the index belong to nobody. */
    unsigned char *e = idx_entry(b, n, N_SAMPLES - 1);
    put64(e + IDX_LENGTH, le64(e + IDX_LENGTH) - 8);
    fix_index_crc(b, n);
}
static void p_index_name_no_nul(unsigned char *b, size_t n)
{
    memset(idx_entry(b, n, 2) + IDX_NAME, 'a', IDX_ENTRY - IDX_NAME);
    fix_index_crc(b, n);
}
static void p_index_name_bad_char(unsigned char *b, size_t n)
{
    idx_entry(b, n, 2)[IDX_NAME] = '/';
    fix_index_crc(b, n);
}
static void p_duplicate_name(unsigned char *b, size_t n)
{
    memcpy(idx_entry(b, n, 2) + IDX_NAME, idx_entry(b, n, 1) + IDX_NAME, IDX_ENTRY - IDX_NAME);
    fix_index_crc(b, n);
}
static void p_header_size_huge(unsigned char *b, size_t n)
{
    put32(b + HDR_SIZE, 0xFFFFFFF8u);  /* checked before the CRC, which cannot cover it */
    (void)n;
}
static void p_meta_len_huge(unsigned char *b, size_t n)
{
    put32(b + HDR_META_LEN, 0xFFFFFFF0u);
    fix_header_crc(b, n);
    fix_footer_crc(b, n);
}

typedef struct {
    const char *what;
    void (*patch)(unsigned char *b, size_t n);
    const char *fragment;
} OpenCase;

static const OpenCase open_cases[] = {
    {"foreign magic", p_bad_magic, "not a Traceformer trace"},
    {"major version 4", p_future_major, "version 4.x, this program reads versions 1.x to 3.x"},
    {"major version 0", p_major_0, "version 0.x"},
    {"header 3.0, footer 1.0", p_footer_major_1, "footer version 1 differs from 3"},
    {"index offset past EOF", p_index_past_eof, "does not end where the footer starts"},
    {"index offset wraps", p_index_offset_wraps, "does not end where the footer starts"},
    {"count 2^32-1", p_count_huge, "does not fit"},
    {"record length past EOF", p_record_length_past_eof, "record 1 length 99999 runs past end of file"},
    {"record length wraps", p_record_length_wraps, "runs past end of file"},
    {"overlapping records", p_overlap, "no gap or overlap"},
    {"gap before the index", p_gap, "belong to no record"},
    {"index name without NUL", p_index_name_no_nul, "no NUL"},
    {"index name with '/'", p_index_name_bad_char, "character other than"},
    {"duplicate names", p_duplicate_name, "same name"},
    {"header size huge", p_header_size_huge, "header size"},
    {"meta length huge", p_meta_len_huge, "meta length"},
};

static void test_hostile_open_table(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, N_SAMPLES, "k = v\n");
    size_t size;
    unsigned char *good = scratch_read(s->path, &size);
    unsigned char *b = malloc(size);
    for (size_t c = 0; c < ARRAY_LEN(open_cases); c++) {
        memcpy(b, good, size);
        open_cases[c].patch(b, size);
        scratch_write(s->path, b, size);
        TraceReader *r = NULL;
        Error err;
        if (trace_reader_open(&r, s->path, &err) == TF_OK) {
            trace_reader_close(r);
            fail_msg("%s: accepted", open_cases[c].what);
        }
        if (!strstr(err.msg, open_cases[c].fragment) || !strstr(err.msg, "byte "))
            fail_msg("%s: message \"%s\" lacks \"%s\"", open_cases[c].what, err.msg, open_cases[c].fragment);
    }
    free(b);
    free(good);
}

/* Record-level patches (open succeeds, get refuses); `at` is the record's
 * offset, and each fixes the record's CRC afterwards. */
static void r_dims_overflow(unsigned char *r)
{
    for (int a = 0; a < 3; a++)
        put32(r + REC_DIMS + 4 * a, 0xFFFFFFFFu);
}
static void r_dims_too_big(unsigned char *r) { put32(r + REC_DIMS, 1000000); }
static void r_ndim9(unsigned char *r) { put32(r + REC_NDIM, 9); }
static void r_ndim0(unsigned char *r) { put32(r + REC_NDIM, 0); }
static void r_unused_dim(unsigned char *r) { put32(r + REC_DIMS + 12, 5); }
static void r_row_count(unsigned char *r) { put32(r + REC_ROW_LABELS, le32(r + REC_ROW_LABELS) + 1); }
static void r_col_count_huge(unsigned char *r) { put32(r + REC_COL_LABELS, 0x40000000u); }
static void r_name_no_nul(unsigned char *r)
{
    uint32_t len = le32(r + STRINGS);
    r[STRINGS + 4 + len] = 'x';
}
static void r_name_len_huge(unsigned char *r) { put32(r + STRINGS, 0xFFFFFFF0u); }
static void r_name_len_long(unsigned char *r) { put32(r + STRINGS, 100); }
static void r_name_differs(unsigned char *r) { r[STRINGS + 4] = 'x'; }
static void r_flags(unsigned char *r) { put32(r + REC_FLAGS, 0x80); }
static void r_data_offset(unsigned char *r) { put32(r + REC_DATA_OFFSET, le32(r + REC_DATA_OFFSET) + 8); }
static void r_data_offset_odd(unsigned char *r) { put32(r + REC_DATA_OFFSET, 61); }
static void r_bad_utf8(unsigned char *r)
{
    /* kind: after the name string */
    uint32_t name_len = le32(r + STRINGS);
    r[STRINGS + 4 + name_len + 1 + 4] = 0xC0;
}
static void r_control_char(unsigned char *r)
{
    uint32_t name_len = le32(r + STRINGS);
    r[STRINGS + 4 + name_len + 1 + 4] = 0x1B;  /* ESC: terminal injection */
}
static void r_delete_char(unsigned char *r)
{
    uint32_t name_len = le32(r + STRINGS);
    r[STRINGS + 4 + name_len + 1 + 4 + 1] = 0x7F;  /* DEL, just past printable ASCII */
}
static void r_magic(unsigned char *r) { r[0] = 'X'; }
/* record 2 has a query axis of 2 and a key axis of 3 */
static void r_query_pos_wraps(unsigned char *r) { put32(r + REC_QUERY_POS, 0xFFFFFFFFu); }
static void r_key_pos_wraps(unsigned char *r) { put32(r + REC_KEY_POS, 0xFFFFFFFEu); }
static void r_no_table(unsigned char *r) { put32(r + REC_DATA_OFFSET, REC_FIXED); }
static void r_positions_shift(unsigned char *r) { put32(r + REC_FLAGS, le32(r + REC_FLAGS) & ~REC_FLAG_POSITIONS); }

typedef struct {
    const char *what;
    uint32_t record;
    void (*patch)(unsigned char *rec);
    const char *fragment;
    /* what trace_reader_get_header says, when not the same (it does not
     * read the data) */
    const char *header_fragment;
} GetCase;

static const GetCase get_cases[] = {
    {"dims overflow", 1, r_dims_overflow, "dims need more data", NULL},
    {"dims larger than the data", 1, r_dims_too_big, "dims need", NULL},
    {"ndim 9", 1, r_ndim9, "ndim 9", NULL},
    {"ndim 0", 1, r_ndim0, "ndim 0", NULL},
    {"unused dim set", 1, r_unused_dim, "unused ones 0", NULL},
    {"row label count off by one", 1, r_row_count, "dims demand", NULL},
    {"column label count huge", 2, r_col_count_huge, "dims demand", NULL},
    {"name without NUL", 1, r_name_no_nul, "not NUL-terminated", NULL},
    {"name length huge", 1, r_name_len_huge, "over the limit", NULL},
    {"name length past the strings", 0, r_name_len_long, "NUL", NULL},
    {"name differs from the index", 1, r_name_differs, "the index says", NULL},
    {"unknown flags", 1, r_flags, "unknown flags", NULL},
    {"data offset moved", 1, r_data_offset, "dims need", NULL},
    {"data offset not aligned", 1, r_data_offset_odd, "multiple of 8", NULL},
    {"kind not UTF-8", 3, r_bad_utf8, "not valid UTF-8", NULL},
    {"kind with ESC", 3, r_control_char, "control character", NULL},
    {"kind with DEL", 3, r_delete_char, "control character", NULL},
    {"record magic", 2, r_magic, "bad record magic", NULL},
    {"query positions past 2^32", 2, r_query_pos_wraps, "query positions run past", NULL},
    {"key positions past 2^32", 2, r_key_pos_wraps, "key positions run past", NULL},
    {"positions flag cleared", 2, r_positions_shift, "data checksum mismatch",
     "name is not NUL-terminated"},
    {"chunk table past the data offset", 1, r_no_table, "chunk table of 1 checksums runs past", NULL},
};

static void test_hostile_get_table(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, N_SAMPLES, "k = v\n");
    size_t size;
    unsigned char *good = scratch_read(s->path, &size);
    unsigned char *b = malloc(size);
    for (size_t c = 0; c < ARRAY_LEN(get_cases); c++) {
        const GetCase *gc = &get_cases[c];
        memcpy(b, good, size);
        size_t off = rec_off(good, size, gc->record);
        gc->patch(b + off);
        fix_record_crc(b, off);
        scratch_write(s->path, b, size);
        TraceReader *r;
        Error err;
        if (trace_reader_open(&r, s->path, &err) != TF_OK)
            fail_msg("%s: open should succeed: %s", gc->what, err.msg);
        TraceRecord tr;
        Status st = trace_reader_get(r, gc->record, &tr, &err);
        if (st == TF_OK)
            fail_msg("%s: get accepted it", gc->what);
        if (!strstr(err.msg, gc->fragment) || !strstr(err.msg, "byte "))
            fail_msg("%s: message \"%s\" lacks \"%s\"", gc->what, err.msg, gc->fragment);
        /* the header alone, from a fresh reader (nothing cached) */
        trace_reader_close(r);
        if (trace_reader_open(&r, s->path, &err) != TF_OK)
            fail_msg("%s: open should succeed: %s", gc->what, err.msg);
        const char *fragment = gc->header_fragment ? gc->header_fragment : gc->fragment;
        st = trace_reader_get_header(r, gc->record, &tr, &err);
        trace_reader_close(r);
        if (st == TF_OK)
            fail_msg("%s: get_header accepted it", gc->what);
        if (!strstr(err.msg, fragment) || !strstr(err.msg, "byte "))
            fail_msg("%s: get_header's message \"%s\" lacks \"%s\"", gc->what, err.msg, fragment);
    }
    free(b);
    free(good);
}

/* The 3.0 record layout, byte by byte: the positions sit after the fixed
 * part, the chunk table after them, the strings after it. */
static void test_positions_layout(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, N_SAMPLES, "k = v\n");
    size_t size;
    unsigned char *b = scratch_read(s->path, &size);
    assert_int_equal(le16(b + HDR_MAJOR), 3);
    assert_int_equal(le16(b + size - FTR_SIZE + FTR_MAJOR), 3);
    size_t off = rec_off(b, size, 2);
    assert_int_equal(le32(b + off + REC_FLAGS), REC_FLAG_KV_SOURCE | REC_FLAG_POSITIONS);
    assert_int_equal(le32(b + off + REC_QUERY_POS), 5);
    assert_int_equal(le32(b + off + REC_KEY_POS), 1);
    assert_int_equal(le32(b + off + REC_FIXED_POS), crc_update(0, batched_data, sizeof batched_data));
    assert_int_equal(le32(b + off + STRINGS_POS), strlen("dec.0.cross_attn.scores"));
    off = rec_off(b, size, 3);  /* enc.embed: no query or key axis, no positions */
    assert_int_equal(le32(b + off + REC_FLAGS), 0);
    assert_int_equal(le32(b + off + REC_FIXED), crc_update(0, embed_data, sizeof embed_data));
    assert_int_equal(le32(b + off + STRINGS), strlen("enc.embed"));
    /* the record's own CRC: everything before its data */
    uint32_t data_offset = le32(b + off + REC_DATA_OFFSET);
    assert_int_equal(le32(b + off + REC_CRC), crc_update(0, b + off + REC_LENGTH, data_offset - REC_LENGTH));
    free(b);
}

/* The writer refuses positions it cannot store. */
static void test_positions_refused(void **state)
{
    Scratch *s = *state;
    static const struct {
        int sample;
        uint32_t q, k;
        const char *fragment;
    } cases[] = {
        {3, 0, 0, "no query or key axis"},               /* enc.embed [token, model] */
        {2, 0xFFFFFFFFu, 0, "query positions run past"}, /* query axis of 2 */
        {2, 0, 0xFFFFFFFEu, "key positions run past"},   /* key axis of 3 */
    };
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        TraceWriter *w;
        Error err;
        assert_int_equal(trace_writer_open(&w, s->path, NULL, &err), TF_OK);
        Record r = sample(cases[c].sample);
        r.has_positions = true;
        r.query_pos = cases[c].q;
        r.key_pos = cases[c].k;
        assert_int_equal(trace_writer_add(w, &r, &err), TF_ERR_INPUT);
        if (!strstr(err.msg, cases[c].fragment))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", c, err.msg, cases[c].fragment);
        trace_writer_abort(w);
    }
    /* the last entry of the axis at 2^32 - 1 is fine */
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, s->path, NULL, &err), TF_OK);
    Record r = sample(2);
    r.query_pos = 0xFFFFFFFEu;
    r.key_pos = 0xFFFFFFFDu;
    if (trace_writer_add(w, &r, &err) != TF_OK)
        fail_msg("%s", err.msg);
    trace_writer_abort(w);
}

/* A 1.0 file: no record has positions (it reads back with none), and the
 * positions flag is an unknown flag there. Made from a 2.0 file of records
 * without positions by changing its version. */
static void test_reads_version_1(void **state)
{
    Scratch *s = *state;
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, s->path, "k = v\n", &err), TF_OK);
    for (int i = 0; i < N_SAMPLES; i++) {
        Record r = sample(i);
        r.has_positions = false;
        r.query_pos = r.key_pos = 0;
        assert_int_equal(trace_writer_add(w, &r, &err), TF_OK);
    }
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);
    size_t size3, size;
    unsigned char *b3 = scratch_read(s->path, &size3);
    unsigned char *b = old_layout(b3, size3, 1, &size);
    free(b3);
    scratch_write(s->path, b, size);
    TraceReader *r;
    if (trace_reader_open(&r, s->path, &err) != TF_OK)
        fail_msg("open 1.0: %s", err.msg);
    for (int i = 0; i < N_SAMPLES; i++) {
        TraceRecord tr;
        if (trace_reader_get(r, (uint32_t)i, &tr, &err) != TF_OK)
            fail_msg("get %d: %s", i, err.msg);
        Record want = sample(i);
        want.has_positions = false;
        want.query_pos = want.key_pos = 0;
        assert_same_record(&tr.rec, &want);
        trace_record_release(&tr);
    }
    trace_reader_close(r);

    /* the positions bit in a 1.0 file: unknown, named at its byte */
    size_t off = rec_off(b, size, 1);
    put32(b + off + REC_FLAGS, le32(b + off + REC_FLAGS) | REC_FLAG_POSITIONS);
    fix_whole_record_crc(b, off);
    scratch_write(s->path, b, size);
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    TraceRecord tr;
    assert_int_equal(trace_reader_get(r, 1, &tr, &err), TF_ERR_INPUT);
    trace_reader_close(r);
    char want[64];
    snprintf(want, sizeof want, "byte %zu: record 1: unknown flags 00000007", off + REC_FLAGS);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    free(b);
}

/* A 2.0 file (positions, no chunk table, one CRC per whole record) reads
 * back the same, whole or header first; its only checksum covers the
 * data, so a flipped value is refused even when only the header is
 * asked for (FORMAT.md, Versions). */
static void test_reads_version_2(void **state)
{
    Scratch *s = *state;
    write_samples(s->path, N_SAMPLES, "k = v\n");
    size_t size3, size;
    unsigned char *b3 = scratch_read(s->path, &size3);
    unsigned char *b = old_layout(b3, size3, 2, &size);
    free(b3);
    scratch_write(s->path, b, size);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, s->path, &err) != TF_OK)
        fail_msg("open 2.0: %s", err.msg);
    for (int i = 0; i < N_SAMPLES; i++) {
        TraceRecord tr;
        Record want = sample(i);
        if (trace_reader_get_header(r, (uint32_t)i, &tr, &err) != TF_OK)
            fail_msg("header %d: %s", i, err.msg);
        assert_null(tr.rec.data);
        assert_int_equal(tr.index, i);
        const float *v;
        assert_int_equal(trace_reader_values(r, &tr, 0, record_numel(&want), &v, &err), TF_OK);
        tr.rec.data = v;
        assert_same_record(&tr.rec, &want);
        float copy[64];
        assert_true(record_numel(&want) <= 64);
        assert_int_equal(trace_reader_copy_values(r, &tr, 0, record_numel(&want), copy, &err), TF_OK);
        tr.rec.data = copy;
        assert_same_record(&tr.rec, &want);
        trace_record_release(&tr);
        assert_int_equal(trace_reader_get(r, (uint32_t)i, &tr, &err), TF_OK);
        assert_same_record(&tr.rec, &want);
        trace_record_release(&tr);
    }
    trace_reader_close(r);

    size_t off = rec_off(b, size, 3);
    b[off + le64(b + off + REC_LENGTH) - 8] ^= 0x40;  /* a value of enc.embed's last row */
    scratch_write(s->path, b, size);
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    TraceRecord tr;
    assert_int_equal(trace_reader_get_header(r, 3, &tr, &err), TF_ERR_INPUT);
    char want[64];
    snprintf(want, sizeof want, "byte %zu: record 3 (enc.embed): checksum mismatch", off + REC_CRC);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    trace_reader_close(r);
    free(b);
}

/* One record of `n` values, value i = i + 0.5: several chunks of data. */
static void write_big(const char *path, float *data, size_t n)
{
    for (size_t i = 0; i < n; i++)
        data[i] = (float)i + 0.5f;
    Record r = {.name = "enc.0.ffn.hidden", .kind = "activation", .ndim = 2,
                .dims = {(uint32_t)(n / 1000), 1000}, .dim_names = {"token", "ff"}, .data = data,
                .formula = "act(x W_1^T + b_1)", .description = "Wide."};
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, path, NULL, &err), TF_OK);
    assert_int_equal(trace_writer_add(w, &r, &err), TF_OK);
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);
}

/* 3.x: each TRACE_DATA_CHUNK bytes of data has its own CRC. A record's
 * header is fetched without reading its data; a value is handed out only
 * once the chunk holding it passes, and a corrupt chunk is named by the
 * byte where it starts, whichever way it is read. */
static void test_chunks_checked_lazily(void **state)
{
    Scratch *s = *state;
    enum { N = 50000 };  /* 200000 bytes: chunks of 65536, 65536, 65536, 3392 */
    static float data[N];
    write_big(s->path, data, N);
    size_t size;
    unsigned char *b = scratch_read(s->path, &size);
    size_t off = rec_off(b, size, 0);
    const size_t data_at = off + le32(b + off + REC_DATA_OFFSET);
    for (size_t k = 0; k < 4; k++) {
        size_t from = k * (size_t)TRACE_DATA_CHUNK, n = k < 3 ? (size_t)TRACE_DATA_CHUNK : N * 4 - from;
        assert_int_equal(le32(b + off + REC_FIXED + 4 * k), crc_update(0, (unsigned char *)data + from, n));
    }
    assert_int_equal(le32(b + off + REC_FIXED + 16), strlen("enc.0.ffn.hidden"));

    /* flip a bit of value 40000, in chunk 2 */
    const size_t bad = data_at + 40000 * 4 + 1;
    b[bad] ^= 0x01;
    scratch_write(s->path, b, size);
    TraceReader *r;
    Error err;
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    TraceRecord tr;
    if (trace_reader_get_header(r, 0, &tr, &err) != TF_OK)
        fail_msg("header: %s", err.msg);
    assert_null(tr.rec.data);
    assert_int_equal(tr.rec.dims[0], 50);
    const float *v;
    /* chunks 0 and 1; the last value of chunk 1 */
    assert_int_equal(trace_reader_values(r, &tr, 1000, 31768, &v, &err), TF_OK);
    assert_true(v[0] == 1000.5f && v[31767] == 32767.5f);
    assert_int_equal(trace_reader_values(r, &tr, 49200, 800, &v, &err), TF_OK);  /* chunk 3 */
    assert_true(v[799] == 49999.5f);
    /* one value into chunk 2 */
    assert_int_equal(trace_reader_values(r, &tr, 32000, 769, &v, &err), TF_ERR_INPUT);
    assert_null(v);
    char want[96];
    snprintf(want, sizeof want, "byte %zu: record 0 (enc.0.ffn.hidden): data checksum mismatch",
             data_at + 2 * (size_t)TRACE_DATA_CHUNK);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    /* past the end, or wrapping: refused without reading */
    assert_int_equal(trace_reader_values(r, &tr, N, 1, &v, &err), TF_ERR_RUNTIME);
    assert_int_equal(trace_reader_values(r, &tr, 1, SIZE_MAX, &v, &err), TF_ERR_RUNTIME);
    trace_record_release(&tr);
    /* the whole record: refused too */
    assert_int_equal(trace_reader_get(r, 0, &tr, &err), TF_ERR_INPUT);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    trace_reader_close(r);

    /* a flipped chunk checksum is the header's business */
    b[bad] ^= 0x01;
    b[off + REC_FIXED + 8] ^= 0x01;
    scratch_write(s->path, b, size);
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    assert_int_equal(trace_reader_get_header(r, 0, &tr, &err), TF_ERR_INPUT);
    snprintf(want, sizeof want, "byte %zu: record 0 (enc.0.ffn.hidden): header checksum mismatch", off + REC_CRC);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    trace_reader_close(r);
    free(b);
}

/* Values copied out of the file are checked as copied, by the same
 * chunks and with the same message as in the mapping; every copy is
 * checked again: the file may have changed since the last one. */
static void test_chunks_copied_and_checked(void **state)
{
    Scratch *s = *state;
    enum { N = 50000 };  /* chunks of 16384, 16384, 16384, 848 values */
    static float data[N], copy[N];
    write_big(s->path, data, N);
    size_t size;
    unsigned char *b = scratch_read(s->path, &size);
    size_t off = rec_off(b, size, 0);
    const size_t data_at = off + le32(b + off + REC_DATA_OFFSET);
    TraceReader *r;
    Error err;
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    TraceRecord tr;
    if (trace_reader_get_header(r, 0, &tr, &err) != TF_OK)
        fail_msg("header: %s", err.msg);
    if (trace_reader_copy_values(r, &tr, 0, N, copy, &err) != TF_OK)
        fail_msg("copy: %s", err.msg);
    assert_memory_equal(copy, data, sizeof data);

    /* value 40000, in chunk 2, goes bad after the first copy */
    b[data_at + 40000 * 4 + 1] ^= 0x01;
    scratch_write(s->path, b, size);
    memset(copy, 0, sizeof copy);
    const size_t C = TRACE_READER_CHUNK_VALUES;
    assert_int_equal(trace_reader_copy_values(r, &tr, 0, 2 * C, copy, &err), TF_OK);
    assert_memory_equal(copy, data, 2 * C * sizeof(float));
    assert_int_equal(trace_reader_copy_values(r, &tr, 3 * C, N - 3 * C, copy, &err), TF_OK);
    assert_memory_equal(copy, data + 3 * C, (N - 3 * C) * sizeof(float));
    char want[96];
    snprintf(want, sizeof want, "byte %zu: record 0 (enc.0.ffn.hidden): data checksum mismatch",
             data_at + 2 * (size_t)TRACE_DATA_CHUNK);
    assert_int_equal(trace_reader_copy_values(r, &tr, 0, N, copy, &err), TF_ERR_INPUT);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    assert_int_equal(trace_reader_copy_values(r, &tr, 2 * C, C, copy, &err), TF_ERR_INPUT);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    /* not on chunks, past the end, or wrapping: refused without reading */
    assert_int_equal(trace_reader_copy_values(r, &tr, 1000, C, copy, &err), TF_ERR_RUNTIME);
    assert_int_equal(trace_reader_copy_values(r, &tr, 0, C + 1, copy, &err), TF_ERR_RUNTIME);
    assert_int_equal(trace_reader_copy_values(r, &tr, 3 * C, N - 3 * C + 1, copy, &err), TF_ERR_RUNTIME);
    assert_int_equal(trace_reader_copy_values(r, &tr, 3 * C, SIZE_MAX, copy, &err), TF_ERR_RUNTIME);

    trace_record_release(&tr);
    trace_reader_close(r);
    free(b);
}

/* The bytes written for a fixed set of records, as the writer of 3.0 wrote
 * them (size and CRC-32 of the whole file, taken before the writer stopped
 * going through stdio): small records between big ones, data of an odd
 * number of floats (padding after it), one record of several chunks and one
 * over a megabyte, so that however the writer gathers its writes the file
 * comes out the same. */
static const size_t golden_size = 1402960;
static const uint32_t golden_crc = 0xc0754c73;

static void write_golden(const char *path)
{
    enum { BIG = 50001, HUGE = 300000 };
    static float big[BIG], huge[HUGE];
    for (size_t i = 0; i < BIG; i++)
        big[i] = (float)i * 0.25f - 7.0f;
    for (size_t i = 0; i < HUGE; i++)
        huge[i] = (float)(i % 977) / 3.0f;
    Record rb = {.name = "enc.0.ffn.hidden", .exec_index = 11, .kind = "activation", .ndim = 2,
                 .dims = {3, BIG / 3}, .dim_names = {"token", "ff"}, .data = big,
                 .formula = "act(x W_1^T + b_1)", .description = "Wide."};
    Record rh = {.name = "dec.5.ffn.hidden", .exec_index = 12, .kind = "activation", .ndim = 3,
                 .dims = {2, 50, HUGE / 100}, .dim_names = {"batch", "token", "ff"}, .data = huge,
                 .formula = "", .description = "Wider."};
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, path, "program = traceformer\nsrc = 猫 追 老鼠\n", &err), TF_OK);
    for (int i = 0; i < N_SAMPLES; i++) {
        Record r = sample(i);
        if (trace_writer_add(w, &r, &err) != TF_OK)
            fail_msg("add %d: %s", i, err.msg);
        if (i == 1)
            assert_int_equal(trace_writer_add(w, &rb, &err), TF_OK);
        if (i == 3)
            assert_int_equal(trace_writer_add(w, &rh, &err), TF_OK);
    }
    if (trace_writer_finish(w, &err) != TF_OK)
        fail_msg("finish: %s", err.msg);
}

static void assert_golden(const char *path)
{
    size_t size;
    unsigned char *b = scratch_read(path, &size);
    uint32_t crc = crc_update(0, b, size);
    if (size != golden_size || crc != golden_crc)
        fail_msg("%zu bytes, CRC-32 0x%08x; 3.0 wrote %zu bytes, CRC-32 0x%08x", size, crc, golden_size,
                 golden_crc);
    free(b);
}

static void test_same_bytes_as_3_0(void **state)
{
    Scratch *s = *state;
    write_golden(s->path);
    assert_golden(s->path);
}

static volatile sig_atomic_t alarms;
static void count_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* Into a FIFO read slowly while a timer interrupts the writer all along
 * (a handler without SA_RESTART): writes come back short or with EINTR,
 * and the reader still gets every byte, the same as the file. */
static void test_same_bytes_through_interrupted_fifo(void **state)
{
    Scratch *s = *state;
    assert_int_equal(mkfifo(s->path, 0600), 0);
    char out[300];
    snprintf(out, sizeof out, "%s/read", s->dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open(s->path, O_RDONLY), o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        char buf[4096];
        ssize_t n;
        while (in >= 0 && o >= 0 && (n = read(in, buf, sizeof buf)) > 0) {
            if (write(o, buf, (size_t)n) != n)
                _exit(1);
            nanosleep(&(struct timespec){0, 20000}, NULL);
        }
        _exit(in >= 0 && o >= 0 && close(o) == 0 ? 0 : 1);
    }
    struct sigaction sa = {.sa_handler = count_alarm}, old_sa;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, &old_sa), 0);
    struct itimerval every = {{0, 300}, {0, 300}}, off = {{0, 0}, {0, 0}};
    alarms = 0;
    assert_int_equal(setitimer(ITIMER_REAL, &every, NULL), 0);
    write_golden(s->path);
    assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
    assert_int_equal(sigaction(SIGALRM, &old_sa, NULL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(alarms > 0);
    assert_golden(out);
}

/* A device that takes nothing (/dev/full): the error names it and the
 * byte where writing stopped, whether the failing write is a big record's
 * or the small pieces gathered until finish. */
static void test_full_device(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        test_cannot_run("test_trace: full device", "/dev/full is not writable here");
    TraceWriter *w;
    Error err;
    enum { N = 20000 };  /* 80000 bytes: more than is gathered */
    static float data[N];
    Record big = {.name = "enc.0.ffn.hidden", .kind = "activation", .ndim = 2, .dims = {20, N / 20},
                  .dim_names = {"token", "ff"}, .data = data, .formula = "", .description = ""};
    assert_int_equal(trace_writer_open(&w, "/dev/full", NULL, &err), TF_OK);
    assert_int_equal(trace_writer_add(w, &big, &err), TF_ERR_RUNTIME);
    if (!strstr(err.msg, "/dev/full: write failed at byte 0: "))
        fail_msg("message: %s", err.msg);
    assert_int_equal(trace_writer_finish(w, &err), TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "/dev/full: write failed"));

    assert_int_equal(trace_writer_open(&w, "/dev/full", NULL, &err), TF_OK);
    Record small = sample(1);
    assert_int_equal(trace_writer_add(w, &small, &err), TF_OK);
    assert_int_equal(trace_writer_finish(w, &err), TF_ERR_RUNTIME);
    if (!strstr(err.msg, "/dev/full: write failed at byte 0: "))
        fail_msg("message: %s", err.msg);
}

static void test_not_a_file(void **state)
{
    Scratch *s = *state;
    TraceReader *r;
    Error err;
    assert_int_equal(trace_reader_open(&r, s->dir, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "not a regular file"));
    char missing[320];
    snprintf(missing, sizeof missing, "%s/missing.trace", s->dir);
    assert_int_equal(trace_reader_open(&r, missing, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, missing));
}

/* ---- the writer leaves a whole file or nothing ---- */

static void test_abort_leaves_nothing(void **state)
{
    Scratch *s = *state;
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, s->path, "x", &err), TF_OK);
    Record r = sample(1);
    assert_int_equal(trace_writer_add(w, &r, &err), TF_OK);
    assert_int_equal(scratch_count_files(s->dir), 1);  /* the temporary file */
    trace_writer_abort(w);
    assert_int_equal(scratch_count_files(s->dir), 0);
    trace_writer_abort(NULL);
}

static void test_open_failures_leave_nothing(void **state)
{
    Scratch *s = *state;
    char path[400];
    TraceWriter *w;
    Error err;

    snprintf(path, sizeof path, "%s/no/such/dir/run.trace", s->dir);
    assert_int_equal(trace_writer_open(&w, path, NULL, &err), TF_ERR_RUNTIME);
    assert_null(w);
    assert_non_null(strstr(err.msg, path));

    /* A parent that is a file: refused even for root. */
    snprintf(path, sizeof path, "%s/plain", s->dir);
    scratch_write(path, "x", 1);
    snprintf(path, sizeof path, "%s/plain/run.trace", s->dir);
    assert_int_equal(trace_writer_open(&w, path, NULL, &err), TF_ERR_RUNTIME);
    assert_int_equal(scratch_count_files(s->dir), 1);  /* just "plain" */
}

/* Run as an unprivileged user (root writes anywhere): a directory the user
 * may write takes the temporary file, a read-only one is refused and gets
 * nothing. */
typedef struct {
    char rw[300], ro[300];
} DirPair;

static const char *writes_only_where_allowed(void *arg)
{
    const DirPair *d = arg;
    char path[400];
    TraceWriter *w;
    Error err;
    snprintf(path, sizeof path, "%s/run.trace", d->rw);
    if (trace_writer_open(&w, path, NULL, &err) != TF_OK)
        return "a writable directory was refused";
    trace_writer_abort(w);
    snprintf(path, sizeof path, "%s/run.trace", d->ro);
    if (trace_writer_open(&w, path, NULL, &err) != TF_ERR_RUNTIME)
        return "a read-only directory was not refused with a runtime error";
    if (w)
        return "a refused open returned a writer";
    if (!strstr(err.msg, path))
        return "the message does not name the path";
    if (scratch_count_files(d->ro) != 0)
        return "the read-only directory got a file";
    return NULL;
}

static void test_unwritable_dir(void **state)
{
    Scratch *s = *state;
    DirPair d;
    uid_t uid;
    gid_t gid;
    const char *why;
    if (unprivileged_ids(&uid, &gid, &why) != 0)
        test_cannot_run("test_trace: unwritable dir", why);
    snprintf(d.rw, sizeof d.rw, "%s/rw", s->dir);
    snprintf(d.ro, sizeof d.ro, "%s/ro", s->dir);
    assert_int_equal(chmod(s->dir, 0755), 0); /* the user may look inside */
    assert_int_equal(mkdir(d.rw, 0755), 0);
    assert_int_equal(chown(d.rw, uid, gid), 0);
    assert_int_equal(mkdir(d.ro, 0555), 0);
    unprivileged_check("test_trace: unwritable dir", writes_only_where_allowed, &d);
}

static const char *const one_null_label[] = {"a", NULL, "c"};

typedef struct {
    const char *what;
    void (*spoil)(Record *r);
    const char *fragment;
} BadRecordCase;

static void b_name_slash(Record *r) { r->name = "enc/0"; }
static void b_name_dots(Record *r) { r->name = "enc..0"; }
static void b_name_long(Record *r)
{
    static char n[200];
    memset(n, 'a', 199);
    r->name = n;
}
static void b_ndim0(Record *r) { r->ndim = 0; }
static void b_ndim5(Record *r) { r->ndim = 5; }
static void b_dim0(Record *r) { r->dims[1] = 0; }
static void b_null_label(Record *r) { r->col_labels = one_null_label; }
static void b_null_data(Record *r) { r->data = NULL; }
static void b_bad_utf8(Record *r) { r->formula = "\xff"; }
static void b_newline(Record *r) { r->description = "two\nlines"; }
static void b_q_source(Record *r) { r->q_source = "encoder input"; }

static const BadRecordCase bad_records[] = {
    {"name with '/'", b_name_slash, "character other than"},
    {"name with '..'", b_name_dots, "empty part"},
    {"name too long", b_name_long, "longer than 127"},
    {"ndim 0", b_ndim0, "ndim"},
    {"ndim 5", b_ndim5, "ndim"},
    {"a zero dim", b_dim0, "is 0"},
    {"NULL label", b_null_label, "column label 1 is NULL"},
    {"NULL data", b_null_data, "data is NULL"},
    {"formula not UTF-8", b_bad_utf8, "not valid UTF-8"},
    {"description with a newline", b_newline, "control character"},
    {"q_source not a record name", b_q_source, "q_source"},
};

static void test_bad_record_fails_writer(void **state)
{
    Scratch *s = *state;
    for (size_t c = 0; c < ARRAY_LEN(bad_records); c++) {
        TraceWriter *w;
        Error err;
        assert_int_equal(trace_writer_open(&w, s->path, NULL, &err), TF_OK);
        Record good = sample(0), bad = sample(1);
        assert_int_equal(trace_writer_add(w, &good, &err), TF_OK);
        bad_records[c].spoil(&bad);
        assert_int_equal(trace_writer_add(w, &bad, &err), TF_ERR_INPUT);
        if (!strstr(err.msg, bad_records[c].fragment) || !strstr(err.msg, s->path))
            fail_msg("%s: message \"%s\" lacks \"%s\"", bad_records[c].what, err.msg, bad_records[c].fragment);
        assert_int_equal(scratch_count_files(s->dir), 0);  /* temp file already gone */
        /* The writer stays failed, repeating the first error. */
        assert_int_equal(trace_writer_add(w, &good, &err), TF_ERR_INPUT);
        assert_non_null(strstr(err.msg, bad_records[c].fragment));
        assert_int_equal(trace_writer_finish(w, &err), TF_ERR_INPUT);
        assert_int_equal(scratch_count_files(s->dir), 0);
    }
}

static void test_duplicate_name_refused(void **state)
{
    Scratch *s = *state;
    TraceWriter *w;
    Error err;
    assert_int_equal(trace_writer_open(&w, s->path, NULL, &err), TF_OK);
    Record r = sample(2);
    assert_int_equal(trace_writer_add(w, &r, &err), TF_OK);
    assert_int_equal(trace_writer_add(w, &r, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "already used"));
    trace_writer_abort(w);
    assert_int_equal(scratch_count_files(s->dir), 0);
}

/* Finish replaces an existing file only when complete. */
static void test_finish_replaces(void **state)
{
    Scratch *s = *state;
    scratch_write(s->path, "old", 3);
    mode_t old_mask = umask(022);
    write_samples(s->path, 1, NULL);
    umask(old_mask);
    assert_int_equal(scratch_count_files(s->dir), 1);
    TraceReader *r;
    Error err;
    assert_int_equal(trace_reader_open(&r, s->path, &err), TF_OK);
    assert_int_equal(trace_reader_count(r), 1);
    trace_reader_close(r);
    struct stat st;
    assert_int_equal(stat(s->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);  /* 0666 & ~umask, not mkstemp's 0600 */
}

/* Each test gets a fresh scratch directory (see scratch.h); s->path is dir/run.trace. */
#define T(f) \
    cmocka_unit_test_prestate_setup_teardown(f, scratch_setup, scratch_teardown, "run.trace")

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_round_trip),
        T(test_string_lifetimes),
        T(test_empty_trace),
        T(test_many_records),
        T(test_every_truncation_refused),
        T(test_every_flipped_byte_refused),
        T(test_hostile_open_table),
        T(test_hostile_get_table),
        T(test_positions_layout),
        T(test_positions_refused),
        T(test_reads_version_1),
        T(test_reads_version_2),
        T(test_chunks_checked_lazily),
        T(test_chunks_copied_and_checked),
        T(test_same_bytes_as_3_0),
        T(test_same_bytes_through_interrupted_fifo),
        T(test_full_device),
        T(test_not_a_file),
        T(test_abort_leaves_nothing),
        T(test_open_failures_leave_nothing),
        T(test_unwritable_dir),
        T(test_bad_record_fails_writer),
        T(test_duplicate_name_refused),
        T(test_finish_replaces),
    };
    return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
