/* edit_distance.h — how far apart two names are, for "did you mean". */
#ifndef TF_TEXT_EDIT_DISTANCE_H
#define TF_TEXT_EDIT_DISTANCE_H

#include <stddef.h>

/* Levenshtein distance of a and b (in bytes), or cap when it is at least
 * cap: only small distances make useful suggestions, so the work stops
 * early. Strings longer than 255 bytes count as cap. */
size_t edit_distance(const char *a, const char *b, size_t cap);

#endif
