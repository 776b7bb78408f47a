/* reader.c — open a trace file as untrusted input (layout: FORMAT.md).
 *
 * Open maps the file and checks, in this order and without touching any
 * record body: the header's magic and version, the footer, the rest of the
 * header, then the index (every record's offset and length against the
 * file, records tiling the data region exactly, names valid and unique).
 * trace_reader_get checks one record completely before handing it out;
 * trace_reader_get_header checks all but its data, whose checksums
 * (per chunk, 3.x) trace_reader_values checks for the values it hands out.
 * A record's description (everything before its data) is read into memory
 * with pread rather than through the mapping (record_head); the data is
 * read through the mapping, or copied out with pread and checked in the
 * copy (trace_reader_copy_values, the viewer's way).
 * Every refusal says "PATH: byte N: what was wrong". */
#include "trace/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/checked.h"
#include "trace/format.h"

struct TraceReader {
    char *path;
    int fd;                     /* open while the reader is: descriptions are read with pread */
    const unsigned char *map;   /* (size) the whole file, read-only */
    uint64_t size;
    uint64_t header_size;       /* records start here */
    uint64_t index_offset;      /* records end here */
    const char *meta;           /* NUL-terminated, inside the map */
    const unsigned char *index; /* (count, IDX_ENTRY) */
    uint32_t count;
    uint16_t major;             /* 1..3: 2.x records may carry positions, 3.x chunk checksums */
    NameTable names;
    /* (count) 1 once record i's data has passed its checksums: each record's
     * data is checked once per reader, however often it is fetched. */
    unsigned char *data_ok;
    /* (count) record i's bytes [0, data_offset) once it has been fetched
     * whole, or NULL: its strings point into this copy (record_head).
     * Like data_ok, filled in through a const reader: one thread at a time. */
    unsigned char **heads;
};

/* "PATH: byte N: what"; the input is bad, so TF_ERR_INPUT. */
__attribute__((format(printf, 4, 5)))
static Status corrupt(Error *err, const char *path, uint64_t at, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return error_set(err, TF_ERR_INPUT, "%s: byte %llu: %s", path, (unsigned long long)at, what);
}

static const char *index_name(const void *ctx, uint32_t i)
{
    const TraceReader *r = ctx;
    return (const char *)r->index + (size_t)i * IDX_ENTRY + IDX_NAME;
}

/* ---- open ---- */

static Status map_file(TraceReader *r, Error *err)
{
    /* O_CLOEXEC: the descriptor stays open, and plot starts gnuplot */
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, TF_ERR_INPUT, "%s: cannot open: %s", r->path, strerror(errno));
    r->fd = fd;  /* closed by trace_reader_close */
    struct stat st;
    if (fstat(fd, &st) != 0)
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot stat: %s", r->path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return error_set(err, TF_ERR_INPUT, "%s: not a regular file", r->path);
    r->size = (uint64_t)st.st_size;
    if (r->size < HDR_FIXED + 8 + FTR_SIZE || r->size > SIZE_MAX)
        return corrupt(err, r->path, r->size,
                       "file ends after %llu bytes; a trace file has at least %d (header and footer)",
                       (unsigned long long)r->size, HDR_FIXED + 8 + FTR_SIZE);
    void *m = mmap(NULL, (size_t)r->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot map: %s", r->path, strerror(errno));
    r->map = m;
    return TF_OK;
}

/* n bytes at file offset `at` into buf. Open checked that the file holds
 * them; a file that has shrunk since is outside FORMAT.md's guarantees,
 * but still gets a message rather than bytes that were never read. */
static Status read_at(const TraceReader *r, void *buf, size_t n, uint64_t at, Error *err)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = pread(r->fd, p, n, (off_t)at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return error_set(err, TF_ERR_RUNTIME, "%s: byte %llu: cannot read: %s", r->path,
                             (unsigned long long)at, strerror(errno));
        if (got == 0)
            return corrupt(err, r->path, at, "file ends here, %llu bytes short of its size at open "
                           "(changed while being read?)", (unsigned long long)(r->size - at));
        p += got;
        n -= (size_t)got;
        at += (uint64_t)got;
    }
    return TF_OK;
}

/* Magic and major version first, so a foreign or future file gets the
 * message that explains it rather than a checksum complaint. */
static Status check_identity(TraceReader *r, Error *err)
{
    if (memcmp(r->map + HDR_MAGIC, TRACE_MAGIC, 8) != 0)
        return corrupt(err, r->path, HDR_MAGIC, "not a Traceformer trace file (bad magic)");
    uint16_t major = le16(r->map + HDR_MAJOR);
    if (major < TRACE_VERSION_MAJOR_OLDEST || major > TRACE_VERSION_MAJOR)
        return corrupt(err, r->path, HDR_MAJOR,
                       "trace format version %u.x, this program reads versions %d.x to %d.x", major,
                       TRACE_VERSION_MAJOR_OLDEST, TRACE_VERSION_MAJOR);
    r->major = major;
    return TF_OK;
}

