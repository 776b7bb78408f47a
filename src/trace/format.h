/* format.h — constants and helpers shared by the trace writer and reader.
 * Private to src/trace/; FORMAT.md is the specification these follow. */
#ifndef TF_TRACE_FORMAT_H
#define TF_TRACE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/record.h"
#include "io/byte_cursor.h" /* le32, put32, ... */
#include "io/crc.h"

/* Float data is handed out as pointers into the mapped file, so the host's
 * float layout must be the file's: IEEE-754 binary32, little-endian. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Traceformer trace files are little-endian and read by mmap; big-endian hosts are not supported"
#endif
#if defined(__FLOAT_WORD_ORDER__) && __FLOAT_WORD_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Traceformer trace files need little-endian float words"
#endif

#define TRACE_MAGIC "TFTRACE\0"       /* 8 bytes at offset 0 */
#define TRACE_FOOTER_MAGIC "TFTREND\0" /* 8 bytes, the file's last */
#define TRACE_RECORD_MAGIC "TREC"      /* 4 bytes at each record's start */
#define TRACE_VERSION_MAJOR 3        /* written; 1.x and 2.x are still read */
#define TRACE_VERSION_MINOR 0
#define TRACE_VERSION_MAJOR_OLDEST 1 /* the oldest major version read */
#define TRACE_VERSION_CHUNKED 3      /* from this major on: header CRC + a CRC per data chunk */

/* File header: fixed part, then meta text, NUL, zero padding to 8. */
enum {
    HDR_MAGIC = 0,       /* u8[8] */
    HDR_MAJOR = 8,       /* u16 */
    HDR_MINOR = 10,      /* u16 */
    HDR_SIZE = 12,       /* u32 whole header, multiple of 8 */
    HDR_META_LEN = 16,   /* u32 meta bytes, without the NUL */
    HDR_CRC = 20,        /* u32 CRC-32 of header bytes [0,20) then [24,HDR_SIZE) */
    HDR_FIXED = 24,      /* meta text starts here */
};

/* Record: fixed part, strings, zero padding to 8, float32 data, zero padding to 8. */
enum {
    REC_MAGIC = 0,       /* u8[4] "TREC" */
    REC_CRC = 4,         /* u32 CRC-32 of record bytes [8, data_offset) (3.x); [8, length) (1.x, 2.x) */
    REC_LENGTH = 8,      /* u64 whole record, multiple of 8 */
    REC_EXEC_INDEX = 16, /* u32 */
    REC_NDIM = 20,       /* u32 1..4 */
    REC_DIMS = 24,       /* u32[4], unused ones 0 */
    REC_ROW_LABELS = 40, /* u32 number of row labels, 0 = none */
    REC_COL_LABELS = 44, /* u32 number of column labels, 0 = none */
    REC_FLAGS = 48,      /* u32 REC_FLAG_* */
    REC_DATA_OFFSET = 52,/* u32 from the record's start, multiple of 8 */
    REC_FIXED = 56,      /* strings start here (no positions) */
    /* from 2.0, with REC_FLAG_POSITIONS: */
    REC_QUERY_POS = 56,  /* u32 position of the query axis's first entry */
    REC_KEY_POS = 60,    /* u32 position of the key axis's first entry */
    REC_FIXED_POS = 64,  /* strings start here */
    /* 3.x: the chunk table, u32[chunks], comes first after the fixed part
     * (and the positions); the strings follow it. */
};
/* 3.x: the data is checked in chunks of this many bytes (the last one
 * shorter), each with its own CRC-32 in the record's chunk table. */
#define TRACE_DATA_CHUNK ((uint64_t)65536)
#define REC_FLAG_Q_SOURCE 1u
#define REC_FLAG_KV_SOURCE 2u
#define REC_FLAG_POSITIONS 4u  /* from 2.0: query_pos and key_pos follow the fixed part */
#define REC_FLAGS_KNOWN_1 (REC_FLAG_Q_SOURCE | REC_FLAG_KV_SOURCE)
#define REC_FLAGS_KNOWN_2 (REC_FLAGS_KNOWN_1 | REC_FLAG_POSITIONS)
/* Fixed part + the smallest possible strings (5 of 5 bytes each, one of 6) + one float. */
#define REC_MIN_LENGTH 96u

