/* cache.c — a handful of fetched records, least recently used out first. */
#include "view/cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "view/curve.h"

/* A fetched record's values are read (checksum, statistics) through the
 * trace's read-only mapping, which leaves their pages counted against
 * this process until it exits: stepping through a 600 MB trace would end
 * with 600 MB resident. When a record leaves the cache, its whole pages
 * are handed back; the file's pages stay in the system's page cache, and
 * a later fetch simply maps them again. So what the viewer holds is what
 * is on screen, whatever the size of the trace. */
static void release_pages(const void *data, size_t bytes)
{
    long ps = sysconf(_SC_PAGESIZE);
    if (ps <= 0 || bytes == 0)
        return;
    uintptr_t lo = ((uintptr_t)data + (uintptr_t)ps - 1) & ~((uintptr_t)ps - 1);
    uintptr_t hi = ((uintptr_t)data + bytes) & ~((uintptr_t)ps - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static void drop(CachedRecord *e)
{
    if (e->used && e->ok) {
        release_pages(e->tr.rec.data, record_numel(&e->tr.rec) * sizeof(float));
        trace_record_release(&e->tr);
    }
    free(e->axis_labels);
    memset(e, 0, sizeof *e);
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
    e->ok = trace_reader_get(r, index, &e->tr, &e->err) == TF_OK;
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
    for (int i = 0; i < VIEW_CACHE_SLOTS; i++)
        drop(&c->slot[i]);
}
