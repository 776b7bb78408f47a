/* loss.c — argmax and cross-entropy of a row of logits. */
#include "model/loss.h"

#include <math.h>

int loss_argmax(const float *x, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

double loss_cross_entropy(const float *logits, int V, int target)
{
    /* log Σ exp(x) = max + log Σ exp(x − max): no overflow, as in softmax. */
    double max = logits[0], sum = 0.0;
    for (int i = 1; i < V; i++)
        if (logits[i] > max)
            max = logits[i];
    for (int i = 0; i < V; i++)
        sum += exp((double)logits[i] - max);
    return max + log(sum) - (double)logits[target];
}
