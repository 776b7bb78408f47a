/* big_block.h — the large zeroed float blocks a model lives in: its weights
 * (Weights.block) and a pass's activations (Activations.arena).
 *
 * At the base size these are 176 MB and 41 MB, and touching them for the
 * first time was a third of a cold `traceformer run`: one page fault per
 * 4 KiB page, some 54 000 of them, each a trip through the kernel. A big
 * block is mapped on its own, asks for transparent huge pages (2 MiB, a
 * 512th of the faults) and is populated in one call, so the first pass
 * writes to memory that is already there. Small blocks stay with calloc.
 * Either way the block is zeroed and must be given back with its size. */
#ifndef TF_CORE_BIG_BLOCK_H
#define TF_CORE_BIG_BLOCK_H

#include <stddef.h>

/* numel zeroed floats (at least one); NULL when memory is short or
 * numel × sizeof(float) overflows. */
float *big_block_alloc(size_t numel);

/* Gives back a block of numel floats from big_block_alloc; NULL is ignored. */
void big_block_free(float *p, size_t numel);

#endif
