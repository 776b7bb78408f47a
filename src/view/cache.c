/* cache.c — a handful of fetched records, least recently used out first. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE  /* madvise, MADV_HUGEPAGE */
#endif
#include "view/cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "view/curve.h"

static void drop(CachedRecord *e)
{
    if (e->used)
        trace_reader_release_pages(e->reader, e->index);
    if (e->used && e->ok)
        trace_record_release(&e->tr);
    free(e->axis_labels);
    float *values = e->values;
    size_t cap = e->values_cap;
    memset(e, 0, sizeof *e);
    e->values = values;
    e->values_cap = cap;
}

/* A slot's buffer for n values. A big one is made of 2 MiB pages where the
 * system allows it (transparent huge pages on request): its first use then
 * costs a few page faults rather than one per 4 KiB, which on a virtual
 * machine shadowing the page tables made the first fetch of an 8 MB
 * record take 40 ms instead of 2. The contents need not survive. */
#define HUGE_PAGE ((size_t)2 << 20)

static bool reserve_values(CachedRecord *e, size_t n)
{
    if (n <= e->values_cap)
        return true;
    free(e->values);
    e->values = NULL;
    e->values_cap = 0;
    size_t bytes = n * sizeof(float);  /* numel × 4 fits the file: checked when fetched */
    float *v;
    if (bytes >= HUGE_PAGE / 4) {
        bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        v = aligned_alloc(HUGE_PAGE, bytes);
#ifdef MADV_HUGEPAGE
        if (v)
            madvise(v, bytes, MADV_HUGEPAGE);  /* only a wish: without it, 4 KiB pages */
#endif
    } else {
        v = malloc(bytes);
    }
    if (!v)
        return false;
    e->values = v;
    e->values_cap = bytes / sizeof(float);
    return true;
}

/* The record's header checked and its values copied into the slot's own
 * buffer, reused from one record to the next, and checked there. Read from
 * the file into pages the process already has, 8 MB of values cost a copy
 * (0.5 to 1 ms); read through the trace's mapping they cost page faults on
 * first touch (1 to 5 ms, the larger part of a first look at such a
 * record, and more the smaller the pages the system cached the file in),
 * and stayed counted against the viewer until handed back. So what the
 * viewer holds is its few slots' buffers, each as big as the biggest
 * record it has held, whatever the size of the trace. */
static Status fetch(CachedRecord *e, const TraceReader *r, uint32_t index)
{
    Status s = trace_reader_get_header(r, index, &e->tr, &e->err);
    if (s != TF_OK)
        return s;
    const size_t n = record_numel(&e->tr.rec);
    if (!reserve_values(e, n)) {
        trace_record_release(&e->tr);
        return error_set(&e->err, TF_ERR_RUNTIME, "%s: out of memory for record %u (%zu values)",
                         trace_reader_path(r), index, n);
    }
    s = trace_reader_copy_values(r, &e->tr, 0, n, e->values, &e->err);
    if (s != TF_OK) {
        trace_record_release(&e->tr);
        return s;
    }
    e->tr.rec.data = e->values;
    return TF_OK;
}

const CachedRecord *cache_find(const RecordCache *c, const TraceReader *r, uint32_t index)
{
    for (int i = 0; i < VIEW_CACHE_SLOTS; i++)
        if (c->slot[i].used && c->slot[i].reader == r && c->slot[i].index == index)
            return &c->slot[i];
    return NULL;
}

const CachedRecord *cache_fetch(RecordCache *c, const TraceReader *r, uint32_t index)
{
    CachedRecord *e = (CachedRecord *)cache_find(c, r, index);
    if (e) {
        e->last_use = ++c->clock;
        return e;
    }
    e = &c->slot[0];
    for (int i = 0; i < VIEW_CACHE_SLOTS; i++) {
        if (!c->slot[i].used) {
            e = &c->slot[i];
            break;
        }
        if (c->slot[i].last_use < e->last_use)
            e = &c->slot[i];
    }
    drop(e);
    e->used = true;
    e->reader = r;
    e->index = index;
    e->last_use = ++c->clock;
    e->serial = ++c->fetches;
    error_clear(&e->err);
    e->ok = fetch(e, r, index) == TF_OK;
    if (e->ok) {
        curve_pages_of(&e->tr.rec, &e->pg);  /* a one-axis curve as a column */
        e->axis_labels = curve_axis_labels(r, &e->tr.rec);
        if (e->axis_labels && e->tr.rec.ndim == 1)
            e->tr.rec.col_labels = e->axis_labels;
        else if (e->axis_labels)
            e->tr.rec.row_labels = e->axis_labels;
        size_t n = record_numel(&e->tr.rec);
        stats_of(e->tr.rec.data, n, &e->stats);
        e->whole = curve_is_curve(&e->tr.rec) && curve_values_whole(e->tr.rec.data, n);
    }
    return e;
}

void cache_free(RecordCache *c)
{
    for (int i = 0; i < VIEW_CACHE_SLOTS; i++) {
        drop(&c->slot[i]);
        free(c->slot[i].values);
        c->slot[i].values = NULL;
        c->slot[i].values_cap = 0;
    }
}