static Status check_footer(TraceReader *r, Error *err)
{
    const uint64_t at = r->size - FTR_SIZE;
    const unsigned char *f = r->map + at;
    if (memcmp(f + FTR_MAGIC, TRACE_FOOTER_MAGIC, 8) != 0)
        return corrupt(err, r->path, at + FTR_MAGIC,
                       "no footer magic at the end of the file (truncated, or never finished)");
    uint32_t stored = le32(f + FTR_CRC), computed = crc_update(0, f, FTR_CRC);
    if (stored != computed)
        return corrupt(err, r->path, at + FTR_CRC,
                       "footer checksum mismatch (stored %08x, computed %08x)", stored, computed);
    if (le16(f + FTR_MAJOR) != r->major)
        return corrupt(err, r->path, at + FTR_MAJOR, "footer version %u differs from %u",
                       le16(f + FTR_MAJOR), r->major);
    if (le32(f + FTR_RESERVED) != 0)
        return corrupt(err, r->path, at + FTR_RESERVED, "reserved footer field is not 0");

    r->index_offset = le64(f + FTR_INDEX_OFFSET);
    r->count = le32(f + FTR_COUNT);
    uint64_t index_len = le64(f + FTR_INDEX_LENGTH), end;
    if (index_len != (uint64_t)r->count * IDX_ENTRY)
        return corrupt(err, r->path, at + FTR_INDEX_LENGTH,
                       "index length %llu does not fit %u records of %d bytes",
                       (unsigned long long)index_len, r->count, IDX_ENTRY);
    if (!checked_add_u64(&end, r->index_offset, index_len) || end != at)
        return corrupt(err, r->path, at + FTR_INDEX_OFFSET,
                       "index at byte %llu, %llu bytes long, does not end where the footer starts "
                       "(byte %llu)",
                       (unsigned long long)r->index_offset, (unsigned long long)index_len,
                       (unsigned long long)at);
    if (r->index_offset % 8 != 0)
        return corrupt(err, r->path, at + FTR_INDEX_OFFSET, "index offset %llu is not a multiple of 8",
                       (unsigned long long)r->index_offset);
    r->index = r->map + r->index_offset;
    return TF_OK;
}

static Status check_header(TraceReader *r, Error *err)
{
    const unsigned char *h = r->map;
    const unsigned char *f = r->map + r->size - FTR_SIZE;
    if (le16(h + HDR_MINOR) != le16(f + FTR_MINOR))
        return corrupt(err, r->path, HDR_MINOR, "header version %u.%u, footer says %u.%u",
                       le16(h + HDR_MAJOR), le16(h + HDR_MINOR), le16(f + FTR_MAJOR), le16(f + FTR_MINOR));
    uint64_t size = le32(h + HDR_SIZE), meta_len = le32(h + HDR_META_LEN);
    if (size % 8 != 0 || size < HDR_FIXED + 8 || size > r->index_offset)
        return corrupt(err, r->path, HDR_SIZE,
                       "header size %llu is not a multiple of 8 between %d and the index offset %llu",
                       (unsigned long long)size, HDR_FIXED + 8, (unsigned long long)r->index_offset);
    if (meta_len > TRACE_MAX_META || round8(HDR_FIXED + meta_len + 1) != size)
        return corrupt(err, r->path, HDR_META_LEN,
                       "meta length %llu does not fill the header of %llu bytes",
                       (unsigned long long)meta_len, (unsigned long long)size);
    uint32_t stored = le32(h + HDR_CRC);
    uint32_t computed = crc_update(crc_update(0, h, HDR_CRC), h + HDR_FIXED, size - HDR_FIXED);
    if (stored != computed)
        return corrupt(err, r->path, HDR_CRC, "header checksum mismatch (stored %08x, computed %08x)",
                       stored, computed);
    if (le32(f + FTR_HEADER_CRC) != stored)
        return corrupt(err, r->path, r->size - FTR_SIZE + FTR_HEADER_CRC,
                       "footer's copy of the header checksum differs (footer belongs to another file?)");
    /* Meta: no NUL inside, NUL after, zero padding (CRC already covers it,
     * but a crafted file with a fixed checksum gets a clear message). */
    const char *meta = (const char *)h + HDR_FIXED;
    const char *nul = memchr(meta, 0, (size_t)meta_len + 1);
    if (nul != meta + meta_len)
        return corrupt(err, r->path, HDR_FIXED + (uint64_t)(nul ? nul - meta : (long)meta_len),
                       "meta text has a NUL byte inside or none at its end");
    for (uint64_t i = HDR_FIXED + meta_len + 1; i < size; i++)
        if (h[i] != 0)
            return corrupt(err, r->path, i, "header padding is not zero");
    r->header_size = size;
    r->meta = meta;
    return TF_OK;
}

/* Name field of one index entry: NUL-terminated, valid, zero-padded. */
static Status check_entry_name(const TraceReader *r, uint32_t i, uint64_t at, Error *err)
{
    const char *name = (const char *)r->map + at;
    const char *nul = memchr(name, 0, IDX_ENTRY - IDX_NAME);
    if (!nul)
        return corrupt(err, r->path, at, "index entry %u: name has no NUL within %d bytes", i,
                       IDX_ENTRY - IDX_NAME);
    size_t len = (size_t)(nul - name);
    const char *problem = trace_name_problem(name, len);
    if (problem)
        return corrupt(err, r->path, at, "index entry %u: record name %s", i, problem);
    for (size_t j = len; j < IDX_ENTRY - IDX_NAME; j++)
        if (name[j] != 0)
            return corrupt(err, r->path, at + j, "index entry %u: name padding is not zero", i);
    return TF_OK;
}

