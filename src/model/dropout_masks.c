/* dropout_masks.c — where each mask of a training pass lies in its block,
 * and applying one (model/dropout_masks.h). */
#include "model/dropout_masks.h"

/* Masks of one stack: its input's and each layer's sublayers'. */
static size_t stack_masks(int layers, bool cross)
{
    return 1 + (size_t)layers * (cross ? 3 : 2);
}

size_t dropout_masks_numel(int B, int Ts, int Tt, int d, int enc_layers, int dec_layers, bool cross)
{
    const size_t enc = enc_layers > 0 ? stack_masks(enc_layers, false) * (size_t)B * (size_t)Ts * (size_t)d : 0;
    return enc + stack_masks(dec_layers, cross) * (size_t)B * (size_t)Tt * (size_t)d;
}

const float *dropout_mask(const DropoutMasks *dm, int encoder, int layer, DropSublayer k, int s)
{
    if (!dm || !dm->block)
        return NULL;
    const bool cross = !encoder && dm->cross;
    if (k == DROP_CROSS && !cross)
        return NULL;
    const int T = encoder ? dm->Ts : dm->Tt;
    const size_t one = (size_t)dm->B * (size_t)T * (size_t)dm->d;  /* (B, T, d) */
    size_t index = 0;  /* of the mask within its stack */
    if (layer >= 0) {
        const size_t in_layer = k == DROP_SELF ? 0 : k == DROP_CROSS ? 1 : (cross ? 2 : 1);
        index = 1 + (size_t)layer * (cross ? 3 : 2) + in_layer;
    }
    const size_t base = encoder ? 0
                                : (dm->enc_layers > 0 ? stack_masks(dm->enc_layers, false) * (size_t)dm->B *
                                                            (size_t)dm->Ts * (size_t)dm->d
                                                      : 0);
    return dm->block + base + index * one + (size_t)s * (size_t)T * (size_t)dm->d;
}

void dropout_apply(float *x, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] *= mask[i];
}
