/* edit_distance.c — Levenshtein distance with an early exit. */
#include "text/edit_distance.h"

#include <string.h>

size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 255 || lb > 255)
        return cap;
    size_t prev[256], cur[256];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t best = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (cur[j] < best)
                best = cur[j];
        }
        /* every path through this row already costs cap or more */
        if (best >= cap)
            return cap;
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb] < cap ? prev[lb] : cap;
}
