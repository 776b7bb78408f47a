/* checked.h — size arithmetic that refuses to overflow.
 *
 * Sizes read from files or flags are multiplied through these before any
 * allocation or bounds check (stb_image's mul2sizes_valid idea). */
#ifndef TF_CORE_CHECKED_H
#define TF_CORE_CHECKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* *out = a * b; false (and *out untouched) when it would overflow. */
static inline bool checked_mul(size_t *out, size_t a, size_t b)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

static inline bool checked_add(size_t *out, size_t a, size_t b)
{
    if (b > SIZE_MAX - a)
        return false;
    *out = a + b;
    return true;
}

/* The same for 64-bit file offsets, whatever size_t is. */
static inline bool checked_add_u64(uint64_t *out, uint64_t a, uint64_t b)
{
    if (b > UINT64_MAX - a)
        return false;
    *out = a + b;
    return true;
}

#endif
