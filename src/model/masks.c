/* masks.c — causal and padding masks, alone or combined. */
#include "model/masks.h"

#include <math.h>

void mask_build(float *mask, int Tq, int Tk, int key_len, int causal)
{
    for (int i = 0; i < Tq; i++)
        for (int j = 0; j < Tk; j++) {
            int blocked = j >= key_len || (causal && j > i);
            mask[i * Tk + j] = blocked ? -INFINITY : 0.0f;
        }
}
