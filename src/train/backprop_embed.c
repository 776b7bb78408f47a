/* backprop_embed.c — the bottom of a stack backwards: input = E[ids]·√d + P.
 *
 * Which positions have a gradient here: learned ones (a trained row per
 * position, added to the embedding). Sinusoidal tables are constants;
 * relative bias and rope act inside self-attention (backprop_attention.c);
 * none has nothing. */
#include <stddef.h>

#include "core/backward.h"
#include "train/backprop_internal.h"

void embed_backward(float *dtable, float *dpos_table, const float *dinput, const int *ids, int T, int d)
{
    /* input (T, d) = embed + pos: the sum hands dinput to both. */
    embedding_backward(dtable, dinput, ids, T, d);
    if (dpos_table)  /* row t of the table is position t's (q0 = 0 in a whole pass) */
        add_backward(dpos_table, NULL, dinput, (size_t)T * d);
}