static Status check_index(TraceReader *r, Error *err)
{
    uint64_t index_len = (uint64_t)r->count * IDX_ENTRY;
    uint32_t stored = le32(r->map + r->size - FTR_SIZE + FTR_INDEX_CRC);
    uint32_t computed = crc_update(0, r->index, index_len);
    if (stored != computed)
        return corrupt(err, r->path, r->index_offset,
                       "index checksum mismatch (stored %08x, computed %08x)", stored, computed);
    if (!trace_name_table_init(&r->names, r->count) || !(r->data_ok = calloc((size_t)r->count + 1, 1)) ||
        !(r->heads = calloc((size_t)r->count + 1, sizeof *r->heads)))
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory for %u names", r->path, r->count);

    /* Records must tile [header_size, index_offset): each starts where the
     * previous one ended, so no byte is unaccounted for or shared. */
    uint64_t expect = r->header_size;
    for (uint32_t i = 0; i < r->count; i++) {
        uint64_t at = r->index_offset + (uint64_t)i * IDX_ENTRY;
        const unsigned char *e = r->map + at;
        uint64_t off = le64(e + IDX_OFFSET), len = le64(e + IDX_LENGTH), end;
        if (off != expect)
            return corrupt(err, r->path, at + IDX_OFFSET,
                           "record %u starts at byte %llu, expected %llu (records must follow each "
                           "other with no gap or overlap)",
                           i, (unsigned long long)off, (unsigned long long)expect);
        if (!checked_add_u64(&end, off, len) || end > r->size)
            return corrupt(err, r->path, at + IDX_LENGTH,
                           "record %u length %llu runs past end of file (size %llu)", i,
                           (unsigned long long)len, (unsigned long long)r->size);
        if (end > r->index_offset)
            return corrupt(err, r->path, at + IDX_LENGTH,
                           "record %u length %llu runs into the index at byte %llu", i,
                           (unsigned long long)len, (unsigned long long)r->index_offset);
        if (len < REC_MIN_LENGTH || len % 8 != 0)
            return corrupt(err, r->path, at + IDX_LENGTH,
                           "record %u length %llu is not a multiple of 8 of at least %u", i,
                           (unsigned long long)len, REC_MIN_LENGTH);
        Status s = check_entry_name(r, i, at + IDX_NAME, err);
        if (s != TF_OK)
            return s;
        const char *name = index_name(r, i);
        long dup = trace_name_table_find(&r->names, name, index_name, r);
        if (dup >= 0)
            return corrupt(err, r->path, at + IDX_NAME, "record %u has the same name as record %ld: %s",
                           i, dup, name);
        if (!trace_name_table_insert(&r->names, name, i, index_name, r))
            return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", r->path);
        expect = end;
    }
    if (expect != r->index_offset)
        return corrupt(err, r->path, expect,
                       "%llu bytes between the last record and the index belong to no record",
                       (unsigned long long)(r->index_offset - expect));
    return TF_OK;
}

Status trace_reader_open(TraceReader **out, const char *path, Error *err)
{
    *out = NULL;
    TraceReader *r = calloc(1, sizeof *r);
    if (r) {
        r->fd = -1;
        r->path = strdup(path);
    }
    if (!r || !r->path) {
        free(r);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    }
    Status s = map_file(r, err);
    if (s == TF_OK)
        s = check_identity(r, err);
    if (s == TF_OK)
        s = check_footer(r, err);
    if (s == TF_OK)
        s = check_header(r, err);
    if (s == TF_OK)
        s = check_index(r, err);
    if (s != TF_OK) {
        trace_reader_close(r);
        return s;
    }
    *out = r;
    return TF_OK;
}

void trace_reader_close(TraceReader *r)
{
    if (!r)
        return;
    if (r->map)
        munmap((void *)r->map, (size_t)r->size);
    if (r->fd >= 0)
        close(r->fd);
    if (r->heads)
        for (uint32_t i = 0; i < r->count; i++)
            free(r->heads[i]);
    free(r->heads);
    trace_name_table_free(&r->names);
    free(r->data_ok);
    free(r->path);
    free(r);
}

uint32_t trace_reader_count(const TraceReader *r) { return r->count; }
const char *trace_reader_meta(const TraceReader *r) { return r->meta; }
const char *trace_reader_path(const TraceReader *r) { return r->path; }

long trace_reader_find(const TraceReader *r, const char *name)
{
    return trace_name_table_find(&r->names, name, index_name, r);
}

const char *trace_reader_name(const TraceReader *r, uint32_t i)
{
    return i < r->count ? index_name(r, i) : NULL;
}

/* ---- one record ---- */

/* Reading one record: where it is and how far its strings may go. */
typedef struct {
    const TraceReader *r;
    uint32_t i;
    uint64_t base;         /* record's offset in the file */
    const unsigned char *p; /* the record's description (record_head), not its data */
    uint64_t strings_start; /* first string (after the positions and chunk table) */
    ByteCursor strings;    /* over p[0, data_offset), at the next string */
    uint64_t data_bytes;   /* numel × 4 */
    const unsigned char *table; /* 3.x: the chunk table, trace_data_chunks(data_bytes) u32s */
    Error *err;
} RecordCursor;

