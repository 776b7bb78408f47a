/* tree.h — the steps pane's outline: records grouped by their names.
 *
 * Record names are hierarchical (FORMAT.md): stack.layer.block.record, as
 * enc.0.attn.weights. The tree groups *consecutive* records that share a
 * prefix, so execution order is kept exactly: reading the leaves top to
 * bottom is reading the trace in order. A group that would hold a single
 * child is not shown (src.tokens stands alone rather than under "src").
 *
 *   enc                       stack
 *     embed  pos  input
 *     enc.0   (layer 0)       layer
 *       attn                  block
 *         q k v raw ...       records
 *       resid_mid ln1
 *       ffn
 *         hidden out
 *
 * Built from the names in the trace's index only (no record is read), in
 * one pass. Groups fold and unfold; the visible rows are a list of nodes. */
#ifndef TF_VIEW_TREE_H
#define TF_VIEW_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define TREE_NONE UINT32_MAX

typedef struct {
    uint32_t first;      /* the record (a leaf), or the group's first record */
    uint32_t count;      /* records under this node (1 for a leaf) */
    uint32_t end;        /* index of the first node after this node's subtree */
    uint32_t parent;     /* TREE_NONE at the top */
    uint16_t depth;
    uint16_t label_off;  /* the label is name(first)[label_off, label_end) */
    uint16_t label_end;
    bool group;
    bool collapsed;
} TreeNode;

typedef struct {
    TreeNode *nodes;     /* (n_nodes) pre-order */
    uint32_t n_nodes;
    uint32_t *rec_node;  /* (n_records) the leaf of each record */
    uint32_t n_records;
    uint32_t *visible;   /* (n_visible) node indices of the rows shown, ascending */
    uint32_t n_visible;
} StepTree;

typedef const char *(*TreeNameFn)(const void *ctx, uint32_t i);

/* Build the tree of n records whose names name(ctx, i) gives. Every group
 * starts unfolded. */
Status tree_build(StepTree *t, uint32_t n, TreeNameFn name, const void *ctx, Error *err);
void tree_free(StepTree *t);

/* Fold or unfold one group (leaves ignored); recomputes the visible rows. */
void tree_toggle(StepTree *t, uint32_t node);
/* Unfold every group. */
void tree_expand_all(StepTree *t);
/* Fold every group below the top level that does not hold record rec, and
 * unfold those that do: the outline around the current step. */
void tree_follow(StepTree *t, uint32_t rec);

/* The visible row that shows record rec: its own row, or the row of its
 * outermost folded group. */
uint32_t tree_row_of_record(const StepTree *t, uint32_t rec);
/* The visible row of node k, or of its outermost folded ancestor. */
uint32_t tree_row_of_node(const StepTree *t, uint32_t k);
/* The label of node k into buf: a record's name below its group's prefix
 * ("weights", or "src.tokens" at the top); a group's own part, with a
 * layer number spelt out ("layer 0"). */
void tree_label(const StepTree *t, uint32_t k, TreeNameFn name, const void *ctx, char *buf, size_t cap);

#endif
