/* nearest.c — ranking names by closeness to what was typed. */
#include "text/nearest.h"

#include <stdio.h>
#include <string.h>

#include "text/edit_distance.h"

void nearest_init(Nearest *n, const char *typed)
{
    memset(n, 0, sizeof *n);
    n->typed = typed;
    n->cap = 2 + strlen(typed) / 3;  /* about one typo per three letters */
}

/* 0: cand contains what was typed; else 1 + the edit distance (cap + 1
 * or more: too far). */
static size_t closeness(const char *typed, const char *cand, size_t cap)
{
    if (typed[0] && strstr(cand, typed))
        return 0;
    return 1 + edit_distance(typed, cand, cap);
}

void nearest_offer(Nearest *n, const char *cand)
{
    const size_t s = closeness(n->typed, cand, n->cap);
    if (s > n->cap)
        return;
    /* Insert in order, after every kept name as close; drop the farthest
     * when full. */
    size_t k = n->n < NEAREST_MAX ? n->n++ : NEAREST_MAX;
    while (k > 0 && n->score[k - 1] > s) {
        if (k < NEAREST_MAX) {
            n->name[k] = n->name[k - 1];
            n->score[k] = n->score[k - 1];
        }
        k--;
    }
    if (k < NEAREST_MAX) {
        n->name[k] = cand;
        n->score[k] = s;
    }
}

size_t nearest_join(const Nearest *n, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap == 0)
        return n->n;
    buf[0] = '\0';
    for (size_t k = 0; k < n->n && len < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", n->name[k]);
    return n->n;
}