/* Record i's description, its bytes [0, data_offset): fixed part,
 * positions, chunk table, strings. Read with pread rather than touched
 * through the mapping, because each description lies alone between
 * megabytes of data: listing an 838 MB trace took a page fault per
 * record, ~50 µs each on a virtual machine, where a read of the same bytes
 * takes ~5. One read of HEAD_FIRST_READ bytes finds data_offset and, for
 * most records, the whole description; a longer one takes a second read.
 * When data_offset is not inside the record, the copy is what the first
 * read got, for check_fixed to refuse.
 *
 * A whole fetch's copy (keep_it) stays in r->heads[i] until the reader
 * closes, since the strings handed out point into it; a header-only
 * fetch's goes to *copy, for the record to free when released, so that
 * listing a trace holds one description at a time (fresh memory for all
 * of them cost a page fault per 4 KiB, as many as the mapping did). A
 * description already kept serves either. */
enum { HEAD_FIRST_READ = 8192 };

static Status record_head(const TraceReader *r, uint32_t i, uint64_t base, uint64_t len, bool keep_it,
                          const unsigned char **out, unsigned char **copy, Error *err)
{
    *copy = NULL;
    if (r->heads[i]) {
        *out = r->heads[i];
        return TF_OK;
    }
    unsigned char first[HEAD_FIRST_READ];
    size_t got = len < sizeof first ? (size_t)len : sizeof first;  /* ≥ REC_MIN_LENGTH: checked at open */
    Status s = read_at(r, first, got, base, err);
    if (s != TF_OK)
        return s;
    uint64_t data_offset = le32(first + REC_DATA_OFFSET);
    size_t keep = data_offset >= REC_FIXED && data_offset <= len ? (size_t)data_offset : got;
    unsigned char *head = malloc(keep);
    if (!head)
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory for record %u", r->path, i);
    memcpy(head, first, keep < got ? keep : got);
    if (keep > got && (s = read_at(r, head + got, keep - got, base + got, err)) != TF_OK) {
        free(head);
        return s;
    }
    if (keep_it)
        r->heads[i] = head;
    else
        *copy = head;
    *out = head;
    return TF_OK;
}

/* The record's own checksum: for 3.x of bytes [8, data_offset), the
 * record's description and chunk table; before 3.x of the whole record
 * after the field, data included (checked once per reader: data_ok).
 * head holds the record's bytes [0, data_offset) (its description, or the
 * mapping at the record); the data is read through the mapping. */
static Status check_record_crc(const TraceReader *r, uint32_t i, const unsigned char *head, uint64_t data_offset,
                               Error *err)
{
    const unsigned char *e = r->index + (size_t)i * IDX_ENTRY;
    uint64_t base = le64(e + IDX_OFFSET), len = le64(e + IDX_LENGTH);  /* checked at open */
    const bool chunked = r->major >= TRACE_VERSION_CHUNKED;
    if (!chunked && r->data_ok[i])
        return TF_OK;
    uint32_t stored = le32(head + REC_CRC);
    uint32_t computed = crc_update(0, head + REC_LENGTH, (size_t)(data_offset - REC_LENGTH));
    if (!chunked)
        computed = crc_update(computed, r->map + base + data_offset, (size_t)(len - data_offset));
    if (stored != computed)
        return corrupt(err, r->path, base + REC_CRC,
                       "record %u (%s): %schecksum mismatch (stored %08x, computed %08x): the record "
                       "is corrupt",
                       i, index_name(r, i), chunked ? "header " : "", stored, computed);
    if (!chunked)
        r->data_ok[i] = 1;
    return TF_OK;
}

/* Chunks [k0, k1) of record i's data (data_bytes bytes at data_offset in
 * the record) against the record's chunk table (3.x). at holds the bytes
 * of those chunks: in the mapping, or a copy read from the file. */
static Status check_chunks_at(const TraceReader *r, uint32_t i, const unsigned char *table,
                              uint64_t data_offset, uint64_t data_bytes, uint64_t k0, uint64_t k1,
                              const unsigned char *at, Error *err)
{
    const uint64_t base = le64(r->index + (size_t)i * IDX_ENTRY + IDX_OFFSET);
    for (uint64_t k = k0; k < k1; k++) {
        uint64_t from = k * TRACE_DATA_CHUNK, n = data_bytes - from;
        if (n > TRACE_DATA_CHUNK)
            n = TRACE_DATA_CHUNK;
        const unsigned char *chunk = at + (size_t)((k - k0) * TRACE_DATA_CHUNK);
        uint32_t stored = le32(table + 4 * k), computed = crc_update(0, chunk, (size_t)n);
        if (stored != computed)
            return corrupt(err, r->path, base + data_offset + from,
                           "record %u (%s): data checksum mismatch in bytes %llu..%llu of its data "
                           "(stored %08x, computed %08x): the record is corrupt",
                           i, index_name(r, i), (unsigned long long)from, (unsigned long long)(from + n),
                           stored, computed);
    }
    return TF_OK;
}

/* The same, in the mapping. */
static Status check_chunks(const TraceReader *r, uint32_t i, const unsigned char *table, uint64_t data_offset,
                           uint64_t data_bytes, uint64_t k0, uint64_t k1, Error *err)
{
    const uint64_t base = le64(r->index + (size_t)i * IDX_ENTRY + IDX_OFFSET);
    const unsigned char *at = r->map + base + data_offset + k0 * TRACE_DATA_CHUNK;
    return check_chunks_at(r, i, table, data_offset, data_bytes, k0, k1, at, err);
}

