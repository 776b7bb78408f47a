/* writer.c — stream Records into a trace file (layout: FORMAT.md).
 *
 * The header is written at open, each record as it is added, the index and
 * footer at finish; the file lives under a temporary name until finish
 * renames it. The first failure of any call (a record that breaks the
 * rules, a full disk) removes the temporary file and puts the writer in a
 * failed state: later calls return the same error, and the caller still
 * frees the writer with trace_writer_finish or trace_writer_abort.
 *
 * Bytes go to the file descriptor with writev, not through stdio: a
 * record's data, most of a trace, is written straight from the caller's
 * memory in the same call as the prefix built for it, right after its
 * chunk CRCs were computed over it (so a record that fits in the cache is
 * read from there, not from memory, the second time). Small pieces (the header, small records, the index)
 * gather in a buffer of WRITE_GATHER bytes and go out with the next big
 * record or at finish, so that a trace of many small records does not
 * cost a system call each. The AtomicFile's stdio stream is never written
 * to, so its commit's fflush has nothing to add. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* sync_file_range */
#endif
#include "trace/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "core/checked.h"
#include "io/atomic_file.h"
#include "trace/format.h"

/* Pieces that together fit in this many bytes are gathered before writing. */
#define WRITE_GATHER ((size_t)65536)
/* Written bytes are handed to the disk in steps of at least this many. */
#define WRITEBACK_STEP ((uint64_t)4 << 20)

struct TraceWriter {
    AtomicFile af;
    int fd;                 /* af's descriptor, written with writev */
    char *path;             /* destination, for messages */
    uint64_t offset;        /* where the next record goes */
    uint64_t written;       /* bytes handed to the file so far: gather[0]'s offset */
    uint64_t kicked;        /* bytes before this offset are on their way to the disk */
    unsigned char *gather;  /* (WRITE_GATHER) small pieces not yet written */
    size_t gathered;        /* bytes in gather */
    uint64_t record_bytes;  /* bytes of records written */
    uint32_t header_crc;
    unsigned char *index;   /* (cap, IDX_ENTRY) index entries, as they go to the file */
    size_t count, cap;
    NameTable names;
    bool failed;
    Status failure_code;
    Error failure;          /* the first error, returned again by later calls */
};

static const unsigned char zeros[8];

static const char *entry_name(const void *ctx, uint32_t i)
{
    const TraceWriter *w = ctx;
    return (const char *)w->index + (size_t)i * IDX_ENTRY + IDX_NAME;
}

/* Record the first failure (printf-style message), remove the temporary
 * file, copy the error to err and return code. */
__attribute__((format(printf, 4, 5)))
static Status writer_fail(TraceWriter *w, Error *err, Status code, const char *fmt, ...)
{
    if (!w->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->failure.msg, sizeof w->failure.msg, fmt, ap);
        va_end(ap);
        w->failure.hint[0] = '\0';
        w->failure_code = code;
        w->failed = true;
        atomic_file_discard(&w->af);
    }
    if (err)
        *err = w->failure;
    return w->failure_code;
}

/* Write iov[0..n) (modified) to fd whole, through short writes (a pipe, a
 * signal, a write over 2 GB) and EINTR; *done gets the bytes written. 0,
 * or the errno of the failure. */
