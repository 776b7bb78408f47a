/* record.h — one named intermediate of a forward pass, as everyone sees it.
 *
 * The model describes its activation slots as Records, the trace writer
 * stores Records, the reader hands Records back (pointing into the mapped
 * file), and the viewer, plots and exporters read nothing else. It is plain
 * data: no function here allocates or frees.
 *
 * Layout of data: row-major over dims; the last two axes are the matrix a
 * person looks at (rows = queries or tokens, cols = keys or features); any
 * leading axes (batch, head) select one page of that matrix.
 *
 * Labels: token text for the row axis (ndim−2) and the column axis (ndim−1),
 * where those axes are tokens. When axis 0 is named "batch" and the labelled
 * axis is another one, every sentence has its own labels: the array holds
 * dims[0] × dims[axis] strings and the label of (b, i) is [b·dims[axis] + i]
 * — unless the record says its labels for that axis are shared by every
 * sentence (row_label_sets / col_label_sets = 1: the vocabulary axis of the
 * logits, say). Otherwise it holds dims[axis] strings. */
#ifndef TF_CORE_RECORD_H
#define TF_CORE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RECORD_MAX_DIMS 4

typedef struct Record {
    const char *name;        /* "enc.0.attn.weights", see src/trace/FORMAT.md */
    uint32_t exec_index;     /* position in execution order, from 0 */
    const char *kind;        /* tokens | activation | scores | mask | weights | probs | positions | loss */
    int ndim;                /* 1..RECORD_MAX_DIMS */
    uint32_t dims[RECORD_MAX_DIMS];
    const char *dim_names[RECORD_MAX_DIMS];  /* "batch", "head", "query", "key", "token", "model", ... */
    const float *data;       /* product(dims) float32 values */
    const char *const *row_labels;  /* NULL when the row axis is not tokens (or ndim == 1) */
    const char *const *col_labels;  /* NULL when the column axis is not tokens */
    /* Label sets of the row / column axis: 0 for the rule above (one set
     * per sentence in a batched record), 1 for one set shared by every
     * sentence. A reader always fills in the count it found. */
    uint32_t row_label_sets, col_label_sets;
    const char *formula;     /* one line, e.g. "softmax(masked)" */
    const char *description; /* one sentence for a student */
    const char *q_source;    /* attention records: record whose rows made Q, else NULL */
    const char *kv_source;   /* attention records: record whose rows made K and V, else NULL */
    /* Where the query and key axes start in their sequences: entry i of
     * the query axis is the token at position query_pos + i, entry j of
     * the key axis the one at key_pos + j. A generation step with the KV
     * cache has one query row, at position S: query_pos = S, key_pos = 0.
     * has_positions is set on records with a query or key axis (0 for the
     * position of an axis the record lacks); without it both are 0. */
    bool has_positions;
    uint32_t query_pos, key_pos;
} Record;

/* Number of values, or 0 when the dims overflow size_t. */
size_t record_numel(const Record *r);

/* How many label sets an axis has: the record's own row/col_label_sets when
 * non-zero, else dims[0] for a batched record's non-batch axis, else 1. */
uint32_t record_label_sets(const Record *r, int axis);

#endif