/* Why the string at strings position pos was refused, as an error naming
 * its byte; the checks of next_string again, one at a time. Apart from
 * next_string (and never inlined into it) so that the common case, a
 * string that passes, carries none of the message's buffers. */
__attribute__((noinline))
static Status string_refused(RecordCursor *c, size_t pos, StrClass cls, const char *what, long nth)
{
    ByteCursor cur = c->strings;
    cur.pos = pos;
    const uint64_t at = c->base + pos;
    const uint32_t cap = trace_string_cap(cls);
    uint64_t where = at;
    char problem[96];
    const unsigned char *field = byte_cursor_bytes(&cur, 4);
    const uint32_t len = field ? le32(field) : 0;
    const char *s = NULL;
    if (!field) {
        snprintf(problem, sizeof problem, "runs into the data");
    } else if (len > cap) {
        snprintf(problem, sizeof problem, "length %u is over the limit of %u", len, cap);
    } else if (!(s = (const char *)byte_cursor_bytes(&cur, (size_t)len + 1))) {
        snprintf(problem, sizeof problem, "(length %u) runs into the data", len);
    } else if (s[len] != '\0') {
        where = at + 4 + len;
        snprintf(problem, sizeof problem, "is not NUL-terminated");
    } else {
        size_t bad = 0;
        const char *why = trace_string_problem(cls, s, len, &bad);
        where = at + 4 + bad;
        snprintf(problem, sizeof problem, "%s", why ? why : "was refused");
    }
    char label[64];
    if (nth >= 0)
        snprintf(label, sizeof label, "%s %ld", what, nth);
    else
        snprintf(label, sizeof label, "%s", what);
    return corrupt(c->err, c->r->path, where, "record %u: %s %s", c->i, label, problem);
}

/* trace_string_problem's yes or no, out of line: the offset of a bad byte
 * (taken by address) is string_refused's business. */
__attribute__((noinline))
static bool string_valid(StrClass cls, const char *s, size_t n)
{
    size_t bad;
    return trace_string_problem(cls, s, n, &bad) == NULL;
}

/* Next string: u32 length, bytes, NUL; checked against its class. The
 * string's label ("row label 3") is spelled out only when it is refused:
 * a record may hold thousands of labels, and listing a trace reads them
 * all (a character-level trace of 500 tokens: some 200,000). */
static Status next_string(RecordCursor *c, StrClass cls, const char *what, long nth, const char **out)
{
    const size_t pos = c->strings.pos;
    const unsigned char *field = byte_cursor_bytes(&c->strings, 4);
    const uint32_t len = field ? le32(field) : 0;
    const char *s = field && len <= trace_string_cap(cls)
                        ? (const char *)byte_cursor_bytes(&c->strings, (size_t)len + 1) : NULL;
    if (s && s[len] == '\0' && ((cls != STR_NAME && trace_text_plain(s, len)) || string_valid(cls, s, len))) {
        *out = s;
        return TF_OK;
    }
    return string_refused(c, pos, cls, what, nth);
}

/* Fixed part: magic, length, data offset, checksum, ndim, dims, flags,
 * positions; the size of the data and (3.x) where the chunk table is. */
