/* cache.h — the few records the viewer holds at once.
 *
 * The trace stays open; a record is fetched (and checked: bounds,
 * strings, checksums) only when the screen needs it, its values copied
 * into the slot that holds it, and at most VIEW_CACHE_SLOTS are held, the
 * least recently used given back first. So
 * opening a trace costs its index, and memory does not grow with the
 * trace's size however far a person steps. A fetch that fails is cached
 * too, with the reader's message, so the screen can say what was wrong. */
#ifndef TF_VIEW_CACHE_H
#define TF_VIEW_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/export.h"
#include "trace/trace.h"
#include "view/stats.h"

/* A screen needs at most: the current record, its block's mask and
 * weights, and the same name in a compared trace, with its mask. */
#define VIEW_CACHE_SLOTS 6

typedef struct {
    const TraceReader *reader;
    uint32_t index;
    bool used;
    bool ok;            /* false: err says why the record could not be read */
    TraceRecord tr;     /* when ok */
    RecordPages pg;     /* when ok: as the viewer pages it (curve_pages_of) */
    const char **axis_labels;  /* a training curve's rows labelled as FORMAT.md reads
                                  them (curve_axis_labels), owned; tr.rec's labels of
                                  that axis point here. NULL when it has its own */
    float *values;      /* (values_cap) the record's values read from the file, when ok
                           tr.rec.data points here; kept for the slot's next record */
    size_t values_cap;
    ValueStats stats;   /* of every value of the record, when ok */
    bool whole;         /* a curve's values are all whole numbers (curve_values_whole) */
    Error err;
    uint64_t last_use;
    uint64_t serial;    /* which fetch this is (RecordCache.fetches then): a record fetched
                           again, or a slot reused, gets a new one */
} CachedRecord;

typedef struct {
    CachedRecord slot[VIEW_CACHE_SLOTS];
    uint64_t clock;
    uint64_t fetches;   /* records read from the file so far (tests, bench) */
} RecordCache;

/* The record, fetched when it is not held; never NULL (a failed fetch
 * comes back with ok = false). */
const CachedRecord *cache_fetch(RecordCache *c, const TraceReader *r, uint32_t index);
/* The record when it is held, else NULL; changes nothing (for drawing). */
const CachedRecord *cache_find(const RecordCache *c, const TraceReader *r, uint32_t index);
void cache_free(RecordCache *c);

#endif