/* Index entry: fixed size, so entry i is at index_offset + i * IDX_ENTRY. */
enum {
    IDX_OFFSET = 0,      /* u64 record offset in the file */
    IDX_LENGTH = 8,      /* u64 record length */
    IDX_NAME = 16,       /* char[128] name, NUL-terminated, NUL-padded */
    IDX_ENTRY = 144,
};

/* Footer: the last FTR_SIZE bytes of the file. */
enum {
    FTR_INDEX_OFFSET = 0,  /* u64 */
    FTR_INDEX_LENGTH = 8,  /* u64 = count * IDX_ENTRY */
    FTR_COUNT = 16,        /* u32 number of records */
    FTR_INDEX_CRC = 20,    /* u32 CRC-32 of the index */
    FTR_HEADER_CRC = 24,   /* u32 copy of the header's CRC */
    FTR_MAJOR = 28,        /* u16 */
    FTR_MINOR = 30,        /* u16 */
    FTR_RESERVED = 32,     /* u32 0 */
    FTR_CRC = 36,          /* u32 CRC-32 of footer bytes [0,36) */
    FTR_MAGIC = 40,        /* u8[8] "TFTREND\0" */
    FTR_SIZE = 48,
};

/* Caps on what a file may claim (and what the writer accepts). */
#define TRACE_MAX_NAME 127        /* record names, q_source, kv_source */
#define TRACE_MAX_SHORT 63        /* kind, dim names */
#define TRACE_MAX_LABEL 1023      /* one token label */
#define TRACE_MAX_TEXT 4095       /* formula, description */
#define TRACE_MAX_META (1u << 20) /* header meta text */

static inline uint64_t round8(uint64_t n) { return (n + 7) & ~(uint64_t)7; }

/* Chunks of a record's data of `bytes` bytes (≥ 1 when bytes ≥ 1). */
static inline uint64_t trace_data_chunks(uint64_t bytes)
{
    return bytes / TRACE_DATA_CHUNK + (bytes % TRACE_DATA_CHUNK != 0);
}

/* Why s[0..n) is not a valid record name (see FORMAT.md), or NULL. */
const char *trace_name_problem(const char *s, size_t n);

/* Why r's query_pos / key_pos cannot be stored (FORMAT.md: a record with
 * positions has a dim named "query" or "key"; an axis it lacks has
 * position 0; the last position of an axis fits in a u32), or NULL.
 * *field gets REC_QUERY_POS or REC_KEY_POS, the field at fault. */
const char *trace_positions_problem(const Record *r, int *field);

/* The kinds of strings a record holds, each with its cap and its rule. */
typedef enum {
    STR_NAME,   /* name, q_source, kv_source: record-name rules */
    STR_SHORT,  /* kind, dim names: text */
    STR_TEXT,   /* formula, description: text */
    STR_LABEL,  /* token labels: text */
} StrClass;

/* Longest string of the class, in bytes (without its NUL). */
uint32_t trace_string_cap(StrClass cls);
/* Why s[0..n) cannot be a string of class cls, or NULL; *at gets the
 * offset of the offending byte within s (0 when the whole string is). */
const char *trace_string_problem(StrClass cls, const char *s, size_t n, size_t *at);
/* Is s[0..n) printable ASCII (0x20..0x7e) only? Such text is valid in
 * every class but STR_NAME (within its cap), with nothing to decode: most
 * strings of a trace, its token labels above all, and a reader checks
 * every one of them (trace_string_problem's quick way, inline). */
static inline bool trace_text_plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] - 0x20u > 0x7eu - 0x20u)
            return false;
    return true;
}

/* Open-addressing table from names to indices, for duplicate checks and
 * trace_reader_find. Names are borrowed, never copied. */
typedef struct {
    uint32_t *slots;  /* (cap) index + 1, 0 = empty */
    size_t cap;       /* power of two */
    size_t used;      /* filled slots, kept below cap / 2 */
} NameTable;

bool trace_name_table_init(NameTable *t, size_t expected);
void trace_name_table_free(NameTable *t);
/* Index stored for name, or -1; name_at(ctx, i) gives the name of index i. */
long trace_name_table_find(const NameTable *t, const char *name,
                           const char *(*name_at)(const void *ctx, uint32_t i), const void *ctx);
/* Insert index i under name (absent; check with find first). Grows as
 * needed; false on out of memory. */
bool trace_name_table_insert(NameTable *t, const char *name, uint32_t i,
                             const char *(*name_at)(const void *ctx, uint32_t i), const void *ctx);

#endif