static Status check_fixed(RecordCursor *c, uint64_t len, Record *rec, uint32_t counts[2],
                          uint32_t *flags)
{
    const unsigned char *p = c->p;
    const char *path = c->r->path;
    uint64_t b = c->base;
    if (memcmp(p + REC_MAGIC, TRACE_RECORD_MAGIC, 4) != 0)
        return corrupt(c->err, path, b, "record %u: bad record magic", c->i);
    if (le64(p + REC_LENGTH) != len)
        return corrupt(c->err, path, b + REC_LENGTH, "record %u: length %llu disagrees with the index (%llu)",
                       c->i, (unsigned long long)le64(p + REC_LENGTH), (unsigned long long)len);
    uint64_t data_offset = le32(p + REC_DATA_OFFSET);
    if (data_offset % 8 != 0 || data_offset < REC_FIXED || data_offset > len)
        return corrupt(c->err, path, b + REC_DATA_OFFSET,
                       "record %u: data offset %llu is not a multiple of 8 inside the record", c->i,
                       (unsigned long long)data_offset);
    Status s = check_record_crc(c->r, c->i, p, data_offset, c->err);
    if (s != TF_OK)
        return s;
    uint32_t ndim = le32(p + REC_NDIM);
    if (ndim < 1 || ndim > RECORD_MAX_DIMS)
        return corrupt(c->err, path, b + REC_NDIM, "record %u: ndim %u is not 1..%d", c->i, ndim,
                       RECORD_MAX_DIMS);
    rec->ndim = (int)ndim;
    for (uint32_t d = 0; d < RECORD_MAX_DIMS; d++) {
        uint32_t v = le32(p + REC_DIMS + 4 * d);
        if ((d < ndim) != (v != 0))
            return corrupt(c->err, path, b + REC_DIMS + 4 * d,
                           "record %u: dim %u is %u (dims in use must be >= 1, unused ones 0)", c->i, d, v);
        rec->dims[d] = v;
    }
    counts[0] = le32(p + REC_ROW_LABELS);
    counts[1] = le32(p + REC_COL_LABELS);
    if (ndim == 1 && counts[0] != 0)
        return corrupt(c->err, path, b + REC_ROW_LABELS, "record %u: a 1-D record has no row labels", c->i);
    *flags = le32(p + REC_FLAGS);
    const uint32_t known = c->r->major >= 2 ? REC_FLAGS_KNOWN_2 : REC_FLAGS_KNOWN_1;
    if (*flags & ~known)
        return corrupt(c->err, path, b + REC_FLAGS, "record %u: unknown flags %08x", c->i, *flags);
    const uint64_t fixed = (*flags & REC_FLAG_POSITIONS) ? REC_FIXED_POS : REC_FIXED;
    if (data_offset < fixed)
        return corrupt(c->err, path, b + REC_DATA_OFFSET,
                       "record %u: data offset %llu is inside the record's fixed part", c->i,
                       (unsigned long long)data_offset);
    if (*flags & REC_FLAG_POSITIONS) {
        /* checked against the axes once the dim names are read */
        rec->has_positions = true;
        rec->query_pos = le32(p + REC_QUERY_POS);
        rec->key_pos = le32(p + REC_KEY_POS);
    }
    size_t bytes = 1;  /* numel, then numel × 4 */
    bool ok = true;
    for (int d = 0; d < rec->ndim; d++)
        ok = ok && checked_mul(&bytes, bytes, rec->dims[d]);
    if (!ok || !checked_mul(&bytes, bytes, sizeof(float)) || bytes > len)
        return corrupt(c->err, path, b + REC_DIMS, "record %u: dims need more data than the record's %llu bytes",
                       c->i, (unsigned long long)len);
    c->data_bytes = bytes;
    uint64_t table = 0;
    if (c->r->major >= TRACE_VERSION_CHUNKED) {
        table = 4 * trace_data_chunks(c->data_bytes);  /* data_bytes ≤ len: no overflow */
        if (table > data_offset - fixed)
            return corrupt(c->err, path, b + fixed,
                           "record %u: its chunk table of %llu checksums runs past the data offset %llu",
                           c->i, (unsigned long long)(table / 4), (unsigned long long)data_offset);
        c->table = p + fixed;
    }
    c->strings_start = fixed + table;
    c->strings = byte_cursor_at(p, (size_t)data_offset, (size_t)(fixed + table));
    return TF_OK;
}

/* Data: numel float32 after data_offset, then zero padding that ends the
 * record exactly; with the data's checksums unless header_only, which
 * leaves rec->data NULL. */
static Status check_data(RecordCursor *c, uint64_t len, bool header_only, Record *rec)
{
    size_t end;
    if (!checked_add(&end, (size_t)c->strings.size, (size_t)c->data_bytes) || round8(end) != len)
        return corrupt(c->err, c->r->path, c->base + REC_DIMS,
                       "record %u: dims need %llu bytes of data at byte %llu, but the record length "
                       "%llu leaves %llu",
                       c->i, (unsigned long long)c->data_bytes, (unsigned long long)(c->base + c->strings.size),
                       (unsigned long long)len, (unsigned long long)(len - c->strings.size));
    if (end < len) {
        /* fewer than 8 bytes after the data, which the description does
         * not hold: read apart, so that checking them touches no data */
        unsigned char pad[8];
        Status s = read_at(c->r, pad, (size_t)(len - end), c->base + end, c->err);
        if (s != TF_OK)
            return s;
        for (uint64_t k = end; k < len; k++)
            if (pad[k - end] != 0)
                return corrupt(c->err, c->r->path, c->base + k, "record %u: data padding is not zero", c->i);
    }
    if (header_only)
        return TF_OK;
    if (c->table && !c->r->data_ok[c->i]) {
        Status s = check_chunks(c->r, c->i, c->table, c->strings.size, c->data_bytes, 0,
                                trace_data_chunks(c->data_bytes), c->err);
        if (s != TF_OK)
            return s;
        c->r->data_ok[c->i] = 1;
    }
    rec->data = (const float *)(const void *)(c->r->map + c->base + c->strings.size);
    return TF_OK;
}

/* A label count must be 0 (no labels), one label set shared by every
 * sentence (dims[axis]), or, on a batched record, one set per sentence
 * (dims[0] × dims[axis]); record.h. *sets gets the number of sets. */
static Status check_label_count(RecordCursor *c, const Record *rec, int axis, uint32_t count,
                                const char *what, uint64_t field, uint32_t *sets)
{
    Record plain = *rec;
    plain.row_label_sets = plain.col_label_sets = 0;
    uint32_t per_sentence = record_label_sets(&plain, axis);
    uint64_t need = (uint64_t)per_sentence * rec->dims[axis];
    *sets = count == rec->dims[axis] ? 1 : per_sentence;
    if (count != 0 && count != need && count != rec->dims[axis])
        return corrupt(c->err, c->r->path, c->base + field,
                       "record %u: %u %ss, but dims demand %u or %llu (%u label set%s x %s=%u)", c->i,
                       count, what, rec->dims[axis], (unsigned long long)need, per_sentence,
                       per_sentence == 1 ? "" : "s", rec->dim_names[axis], rec->dims[axis]);
    return TF_OK;
}

static Status read_labels(RecordCursor *c, uint32_t count, const char *what, const char **out)
{
    for (uint32_t k = 0; k < count; k++) {
        Status s = next_string(c, STR_LABEL, what, k, &out[k]);
        if (s != TF_OK)
            return s;
    }
    return TF_OK;
}

