/* snapshots.h — where a training snapshot stands among the others: the
 * `}` and `{` keys on a training trace.
 *
 * A training trace (src/trace/FORMAT.md, "Training") records the probe
 * sentence every K updates: train.S.<family> for S = 0, K, 2K, ..., N
 * (record_name_train_family gives the family, "enc.0.attn.weights"). To
 * watch one matrix change over training is to step from a record to the
 * same family at the next larger S, as } steps to the same record in the
 * next layer. Steps are compared as numbers, not by place in the file, and
 * a snapshot that lacks the family is passed over.
 *
 * Pure: it reads names through a function (as the outline does, tree.h),
 * so it needs neither a trace nor a terminal. */
#ifndef TF_VIEW_SNAPSHOTS_H
#define TF_VIEW_SNAPSHOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "view/tree.h"

typedef struct {
    long step;           /* S of the record: −1 when it is no snapshot (the rest is then 0 / −1) */
    int index;           /* its place among the snapshots holding its family, from 0 */
    int count;           /* how many snapshots hold its family */
    long first, last;    /* the smallest and the largest of their S */
    long next, prev;     /* record index of the family at the next larger / smaller S, or −1 */
    long next_step, prev_step;  /* those S, or −1 */
} SnapshotPlace;

/* Where record cur (of n, named by name(ctx, i)) stands among the
 * snapshots of its family. Returns whether it is a snapshot at all. */
bool snapshot_place(uint32_t n, TreeNameFn name, const void *ctx, uint32_t cur, SnapshotPlace *out);

/* Does any of the n records belong to a training snapshot? */
bool snapshot_any(uint32_t n, TreeNameFn name, const void *ctx);

#endif
