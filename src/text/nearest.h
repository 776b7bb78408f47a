/* nearest.h — the few names closest to what a person typed, for
 * "did you mean" hints.
 *
 * A name that contains what was typed ranks first (they typed part of
 * it), then names within a small edit distance: at most about one typo
 * per three letters typed. Ties keep the order the names were offered in
 * (for a trace, the earliest record first). */
#ifndef TF_TEXT_NEAREST_H
#define TF_TEXT_NEAREST_H

#include <stddef.h>

#define NEAREST_MAX 5

typedef struct {
    const char *typed;
    size_t cap;                       /* the largest closeness kept */
    const char *name[NEAREST_MAX];    /* nearest first; the strings are the caller's */
    size_t score[NEAREST_MAX];
    size_t n;
} Nearest;

void nearest_init(Nearest *n, const char *typed);

/* Offer one candidate; it is kept when near enough and among the closest
 * NEAREST_MAX so far. cand must outlive n. */
void nearest_offer(Nearest *n, const char *cand);

/* The kept names as "a, b, c" in buf (cap bytes, NUL-terminated, cut
 * short when it does not fit). Returns how many names there are. */
size_t nearest_join(const Nearest *n, char *buf, size_t cap);

#endif