static Status check_strings(RecordCursor *c, Record *rec, const uint32_t counts[2], uint32_t flags,
                            void **owned)
{
    Status s = next_string(c, STR_NAME, "name", -1, &rec->name);
    if (s == TF_OK)
        s = next_string(c, STR_SHORT, "kind", -1, &rec->kind);
    for (int d = 0; s == TF_OK && d < rec->ndim; d++)
        s = next_string(c, STR_SHORT, "dim name", d, &rec->dim_names[d]);
    if (s == TF_OK)
        s = next_string(c, STR_TEXT, "formula", -1, &rec->formula);
    if (s == TF_OK)
        s = next_string(c, STR_TEXT, "description", -1, &rec->description);
    if (s == TF_OK && (flags & REC_FLAG_Q_SOURCE))
        s = next_string(c, STR_NAME, "q_source", -1, &rec->q_source);
    if (s == TF_OK && (flags & REC_FLAG_KV_SOURCE))
        s = next_string(c, STR_NAME, "kv_source", -1, &rec->kv_source);
    if (s != TF_OK)
        return s;
    if (strcmp(rec->name, index_name(c->r, c->i)) != 0)
        return corrupt(c->err, c->r->path, c->base + c->strings_start,
                       "record %u is named '%s' but the index says '%s'", c->i, rec->name,
                       index_name(c->r, c->i));
    if (rec->has_positions) {
        int field = REC_QUERY_POS;
        const char *problem = trace_positions_problem(rec, &field);
        if (problem)
            return corrupt(c->err, c->r->path, c->base + (uint64_t)field, "record %u: %s", c->i, problem);
    }

    uint32_t row_sets = 1, col_sets = 1;
    if (counts[0])
        s = check_label_count(c, rec, rec->ndim - 2, counts[0], "row label", REC_ROW_LABELS, &row_sets);
    if (s == TF_OK)
        s = check_label_count(c, rec, rec->ndim - 1, counts[1], "column label", REC_COL_LABELS, &col_sets);
    rec->row_label_sets = row_sets;
    rec->col_label_sets = col_sets;
    if (s != TF_OK)
        return s;

    /* Every label takes at least 5 bytes (length + NUL): refuse counts the
     * string area cannot hold before allocating anything for them. */
    uint64_t total = (uint64_t)counts[0] + counts[1];
    if (total > byte_cursor_left(&c->strings) / 5)
        return corrupt(c->err, c->r->path, c->base + REC_ROW_LABELS,
                       "record %u: %llu labels cannot fit in %llu bytes", c->i,
                       (unsigned long long)total, (unsigned long long)byte_cursor_left(&c->strings));
    const char **labels = NULL;
    if (total > 0 && !(labels = malloc((size_t)total * sizeof *labels)))
        return error_set(c->err, TF_ERR_RUNTIME, "%s: out of memory", c->r->path);
    *owned = labels;
    if (counts[0]) {
        s = read_labels(c, counts[0], "row label", labels);
        rec->row_labels = labels;
    }
    if (s == TF_OK && counts[1]) {
        s = read_labels(c, counts[1], "column label", labels + counts[0]);
        rec->col_labels = labels + counts[0];
    }
    if (s != TF_OK)
        return s;
    /* Strings end, zero padding, data: no slack allowed. */
    if (round8(c->strings.pos) != c->strings.size)
        return corrupt(c->err, c->r->path, c->base + REC_DATA_OFFSET,
                       "record %u: data offset %llu, but the strings end at %llu", c->i,
                       (unsigned long long)c->strings.size, (unsigned long long)c->strings.pos);
    for (uint64_t k = c->strings.pos; k < c->strings.size; k++)
        if (c->p[k] != 0)
            return corrupt(c->err, c->r->path, c->base + k, "record %u: string padding is not zero", c->i);
    return TF_OK;
}

static Status fetch(const TraceReader *r, uint32_t i, bool header_only, TraceRecord *out, Error *err)
{
    memset(out, 0, sizeof *out);
    if (i >= r->count)
        return error_set(err, TF_ERR_INPUT, "%s: record %u does not exist (the trace has %u)", r->path,
                         i, r->count);
    const unsigned char *e = r->index + (size_t)i * IDX_ENTRY;
    uint64_t base = le64(e + IDX_OFFSET), len = le64(e + IDX_LENGTH);  /* checked at open */
    RecordCursor c = {.r = r, .i = i, .base = base, .err = err};
    Record rec = {0};
    uint32_t counts[2] = {0, 0}, flags = 0;
    void *owned = NULL;
    unsigned char *head = NULL;  /* header only: the description, owned by *out */

    Status s = record_head(r, i, base, len, !header_only, &c.p, &head, err);
    if (s == TF_OK)
        s = check_fixed(&c, len, &rec, counts, &flags);
    if (s == TF_OK)
        s = check_data(&c, len, header_only, &rec);
    if (s == TF_OK)
        s = check_strings(&c, &rec, counts, flags, &owned);
    if (s != TF_OK) {
        free(owned);
        free(head);
        return s;
    }
    rec.exec_index = le32(c.p + REC_EXEC_INDEX);
    out->rec = rec;
    out->index = i;
    out->owned = owned;
    out->owned_head = head;
    return TF_OK;
}

