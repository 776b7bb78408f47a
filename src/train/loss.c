/* loss.c — cross-entropy with <PAD> targets ignored and label smoothing. */
#include "train/loss.h"

#include <math.h>
#include <stddef.h>

#include "model/loss.h"

static int count_targets(const int *targets, int rows, int V, int ignore_id)
{
    int counted = 0;
    for (int r = 0; r < rows; r++) {
        if (targets[r] == ignore_id)
            continue;
        if (targets[r] < 0 || targets[r] >= V)
            return -1;
        counted++;
    }
    return counted;
}

int cross_entropy_forward(float *loss, float *probs, const float *logits, const int *targets,
                          int rows, int V, float smoothing, int ignore_id)
{
    int counted = count_targets(targets, rows, V, ignore_id);
    if (counted < 0) {
        *loss = NAN;
        return -1;
    }

    double total = 0.0;
    for (int r = 0; r < rows; r++) {
        const float *row = logits + (size_t)r * V;   /* (V) */
        double lse = loss_log_sum_exp(row, V);
        if (probs)
            for (int c = 0; c < V; c++)
                probs[(size_t)r * V + c] = (float)exp((double)row[c] - lse);
        if (targets[r] == ignore_id)
            continue;

        /* −log p[c] = lse − x[c]. The smoothing term's mean over c is
         * lse − mean(x), one pass instead of V logarithms. */
        double nll = lse - row[targets[r]];
        double mean_x = 0.0;
        for (int c = 0; c < V; c++)
            mean_x += row[c];
        mean_x /= V;
        total += (1.0 - smoothing) * nll + smoothing * (lse - mean_x);
    }
    *loss = counted ? (float)(total / counted) : 0.0f;
    return counted;
}

void cross_entropy_backward(float *dlogits, const float *logits, const int *targets, int rows,
                            int V, float smoothing, int ignore_id, float dloss)
{
    int counted = count_targets(targets, rows, V, ignore_id);
    if (counted <= 0)
        return;
    /* The mean divides every counted row by the same count. */
    const double g = (double)dloss / counted;
    const double uniform = (double)smoothing / V;

    for (int r = 0; r < rows; r++) {
        if (targets[r] == ignore_id)
            continue;
        const float *row = logits + (size_t)r * V;   /* (V) */
        float *drow = dlogits + (size_t)r * V;       /* (V) */
        double lse = loss_log_sum_exp(row, V);
        /* softmax minus the smoothed target distribution: the familiar
         * "p − one-hot" when ε = 0. */
        for (int c = 0; c < V; c++) {
            double want = uniform + (c == targets[r] ? 1.0 - smoothing : 0.0);
            drow[c] = (float)(drow[c] + g * (exp((double)row[c] - lse) - want));
        }
    }
}
