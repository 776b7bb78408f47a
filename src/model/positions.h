/* positions.h — telling attention where each token stands.
 *
 * Four ways (config key `positions`), each a function of positions only:
 *   sinusoidal  a fixed vector added to each embedding (the paper, §3.5)
 *   learned     a trained vector added to each embedding (a table of max_len
 *               rows in the weights; BERT and GPT-2 do this)
 *   relative    a trained scalar per head added to each self-attention score,
 *               chosen by the bucket of the distance j − i (T5)
 *   rope        each self-attention query and key rotated, pair by pair, by
 *               an angle proportional to its position (RoFormer, LLaMA)
 * and none. Relative and rope touch self-attention only, as T5 and RoPE
 * models do: cross-attention compares a decoder position with an encoder
 * position, two sequences whose offsets mean nothing to each other. */
#ifndef TF_MODEL_POSITIONS_H
#define TF_MODEL_POSITIONS_H

/* pe (T, d): PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(same),
 * the table of "Attention Is All You Need" §3.5. Defined for any T, also
 * beyond the lengths a model was trained on. */
void positions_sinusoidal(float *pe, int T, int d);

/* The same rows for positions pos0 .. pos0 + T − 1 (a generation step needs
 * only the row of its new position). Row r equals row pos0 + r of the whole
 * table bit for bit. */
void positions_sinusoidal_rows(float *pe, int pos0, int T, int d);

/* Rotary embedding (RoFormer, Su et al. 2021), on pairs of neighbours: for
 * a vector x of width dk at position p, pair i = (x[2i], x[2i+1]) is turned
 * by the angle p·θ_i, θ_i = 10000^(−2i/dk):
 *   x'[2i]   = x[2i] cos(pθ_i) − x[2i+1] sin(pθ_i)
 *   x'[2i+1] = x[2i] sin(pθ_i) + x[2i+1] cos(pθ_i)
 * Rotations keep lengths, and q_p·k_r after rotation depends on p − r only:
 * the score sees the offset, not the place. dk must be even. */
void positions_rope_angles(float *angles /* (T, dk/2) */, int pos0, int T, int dk);
/* out (T, dk) = x (T, dk) with row r rotated for position pos0 + r; out may be x. */
void positions_rope_rotate(float *out, const float *x, int pos0, int T, int dk);

/* T5's relative position bucket of the distance rel = key − query
 * (transformers' T5Attention._relative_position_bucket): distances below
 * max_exact get a bucket each, larger ones share logarithmically wider
 * buckets up to max_distance, beyond which all fall in the last. The
 * encoder is bidirectional (half the buckets for keys after the query);
 * the decoder is causal (keys after the query, masked anyway, get 0). */
int positions_relative_bucket(int rel, int bidirectional, int num_buckets, int max_distance);

/* buckets (Tq, Tk): the bucket of key j for the query at position q0 + i. */
void positions_relative_buckets(float *buckets, int q0, int Tq, int Tk, int bidirectional, int num_buckets,
                                int max_distance);

/* bias (h, Tq, Tk)[hh][i][j] = table[buckets[i][j]][hh]: what relative
 * positions add to head hh's scores. table (num_buckets, h) is the learned
 * relative_attention_bias.weight. */
void positions_relative_bias(float *bias, const float *buckets, const float *table, int h, int Tq, int Tk);

#endif