Status trace_reader_get(const TraceReader *r, uint32_t i, TraceRecord *out, Error *err)
{
    return fetch(r, i, false, out, err);
}

Status trace_reader_get_header(const TraceReader *r, uint32_t i, TraceRecord *out, Error *err)
{
    return fetch(r, i, true, out, err);
}

/* Record tr's description, bytes [0, data_offset), as its fetch read it:
 * its own copy (a header-only fetch) or the one the reader keeps. Data
 * offset and chunk table come from here rather than from the mapping,
 * whose page at the record's start would cost a fault to read them again. */
static const unsigned char *fetched_head(const TraceReader *r, const TraceRecord *tr)
{
    const unsigned char *head = tr->owned_head ? tr->owned_head : r->heads[tr->index];
    return head ? head : r->map + le64(r->index + (size_t)tr->index * IDX_ENTRY + IDX_OFFSET);
}

Status trace_reader_values(const TraceReader *r, const TraceRecord *tr, size_t first, size_t count,
                           const float **out, Error *err)
{
    *out = NULL;
    const uint32_t i = tr->index;
    const size_t numel = record_numel(&tr->rec);  /* checked when fetched */
    if (i >= r->count || first > numel || count > numel - first)
        return error_set(err, TF_ERR_RUNTIME, "%s: record %u: values %zu..%zu asked of a record of %zu",
                         r->path, i, first, first + count, numel);
    const unsigned char *e = r->index + (size_t)i * IDX_ENTRY;
    const unsigned char *p = fetched_head(r, tr);
    const uint64_t data_offset = le32(p + REC_DATA_OFFSET), bytes = (uint64_t)numel * 4;
    if (!r->data_ok[i] && r->major >= TRACE_VERSION_CHUNKED) {
        const unsigned char *table = p + (tr->rec.has_positions ? REC_FIXED_POS : REC_FIXED);
        uint64_t k0 = (uint64_t)first * 4 / TRACE_DATA_CHUNK;
        uint64_t k1 = count ? trace_data_chunks((uint64_t)(first + count) * 4) : k0;
        Status s = check_chunks(r, i, table, data_offset, bytes, k0, k1, err);
        if (s != TF_OK)
            return s;
        if (k0 == 0 && k1 == trace_data_chunks(bytes))
            r->data_ok[i] = 1;
    } else if (!r->data_ok[i]) {
        Status s = check_record_crc(r, i, p, data_offset, err);
        if (s != TF_OK)
            return s;
    }
    *out = (const float *)(const void *)(r->map + le64(e + IDX_OFFSET) + data_offset) + first;
    return TF_OK;
}

_Static_assert(TRACE_READER_CHUNK_VALUES * 4 == TRACE_DATA_CHUNK, "a chunk of values is a chunk of data");

Status trace_reader_copy_values(const TraceReader *r, const TraceRecord *tr, size_t first, size_t count,
                                float *dst, Error *err)
{
    const uint32_t i = tr->index;
    const size_t numel = record_numel(&tr->rec);  /* checked when fetched */
    const size_t chunk = TRACE_READER_CHUNK_VALUES;
    if (i >= r->count || first > numel || count > numel - first || first % chunk != 0 ||
        (count % chunk != 0 && first + count != numel))
        return error_set(err, TF_ERR_RUNTIME,
                         "%s: record %u: values %zu..%zu asked of a record of %zu, not by whole chunks", r->path,
                         i, first, first + count, numel);
    const unsigned char *e = r->index + (size_t)i * IDX_ENTRY;
    const uint64_t base = le64(e + IDX_OFFSET);
    const unsigned char *p = fetched_head(r, tr);
    const uint64_t data_offset = le32(p + REC_DATA_OFFSET), bytes = (uint64_t)numel * 4;
    Status s = read_at(r, dst, count * 4, base + data_offset + (uint64_t)first * 4, err);
    if (s != TF_OK || r->major < TRACE_VERSION_CHUNKED)
        return s;  /* before 3.x, the record's one checksum was checked when it was fetched */
    const unsigned char *table = p + (tr->rec.has_positions ? REC_FIXED_POS : REC_FIXED);
    const uint64_t k0 = first / chunk, k1 = count ? trace_data_chunks((uint64_t)(first + count) * 4) : k0;
    return check_chunks_at(r, i, table, data_offset, bytes, k0, k1, (const unsigned char *)dst, err);
}

void trace_reader_release_pages(const TraceReader *r, uint32_t i)
{
    if (i >= r->count)
        return;
    const unsigned char *e = r->index + (size_t)i * IDX_ENTRY;
    const uint64_t base = le64(e + IDX_OFFSET), len = le64(e + IDX_LENGTH);
    const long ps = sysconf(_SC_PAGESIZE);
    if (ps <= 0)
        return;
    /* Outward to whole pages: a page shared with a neighbour, the header or
     * the index is simply mapped again from the same bytes when next read
     * (the mapping is read-only, so it has no private copies to lose). */
    const uintptr_t mask = (uintptr_t)ps - 1;
    const uintptr_t lo = (uintptr_t)(r->map + base) & ~mask;
    const uintptr_t hi = ((uintptr_t)(r->map + base + len) + mask) & ~mask;
    madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void trace_record_release(TraceRecord *tr)
{
    if (!tr)
        return;
    free(tr->owned);
    free(tr->owned_head);
    memset(tr, 0, sizeof *tr);
}
