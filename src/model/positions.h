/* positions.h — telling attention where each token stands. */
#ifndef TF_MODEL_POSITIONS_H
#define TF_MODEL_POSITIONS_H

/* pe (T, d): PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(same),
 * the table of "Attention Is All You Need" §3.5. Defined for any T, also
 * beyond the lengths a model was trained on. */
void positions_sinusoidal(float *pe, int T, int d);

#endif
