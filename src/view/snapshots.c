/* snapshots.c — a training snapshot among the others of its family. */
#include "view/snapshots.h"

#include <string.h>

#include "trace/record_name.h"

bool snapshot_place(uint32_t n, TreeNameFn name, const void *ctx, uint32_t cur, SnapshotPlace *out)
{
    *out = (SnapshotPlace){.step = -1, .first = -1, .last = -1, .next = -1, .prev = -1, .next_step = -1,
                           .prev_step = -1};
    const char *here = cur < n ? name(ctx, cur) : NULL;
    const char *family = here ? record_name_train_family(here) : NULL;
    if (!family)
        return false;
    RecordName rn;
    record_name_parse(here, &rn);
    out->step = rn.train_step;
    for (uint32_t i = 0; i < n; i++) {
        const char *other = name(ctx, i);
        const char *f = other ? record_name_train_family(other) : NULL;
        if (!f || strcmp(f, family) != 0)
            continue;
        RecordName on;
        record_name_parse(other, &on);
        long S = on.train_step;
        out->count++;
        if (out->first < 0 || S < out->first)
            out->first = S;
        if (S > out->last)
            out->last = S;
        if (S < out->step) {
            out->index++;
            if (S > out->prev_step) {
                out->prev_step = S;
                out->prev = i;
            }
        } else if (S > out->step && (out->next_step < 0 || S < out->next_step)) {
            out->next_step = S;
            out->next = i;
        }
    }
    return true;
}

bool snapshot_any(uint32_t n, TreeNameFn name, const void *ctx)
{
    for (uint32_t i = 0; i < n; i++) {
        const char *s = name(ctx, i);
        if (s && record_name_train_family(s))
            return true;
    }
    return false;
}
