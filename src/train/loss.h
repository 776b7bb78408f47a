/* loss.h — the training loss: cross-entropy of the output logits against
 * the target tokens, as torch.nn.CrossEntropyLoss computes it.
 *
 * Shapes: logits (rows, V), one row per target position (rows = B·Tt for a
 * batch), targets (rows) token ids. */
#ifndef TF_TRAIN_LOSS_H
#define TF_TRAIN_LOSS_H

/* The mean over counted rows of
 *   (1 − ε)·(−log p[target]) + ε · mean over c of (−log p[c]),   p = softmax(logits row),
 * i.e. cross-entropy against the smoothed distribution (1 − ε)·one-hot + ε/V
 * (torch.nn.CrossEntropyLoss(ignore_index, label_smoothing=ε), reduction
 * 'mean'). Rows whose target is ignore_id (pass TOK_PAD, 0) count for
 * nothing: neither loss nor gradient, nor the divisor.
 *
 * *loss gets the mean (0 when no row counts; PyTorch gives NaN there, which
 * would poison a training run). probs (rows, V), when non-NULL, receives
 * softmax(logits), the dec.probs record. log-sum-exp with the row maximum
 * subtracted keeps it finite for any finite logits.
 *
 * Returns how many rows were counted, or −1 (with *loss = NaN) when a
 * target that is not ignore_id lies outside [0, V). */
int cross_entropy_forward(float *loss, float *probs, const float *logits, const int *targets,
                          int rows, int V, float smoothing, int ignore_id);

/* dlogits (rows, V) += dloss · ∂loss/∂logits, where for a counted row
 *   ∂loss/∂logits[c] = (p[c] − (1 − ε)·[c = target] − ε/V) / counted,
 * and ignored rows get nothing. dloss is the gradient arriving at the loss
 * (1 to minimise the loss itself). p is recomputed from the logits, so the
 * forward's probs need not be kept. Targets as checked by the forward. */
void cross_entropy_backward(float *dlogits, const float *logits, const int *targets, int rows,
                            int V, float smoothing, int ignore_id, float dloss);

#endif
