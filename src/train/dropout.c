/* dropout.c — the masks of training steps, drawn from a stream of their
 * own (train/dropout.h). */
#include "train/dropout.h"

#include <stdlib.h>
#include <string.h>

Status dropout_init(Dropout *dr, float rate, uint64_t seed, uint64_t stream, const Config *c, int B, int Ts,
                    int Tt, Error *err)
{
    memset(dr, 0, sizeof *dr);
    if (!(rate > 0 && rate < 1))
        return error_set(err, TF_ERR_INPUT, "dropout %g: give a number in (0, 1)", (double)rate);
    const bool enc_dec = c->arch == ARCH_ENCODER_DECODER;
    const int enc_layers = enc_dec ? c->enc_layers : 0;
    if (!enc_dec)
        Ts = 0;
    if (B < 1 || Tt < 1 || Ts < 0 || c->d_model < 1)
        return error_set(err, TF_ERR_INPUT, "dropout masks for %d sentences of %d + %d positions: too small", B, Ts,
                         Tt);
    dr->numel = dropout_masks_numel(B, Ts, Tt, c->d_model, enc_layers, c->dec_layers, enc_dec);
    dr->block = malloc(dr->numel * sizeof *dr->block);
    if (!dr->block)
        return error_set(err, TF_ERR_RUNTIME, "out of memory for dropout masks (%zu floats)", dr->numel);
    dr->rate = rate;
    dr->below = (uint32_t)((double)rate * 4294967296.0);
    dr->keep_scale = 1.0f / (1.0f - rate);
    for (size_t i = 0; i < dr->numel; i++)
        dr->block[i] = dr->keep_scale;
    rng_seed(&dr->rng, seed, stream);
    dr->masks = (DropoutMasks){dr->block, B, Ts, Tt, c->d_model, enc_layers, c->dec_layers, enc_dec};
    return TF_OK;
}

void dropout_draw(Dropout *dr)
{
    for (size_t i = 0; i < dr->numel; i++)
        dr->block[i] = rng_u32(&dr->rng) < dr->below ? 0.0f : dr->keep_scale;
}

void dropout_free(Dropout *dr)
{
    free(dr->block);
    memset(dr, 0, sizeof *dr);
}
