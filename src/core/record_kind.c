/* record_kind.c — the kinds of record, from the one table in record_kind.h. */
#include "core/record_kind.h"

#include <string.h>

typedef struct {
    const char *name;
    bool distribution, whole;
} KindRow;

#define KIND_ROW(id, name, distribution, whole, what) [RECORD_KIND_##id] = {name, distribution, whole},
static const KindRow kinds[RECORD_KIND_COUNT] = {
    [RECORD_KIND_UNKNOWN] = {"", false, false},
    RECORD_KINDS(KIND_ROW)
};
#undef KIND_ROW

const char *record_kind_name(RecordKind k)
{
    return (unsigned)k < RECORD_KIND_COUNT ? kinds[k].name : "";
}

RecordKind record_kind_of(const char *name)
{
    if (!name || !name[0])
        return RECORD_KIND_UNKNOWN;
    for (int k = 1; k < RECORD_KIND_COUNT; k++)
        if (strcmp(kinds[k].name, name) == 0)
            return (RecordKind)k;
    return RECORD_KIND_UNKNOWN;
}

bool record_kind_is_distribution(RecordKind k)
{
    return (unsigned)k < RECORD_KIND_COUNT && kinds[k].distribution;
}

bool record_kind_is_whole(RecordKind k)
{
    return (unsigned)k < RECORD_KIND_COUNT && kinds[k].whole;
}
