/* masks.h — which keys a query may look at, as an additive matrix.
 *
 * A mask holds 0 where attention is allowed and −∞ where it is blocked; it
 * is added to the scaled scores before softmax. −∞ (not −1e9) makes the
 * blocked weights exactly 0 after softmax, whatever the scores are. */
#ifndef TF_MODEL_MASKS_H
#define TF_MODEL_MASKS_H

/* mask (Tq, Tk): key j is blocked when j ≥ key_len (it is <PAD>), and, when
 * causal, when j > i (it lies in query i's future). Pass key_len = Tk for
 * no padding. */
void mask_build(float *mask, int Tq, int Tk, int key_len, int causal);

#endif
