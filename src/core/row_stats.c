/* row_stats.c — entropy and mean distance of attention rows (row_stats.h). */
#include "core/row_stats.h"

#include <math.h>

/* Sums of one row, value by value: the whole rule lives here. */
typedef struct {
    double h, d;
    size_t finite, skipped;
} RowSums;

static void add_value(RowSums *s, double p, double dist)
{
    if (!isfinite(p)) {
        s->skipped++;
        return;
    }
    s->finite++;
    if (p > 0.0)
        s->h -= p * log2(p);
    s->d += p * dist;
}

static void finish(const RowSums *s, RowStats *out)
{
    out->entropy_bits = s->finite ? s->h : NAN;
    out->distance = s->finite ? s->d : NAN;
    out->skipped = s->skipped;
}

void row_stats_float(const float *p, size_t n, double query_pos, double key_pos, RowStats *out)
{
    RowSums s = {0.0, 0.0, 0, 0};
    for (size_t j = 0; j < n; j++)
        add_value(&s, p[j], fabs(key_pos + (double)j - query_pos));
    finish(&s, out);
}

void row_stats_double(const double *p, size_t n, double query_pos, double key_pos, RowStats *out)
{
    RowSums s = {0.0, 0.0, 0, 0};
    for (size_t j = 0; j < n; j++)
        add_value(&s, p[j], fabs(key_pos + (double)j - query_pos));
    finish(&s, out);
}

void row_stats_page(const float *m, size_t rows, size_t cols, uint32_t query_pos, uint32_t key_pos,
                    RowStats *out)
{
    double h = 0.0, d = 0.0;
    size_t skipped = 0;
    for (size_t i = 0; i < rows; i++) {
        RowStats r;
        row_stats_float(m + i * cols, cols, (double)query_pos + (double)i, (double)key_pos, &r);
        h += r.entropy_bits;
        d += r.distance;
        skipped += r.skipped;
    }
    out->entropy_bits = rows ? h / (double)rows : NAN;
    out->distance = rows ? d / (double)rows : NAN;
    out->skipped = skipped;
}