static int write_fully(int fd, struct iovec *iov, int n, uint64_t *done)
{
    *done = 0;
    for (;;) {
        while (n > 0 && iov->iov_len == 0) {
            iov++;
            n--;
        }
        if (n == 0)
            return 0;
        ssize_t k = writev(fd, iov, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return errno;
        if (k == 0)
            return EIO;  /* no progress and no reason: do not spin */
        *done += (uint64_t)k;
        size_t left = (size_t)k;
        while (left > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (left > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
}

/* The gathered bytes, then iov[0..n) (at most 3 pieces), written with one
 * writev; the gather buffer is empty afterwards. */
static Status write_out(TraceWriter *w, const struct iovec *iov, int n, Error *err)
{
    struct iovec all[4] = {{w->gather, w->gathered}};
    for (int i = 0; i < n; i++)
        all[1 + i] = iov[i];
    uint64_t done;
    int e = write_fully(w->fd, all, 1 + n, &done);
    w->written += done;
    w->gathered = 0;
#ifdef SYNC_FILE_RANGE_WRITE
    /* Start the disk on what is written while the caller goes on computing
     * the next layer: the commit's fsync then waits for the tail only. A
     * hint; the fsync reports any error. */
    if (!e && w->written - w->kicked >= WRITEBACK_STEP) {
        (void)sync_file_range(w->fd, (off_t)w->kicked, (off_t)(w->written - w->kicked), SYNC_FILE_RANGE_WRITE);
        w->kicked = w->written;
    }
#endif
    if (e)
        return writer_fail(w, err, TF_ERR_RUNTIME, "%s: write failed at byte %llu: %s", w->path,
                           (unsigned long long)w->written, strerror(e));
    return TF_OK;
}

/* Put iov[0..n) (at most 3 pieces) next in the file: copied into the
 * gather buffer when they fit there, else written out with what it holds. */
static Status put_pieces(TraceWriter *w, const struct iovec *iov, int n, Error *err)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (total > WRITE_GATHER - w->gathered)
        return write_out(w, iov, n, err);
    for (int i = 0; i < n; i++) {
        if (iov[i].iov_len)
            memcpy(w->gather + w->gathered, iov[i].iov_base, iov[i].iov_len);
        w->gathered += iov[i].iov_len;
    }
    return TF_OK;
}

Status trace_writer_open(TraceWriter **out, const char *path, const char *meta, Error *err)
{
    *out = NULL;
    if (!meta)
        meta = "";
    size_t meta_len = strlen(meta);
    if (meta_len > TRACE_MAX_META)
        return error_set(err, TF_ERR_INPUT, "%s: meta text of %zu bytes is over the limit of %u",
                         path, meta_len, TRACE_MAX_META);

    TraceWriter *w = calloc(1, sizeof *w);
    if (w) {
        w->path = strdup(path);
        w->gather = malloc(WRITE_GATHER);
    }
    if (!w || !w->path || !w->gather) {
        if (w) {
            free(w->path);
            free(w->gather);
        }
        free(w);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    Status s = atomic_file_open(&w->af, path, err);
    if (s != TF_OK) {
        free(w->path);
        free(w->gather);
        free(w);
        return s;
    }
    w->fd = fileno(w->af.f);
    if (!trace_name_table_init(&w->names, 64)) {
        trace_writer_abort(w);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }

    /* Header: fixed part, meta, NUL, zero padding to 8. */
    size_t size = (size_t)round8(HDR_FIXED + meta_len + 1);
    unsigned char *h = calloc(1, size);
    if (!h) {
        trace_writer_abort(w);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    memcpy(h + HDR_MAGIC, TRACE_MAGIC, 8);
    put16(h + HDR_MAJOR, TRACE_VERSION_MAJOR);
    put16(h + HDR_MINOR, TRACE_VERSION_MINOR);
    put32(h + HDR_SIZE, (uint32_t)size);
    put32(h + HDR_META_LEN, (uint32_t)meta_len);
    memcpy(h + HDR_FIXED, meta, meta_len);
    w->header_crc = crc_update(crc_update(0, h, HDR_CRC), h + HDR_FIXED, size - HDR_FIXED);
    put32(h + HDR_CRC, w->header_crc);
    s = put_pieces(w, &(struct iovec){h, size}, 1, err);
    free(h);
    if (s != TF_OK) {
        trace_writer_abort(w);
        return s;
    }
    w->offset = size;
    *out = w;
    return TF_OK;
}

/* ---- one record: check it, lay out its strings, write it ---- */

typedef struct {
    const char *s;
    StrClass cls;
    const char *what;  /* "name", "dim name", "row label", ... */
    uint32_t nth;      /* which one, for labels and dim names */
} StrItem;

typedef struct {
    StrItem *items;
    size_t n;
    uint32_t row_count, col_count;  /* labels */
    uint32_t flags;
    uint64_t numel;
} RecordPlan;

/* Refuse record r: "PATH: record N 'NAME': what". */
__attribute__((format(printf, 4, 5)))
static Status bad_record(TraceWriter *w, const Record *r, Error *err, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return writer_fail(w, err, TF_ERR_INPUT, "%s: record %zu '%.127s': %s", w->path, w->count,
                       r->name ? r->name : "(null)", what);
}

/* Number of labels an axis needs (record.h's rule); fits easily in 64 bits.
 * 0 when the record asks for a number of label sets that is neither 1 nor
 * one per sentence. */
static uint64_t labels_needed(const Record *r, int axis)
{
    uint32_t sets = record_label_sets(r, axis);
    int batched = axis > 0 && r->dim_names[0] && strcmp(r->dim_names[0], "batch") == 0;
    if (sets != 1 && !(batched && sets == r->dims[0]))
        return 0;
    return (uint64_t)sets * r->dims[axis];
}

static Status check_shape(TraceWriter *w, const Record *r, RecordPlan *p, Error *err)
{
    if (r->ndim < 1 || r->ndim > RECORD_MAX_DIMS)
        return bad_record(w, r, err, "ndim must be 1..4");
    uint64_t numel = 1;
    for (int i = 0; i < r->ndim; i++) {
        if (r->dims[i] == 0)
            return bad_record(w, r, err, "a dimension is 0");
        size_t n;
        if (!checked_mul(&n, (size_t)numel, r->dims[i]))
            return bad_record(w, r, err, "dims overflow");
        numel = n;
    }
    size_t bytes;
    if (!checked_mul(&bytes, (size_t)numel, sizeof(float)) || bytes > UINT64_MAX / 2)
        return bad_record(w, r, err, "data size overflows");
    if (!r->data)
        return bad_record(w, r, err, "data is NULL");
    if (r->ndim == 1 && r->row_labels)
        return bad_record(w, r, err, "a 1-D record has column labels only (row_labels must be NULL)");
    if (r->has_positions) {
        const char *problem = trace_positions_problem(r, NULL);
        if (problem)
            return bad_record(w, r, err, "%s", problem);
        p->flags |= REC_FLAG_POSITIONS;
    }
    p->numel = numel;
    if (r->row_labels) {
        uint64_t n = labels_needed(r, r->ndim - 2);
        if (n == 0)
            return bad_record(w, r, err, "row_label_sets must be 1 or one per sentence");
        if (n > UINT32_MAX)
            return bad_record(w, r, err, "too many row labels");
        p->row_count = (uint32_t)n;
    }
    if (r->col_labels) {
        uint64_t n = labels_needed(r, r->ndim - 1);
        if (n == 0)
            return bad_record(w, r, err, "col_label_sets must be 1 or one per sentence");
        if (n > UINT32_MAX)
            return bad_record(w, r, err, "too many column labels");
        p->col_count = (uint32_t)n;
    }
    return TF_OK;
}

/* List every string of r in file order: name, kind, dim names, formula,
 * description, q_source, kv_source, row labels, column labels. */
static Status plan_strings(TraceWriter *w, const Record *r, RecordPlan *p, Error *err)
{
    size_t n = 4 + (size_t)r->ndim + 2 + (size_t)p->row_count + p->col_count;
    p->items = calloc(n, sizeof *p->items);
    if (!p->items)
        return writer_fail(w, err, TF_ERR_RUNTIME, "%s: out of memory", w->path);
#define ADD(str, c, w_, k) (p->items[p->n++] = (StrItem){(str), (c), (w_), (k)})
    ADD(r->name, STR_NAME, "name", 0);
    ADD(r->kind ? r->kind : "", STR_SHORT, "kind", 0);
    for (int i = 0; i < r->ndim; i++)
        ADD(r->dim_names[i] ? r->dim_names[i] : "", STR_SHORT, "dim name", (uint32_t)i);
    ADD(r->formula ? r->formula : "", STR_TEXT, "formula", 0);
    ADD(r->description ? r->description : "", STR_TEXT, "description", 0);
    if (r->q_source) {
        ADD(r->q_source, STR_NAME, "q_source", 0);
        p->flags |= REC_FLAG_Q_SOURCE;
    }
    if (r->kv_source) {
        ADD(r->kv_source, STR_NAME, "kv_source", 0);
        p->flags |= REC_FLAG_KV_SOURCE;
    }
    for (uint32_t i = 0; i < p->row_count; i++)
        ADD(r->row_labels[i], STR_LABEL, "row label", i);
    for (uint32_t i = 0; i < p->col_count; i++)
        ADD(r->col_labels[i], STR_LABEL, "column label", i);
#undef ADD
    return TF_OK;
}

static Status check_string(TraceWriter *w, const Record *r, const StrItem *it, Error *err)
{
    size_t len = 0, at = 0;
    const char *problem = NULL;
    if (it->s) {
        len = strlen(it->s);
        problem = trace_string_problem(it->cls, it->s, len, &at);
        if (!problem)
            return TF_OK;  /* the usual case, thousands of labels a trace: no message built */
    }
    char what[64];
    if (it->cls == STR_LABEL || !strcmp(it->what, "dim name"))
        snprintf(what, sizeof what, "%s %u", it->what, it->nth);
    else
        snprintf(what, sizeof what, "%s", it->what);
    if (!it->s)
        return bad_record(w, r, err, "%s is NULL", what);
    if (it->cls == STR_NAME)
        return bad_record(w, r, err, "%s '%.127s' %s (see src/trace/FORMAT.md, \"Record names\")",
                          what, it->s, problem);
    if (len > trace_string_cap(it->cls))
        return bad_record(w, r, err, "%s %s (%zu bytes, limit %u)", what, problem, len,
                          trace_string_cap(it->cls));
    return bad_record(w, r, err, "%s %s at byte %zu of it", what, problem, at);
}

/* Build everything before the data: fixed part, positions, chunk table
 * (the CRC of each TRACE_DATA_CHUNK bytes of data), strings, padding; the
 * record's CRC field then covers all of it, so that reading a record's
 * description never needs its data (FORMAT.md, Record). */
static unsigned char *build_prefix(const Record *r, const RecordPlan *p, size_t *prefix_len,
                                   uint64_t *length)
{
    const size_t data_bytes = (size_t)p->numel * 4;  /* checked by check_shape */
    const size_t chunks = (size_t)trace_data_chunks(data_bytes);
    size_t strings = 0;
    for (size_t i = 0; i < p->n; i++)
        strings += 4 + strlen(p->items[i].s) + 1;
    const size_t fixed = (p->flags & REC_FLAG_POSITIONS) ? REC_FIXED_POS : REC_FIXED;
    const size_t table = 4 * chunks;
    if (chunks > UINT32_MAX / 4 || strings > UINT32_MAX)
        return NULL;
    size_t data_offset = (size_t)round8(fixed + table + strings);
    if (data_offset > UINT32_MAX)
        return NULL;
    unsigned char *b = calloc(1, data_offset);
    if (!b)
        return NULL;
    *length = round8(data_offset + data_bytes);
    *prefix_len = data_offset;

    memcpy(b + REC_MAGIC, TRACE_RECORD_MAGIC, 4);
    put64(b + REC_LENGTH, *length);
    put32(b + REC_EXEC_INDEX, r->exec_index);
    put32(b + REC_NDIM, (uint32_t)r->ndim);
    for (int i = 0; i < r->ndim; i++)
        put32(b + REC_DIMS + 4 * i, r->dims[i]);
    put32(b + REC_ROW_LABELS, p->row_count);
    put32(b + REC_COL_LABELS, p->col_count);
    put32(b + REC_FLAGS, p->flags);
    put32(b + REC_DATA_OFFSET, (uint32_t)data_offset);
    if (p->flags & REC_FLAG_POSITIONS) {
        put32(b + REC_QUERY_POS, r->query_pos);
        put32(b + REC_KEY_POS, r->key_pos);
    }
    const unsigned char *data = (const unsigned char *)r->data;
    for (size_t k = 0; k < chunks; k++) {
        size_t from = k * (size_t)TRACE_DATA_CHUNK, n = data_bytes - from;
        if (n > TRACE_DATA_CHUNK)
            n = (size_t)TRACE_DATA_CHUNK;
        put32(b + fixed + 4 * k, crc_update(0, data + from, n));
    }
    unsigned char *at = b + fixed + table;
    for (size_t i = 0; i < p->n; i++) {
        size_t len = strlen(p->items[i].s);
        put32(at, (uint32_t)len);
        memcpy(at + 4, p->items[i].s, len + 1);
        at += 4 + len + 1;
    }
    put32(b + REC_CRC, crc_update(0, b + REC_LENGTH, data_offset - REC_LENGTH));
    return b;
}

static Status append_index(TraceWriter *w, const Record *r, uint64_t length, Error *err)
{
    if (w->count == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        unsigned char *idx = realloc(w->index, cap * IDX_ENTRY);
        if (!idx)
            return writer_fail(w, err, TF_ERR_RUNTIME, "%s: out of memory", w->path);
        w->index = idx;
        w->cap = cap;
    }
    unsigned char *e = w->index + w->count * IDX_ENTRY;
    memset(e, 0, IDX_ENTRY);
    put64(e + IDX_OFFSET, w->offset);
    put64(e + IDX_LENGTH, length);
    memcpy(e + IDX_NAME, r->name, strlen(r->name) + 1);
    if (!trace_name_table_insert(&w->names, r->name, (uint32_t)w->count, entry_name, w))
        return writer_fail(w, err, TF_ERR_RUNTIME, "%s: out of memory", w->path);
    w->count++;
    return TF_OK;
}

Status trace_writer_add(TraceWriter *w, const Record *r, Error *err)
{
    if (w->failed)
        return writer_fail(w, err, w->failure_code, "%s", "");
    if (w->count >= UINT32_MAX)
        return bad_record(w, r, err, "too many records");
    if (!r->name)
        return bad_record(w, r, err, "name is NULL");

    RecordPlan p = {0};
    Status s = check_shape(w, r, &p, err);
    if (s == TF_OK)
        s = plan_strings(w, r, &p, err);
    for (size_t i = 0; s == TF_OK && i < p.n; i++)
        s = check_string(w, r, &p.items[i], err);
    if (s == TF_OK && trace_name_table_find(&w->names, r->name, entry_name, w) >= 0)
        s = bad_record(w, r, err, "the name is already used by an earlier record");

    size_t prefix_len = 0;
    uint64_t length = 0;
    unsigned char *prefix = NULL;
    if (s == TF_OK) {
        prefix = build_prefix(r, &p, &prefix_len, &length);
        if (!prefix)
            s = writer_fail(w, err, TF_ERR_RUNTIME, "%s: record '%s': out of memory", w->path,
                            r->name);
    }
    free(p.items);
    if (s != TF_OK)
        return s;

    size_t data_bytes = (size_t)p.numel * 4;
    size_t pad = (size_t)(length - prefix_len - data_bytes);
    struct iovec pieces[3] = {{prefix, prefix_len}, {(void *)r->data, data_bytes}, {(void *)zeros, pad}};
    s = put_pieces(w, pieces, 3, err);
    free(prefix);
    if (s == TF_OK)
        s = append_index(w, r, length, err);
    if (s != TF_OK)
        return s;
    w->offset += length;
    w->record_bytes += length;
    return TF_OK;
}

uint64_t trace_writer_bytes(const TraceWriter *w)
{
    return w->record_bytes;
}

static void writer_free(TraceWriter *w)
{
    atomic_file_discard(&w->af);
    trace_name_table_free(&w->names);
    free(w->gather);
    free(w->index);
    free(w->path);
    free(w);
}

Status trace_writer_finish(TraceWriter *w, Error *err)
{
    if (w->failed) {
        Status s = writer_fail(w, err, w->failure_code, "%s", "");
        writer_free(w);
        return s;
    }
    size_t index_len = w->count * IDX_ENTRY;
    unsigned char f[FTR_SIZE] = {0};
    put64(f + FTR_INDEX_OFFSET, w->offset);
    put64(f + FTR_INDEX_LENGTH, index_len);
    put32(f + FTR_COUNT, (uint32_t)w->count);
    put32(f + FTR_INDEX_CRC, crc_update(0, w->index, index_len));
    put32(f + FTR_HEADER_CRC, w->header_crc);
    put16(f + FTR_MAJOR, TRACE_VERSION_MAJOR);
    put16(f + FTR_MINOR, TRACE_VERSION_MINOR);
    put32(f + FTR_CRC, crc_update(0, f, FTR_CRC));
    memcpy(f + FTR_MAGIC, TRACE_FOOTER_MAGIC, 8);

    Status s = write_out(w, (struct iovec[2]){{w->index, index_len}, {f, sizeof f}}, 2, err);
    if (s == TF_OK) {
        s = atomic_file_commit(&w->af, err);  /* removes the temp file itself on failure */
    }
    writer_free(w);
    return s;
}

void trace_writer_abort(TraceWriter *w)
{
    if (w)
        writer_free(w);
}
