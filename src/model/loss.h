/* loss.h — what a decoder row predicts, and how wrong it is (teacher forcing). */
#ifndef TF_MODEL_LOSS_H
#define TF_MODEL_LOSS_H

/* The index of the largest of x[0..n), the first on ties (what greedy
 * decoding picks). */
int loss_argmax(const float *x, int n);

/* log Σ exp(x[i]) over x[0..n), in double, with the maximum subtracted
 * first so that no exp overflows. */
double loss_log_sum_exp(const float *x, int n);

/* Cross-entropy of one row of logits (V) against the target id:
 * −log softmax(logits)[target] = logsumexp(logits) − logits[target],
 * computed in double from the logits (not from the float probabilities,
 * whose tiny entries round to 0 and would give an infinite loss). */
double loss_cross_entropy(const float *logits, int V, int target);

#endif
