/* numfmt_cell.h — numbers inside heatmap cells: one width per record, so the
 * columns line up and a cell never overflows.
 *
 * The decimals follow the record's largest magnitude: attention weights
 * read 0.33, LayerNorm outputs -1.27, logits 12.4, big sums 1234, beyond
 * that 1e+05. Whole-number records (token ids, masks) print no decimals;
 * −∞ prints "-inf". */
#ifndef TF_VIEW_NUMFMT_H
#define TF_VIEW_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "view/stats.h"

typedef struct {
    int decimals;   /* −1: scientific */
    int width;      /* widest value printed, in columns */
} NumberFormat;

/* The format for a record with these statistics; whole: its kind holds
 * whole numbers (record_kind_is_whole), printed without decimals. */
NumberFormat numfmt_for(const ValueStats *st, bool whole);
/* v in that format, into buf (at most f->width + 1 bytes are needed). */
int numfmt_cell(char *buf, size_t cap, float v, const NumberFormat *f);
/* v in full, for the info pane: the shortest text that reads back as v
 * ("0.3333333", "-inf"). */
void numfmt_exact(char *buf, size_t cap, float v);

#endif
