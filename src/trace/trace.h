/* trace.h — writing and reading trace files (format: FORMAT.md beside this).
 *
 * Writer: records are appended as they are produced (streaming), to a
 * temporary file in the destination's directory; trace_writer_finish writes
 * the index and footer and renames it into place. On any failure, or when
 * trace_writer_abort is called, the temporary file is removed: a trace file
 * either exists complete or not at all.
 *
 * Reader: maps the file, checks the footer, the header and the index (every
 * offset and length against the file size) in time independent of the
 * file's size, and checks each record (bounds, strings, checksum) when it
 * is fetched. A record's data may be checked apart from the rest of it, a
 * chunk at a time (3.x files), so that listing records or looking at one
 * page of a big one never reads all of its values. Every rejection names
 * the byte offset and what was wrong. */
#ifndef TF_TRACE_TRACE_H
#define TF_TRACE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/record.h"

typedef struct TraceWriter TraceWriter;
typedef struct TraceReader TraceReader;

/* meta: free-form "key = value" lines (program version, configuration,
 * command line) stored in the header; may be NULL. */
Status trace_writer_open(TraceWriter **out, const char *path, const char *meta, Error *err);
Status trace_writer_add(TraceWriter *w, const Record *rec, Error *err);
/* Bytes written so far (records only). */
uint64_t trace_writer_bytes(const TraceWriter *w);
Status trace_writer_finish(TraceWriter *w, Error *err);  /* frees w */
void trace_writer_abort(TraceWriter *w);                  /* frees w, removes the temp file */

Status trace_reader_open(TraceReader **out, const char *path, Error *err);
void trace_reader_close(TraceReader *r);
uint32_t trace_reader_count(const TraceReader *r);
const char *trace_reader_meta(const TraceReader *r);  /* NUL-terminated, never NULL */
const char *trace_reader_path(const TraceReader *r);

/* A record fetched from a reader. Its strings point into a copy of the
 * record's description (everything before its data, read from the file),
 * its data into the mapping; the label arrays are allocated and released
 * by trace_record_release. How long the strings live depends on the
 * fetch (below). rec.data is 4-byte aligned. A reader fetches for one
 * thread at a time. */
typedef struct {
    Record rec;
    uint32_t index;   /* which record of the reader */
    void *owned;      /* private */
    void *owned_head; /* private */
} TraceRecord;

/* Fetch record i (0-based, in file order = execution order), checking its
 * bounds, structure and checksums, those of all its data included. Its
 * strings stay valid until the reader is closed, released or not. */
Status trace_reader_get(const TraceReader *r, uint32_t i, TraceRecord *out, Error *err);
/* The same without the data's checksums: rec.data is NULL, and
 * trace_reader_values checks and hands out the values a caller reads.
 * (Files before 3.0 have one checksum for a whole record: it is checked
 * here, as by trace_reader_get.) Its strings and labels are valid until
 * trace_record_release (or, once the record has been fetched whole, until
 * the reader is closed): listing a trace holds one description at a time. */
Status trace_reader_get_header(const TraceReader *r, uint32_t i, TraceRecord *out, Error *err);
/* Values [first, first + count) of a record fetched from r (row-major over
 * its dims), once the checksums of the chunks holding them pass: *out
 * points into the mapping. A record's data is checked once per reader. */
Status trace_reader_values(const TraceReader *r, const TraceRecord *tr, size_t first, size_t count,
                           const float **out, Error *err);
/* The same values copied into dst[0, count), read from the file rather
 * than the mapping and checked as copied, every time: what passed the
 * checksums is what the caller holds, and none of the mapping's pages is
 * touched (in a mapping, each page costs a fault the first time and stays
 * counted against the process; a viewer fetching 8 MB records pays more
 * for those than for the reading). first and first + count lie on the
 * data's chunks: multiples of TRACE_READER_CHUNK_VALUES, or the record's
 * end. Calls on the same reader may run on several threads at once. (A
 * file before 3.0 has one checksum per record, checked through the mapping
 * when the record is fetched; its copies are not checked again.) */
#define TRACE_READER_CHUNK_VALUES ((size_t)16384)  /* 64 KiB of float32 */
Status trace_reader_copy_values(const TraceReader *r, const TraceRecord *tr, size_t first, size_t count,
                                float *dst, Error *err);
/* Hands back the pages of record i's part of the mapping (and those it
 * shares with its neighbours): fetching a record reads its header there,
 * and the system maps the pages around it too, which stay counted against
 * the process until handed back. They stay in the system's page cache; a
 * later read maps them again. */
void trace_reader_release_pages(const TraceReader *r, uint32_t i);
void trace_record_release(TraceRecord *tr);

/* Index of the record with this exact name, or −1. Checks records' names
 * from the index only (names are stored in the index). */
long trace_reader_find(const TraceReader *r, const char *name);
/* Name of record i from the index (validated at open), NUL-terminated. */
const char *trace_reader_name(const TraceReader *r, uint32_t i);

#endif
