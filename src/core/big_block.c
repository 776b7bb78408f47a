/* big_block.c — zeroed float blocks, mapped with huge pages when large. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE  /* MAP_ANONYMOUS, madvise */
#endif
#include "core/big_block.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "core/checked.h"

/* From this size a block is mapped rather than calloc'd: four huge pages.
 * Below it the faults are few and a mapping per block is not worth it. */
#define BIG_BLOCK_MIN_BYTES ((size_t)8 << 20)

static size_t block_bytes(size_t numel)
{
    size_t bytes;
    return checked_mul(&bytes, numel ? numel : 1, sizeof(float)) ? bytes : SIZE_MAX;
}

float *big_block_alloc(size_t numel)
{
    size_t bytes = block_bytes(numel);
    if (bytes == SIZE_MAX)
        return NULL;
    if (bytes < BIG_BLOCK_MIN_BYTES)
        return calloc(bytes / sizeof(float), sizeof(float));
    /* An anonymous mapping reads as zeros, like calloc's memory. */
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Both are hints: on a kernel without transparent huge pages, or before
     * Linux 5.14 (MADV_POPULATE_WRITE), the block still works and its pages
     * come one fault at a time, as calloc's would. The huge-page request
     * comes first so that populating fills the block with huge pages. */
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
    (void)madvise(p, bytes, MADV_POPULATE_WRITE);
#endif
    return p;
}

void big_block_free(float *p, size_t numel)
{
    if (!p)
        return;
    size_t bytes = block_bytes(numel);
    if (bytes < BIG_BLOCK_MIN_BYTES)
        free(p);
    else
        munmap(p, bytes);
}
