/* model_view.h — the model view's data (private to src/plot/): every
 * layer's attention weights of one kind of block, gathered into one record
 * [layer, head, query, key] that viz/modelview.gp draws as a grid, a row
 * per layer and a column per head, on one colour scale. */
#ifndef TF_PLOT_MODEL_VIEW_H
#define TF_PLOT_MODEL_VIEW_H

#include <stdint.h>

#include "core/error.h"
#include "core/record.h"
#include "trace/trace.h"

/* The kinds of attention block, by the names --block takes. */
typedef struct {
    const char *block;    /* "enc", "dec.self", "dec.cross" */
    const char *stack;    /* the weights of layer L are STACK.L.SUFFIX: "dec" */
    const char *suffix;   /* "cross_attn.weights" */
    const char *family;   /* the same with L written as "L": "dec.L.cross_attn.weights" */
} ModelViewBlock;

/* The block named `asked` ("enc", "dec.self", "dec.cross"), or, when asked
 * is NULL, the default for r: dec.cross in an encoder-decoder trace,
 * dec.self in a decoder-only one, enc when there is only an encoder.
 * TF_ERR_INPUT when r lacks it (the message names the blocks r has), when
 * asked is none of the three, and when r has attention weights only as
 * generation steps (gen.S.*; the hint says how to get teacher-forced ones). */
Status model_view_block(const TraceReader *r, const char *asked, const ModelViewBlock **out, Error *err);

/* The blocks r has, "enc, dec.self, dec.cross" (those it has), into buf. */
void model_view_blocks_of(const TraceReader *r, char *buf, size_t cap);

typedef struct {
    Record rec;        /* [layer, head, query, key], kind weights */
    Record mask;       /* [query, key] 0 / -inf, the block's mask; mask.data NULL when none */
    float *data, *mask_data;
    char **labels;     /* query labels, then key labels (owned) */
    const char **row_ptrs, **col_ptrs;
    char name[96], formula[200], sentence[400];
    uint32_t layers, heads, queries, keys;
} ModelView;

/* Gather block b's weights of sentence `batch` from every layer of r
 * (layers 0, 1, ... while they are there). Every layer must have the
 * same heads, queries and keys, and the same mask (TF_ERR_INPUT else);
 * batch out of range is TF_ERR_INPUT. */
Status model_view_build(const TraceReader *r, const ModelViewBlock *b, int batch, ModelView *mv, Error *err);
void model_view_free(ModelView *mv);

#endif
