/* export.h — a Record as files other programs read: .npy, .csv, gnuplot .dat.
 *
 * Also the one place that says how a record reads as pages of a matrix
 * (record.h: the last two axes are the matrix, leading axes select a page),
 * which `traceformer show` uses too, so the text a person reads and the
 * files they export always agree.
 *
 *   .npy  float32 array with the record's full shape (numpy.load)
 *   .csv  one block per page ("# head 0" line before each when the record
 *         has leading axes, blank line between pages); a header row of
 *         column labels when there are any; the first column holds the row
 *         labels when there are any; RFC 4180 quoting; LF line ends;
 *         values in the shortest form that reads back exactly; -inf as "-inf"
 *   .dat  '#' comment lines (name, shape, labels), then one line per row,
 *         values separated by spaces; pages separated by two blank lines,
 *         so gnuplot's `plot 'f.dat' index N matrix with image` shows page N.
 *         A record of kind weights or probs has a "# row entropy: H" line
 *         per page, H its rows' mean entropy in bits (core/row_stats.h),
 *         which the plots print rather than compute it again. Each page
 *         has a "# values: min A max B nonfinite N neginf K whole W" line:
 *         its smallest and largest finite value, how many values are not
 *         finite and how many of those are -inf, and W 1 when the finite
 *         ones are all whole numbers (the scripts read these rather than
 *         pass over the page to find them).
 *
 * Files are named after the record (enc.0.attn.weights.npy) and written
 * atomically (temporary name, then rename). */
#ifndef TF_TRACE_EXPORT_H
#define TF_TRACE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/record.h"

typedef enum { EXPORT_NPY, EXPORT_CSV, EXPORT_DAT } ExportFormat;

/* "npy", "csv" or "dat"; false for anything else. */
bool export_format_parse(const char *s, ExportFormat *out);

/* dir/NAME.EXT into buf; refuses names that are not record names (so no
 * '/', no leading '.') and paths longer than cap. */
Status export_path(char *buf, size_t cap, const char *dir, const char *name, ExportFormat f,
                   Error *err);

/* Write r to path in format f, atomically. */
Status export_record(const Record *r, ExportFormat f, const char *path, Error *err);

/* The text formats to any stream (tests, pipes); false on a write error. */
bool export_write_csv(FILE *out, const Record *r);
bool export_write_dat(FILE *out, const Record *r);
/* Pages first .. first+count-1 only (what a figure draws), after a
 * "# pages in this file: F to L" line when that is not all of them; the
 * header (name, shape, page count) is the whole record's. */
bool export_write_dat_pages(FILE *out, const Record *r, size_t first, size_t count);

/* ---- a record as pages of a matrix ---- */

typedef struct {
    size_t pages;      /* how many matrices (product of the leading axes; 1 when none) */
    size_t rows, cols; /* of each page */
    int row_axis;      /* axis of the rows, -1 for a 1-D record (one row) */
    int col_axis;      /* axis of the columns */
    bool paged;        /* the record has leading axes: pages get titles */
    bool batch_rows;   /* 2-D [batch, x] with per-sentence column labels:
                          each sentence is its own one-row page */
} RecordPages;

void export_pages_of(const Record *r, RecordPages *pg);
/* (rows, cols) values of one page. */
const float *export_pages_data(const Record *r, const RecordPages *pg, size_t page);
/* Token labels of one page's row or column; NULL when that axis has none. */
const char *export_pages_row_label(const Record *r, const RecordPages *pg, size_t page, size_t row);
const char *export_pages_col_label(const Record *r, const RecordPages *pg, size_t page, size_t col);
/* Index along leading axis `axis` (0 .. row_axis-1) of a page. */
uint32_t export_pages_coord(const Record *r, const RecordPages *pg, size_t page, int axis);
/* "head 2" or "batch 1, head 0"; "" when the record is not paged. */
void export_pages_title(const Record *r, const RecordPages *pg, size_t page, char *buf, size_t cap);

/* "[head=4, query=3, key=3]" */
void export_shape_text(const Record *r, char *buf, size_t cap);
/* Shortest decimal that reads back as exactly v (the fewest significant
 * digits whose %.*g does; below a million written out: 100, not 1e+02);
 * "-inf", "inf", "nan". At most EXPORT_FLOAT_MAX bytes with the '\0'. */
#define EXPORT_FLOAT_MAX 24
void export_format_float(char *buf, size_t cap, float v);

#endif
