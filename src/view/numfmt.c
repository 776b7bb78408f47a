/* numfmt_cell.c — fixed-width numbers for cells. */
#include "view/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trace/export.h"

NumberFormat numfmt_for(const ValueStats *st, bool whole)
{
    NumberFormat f = {2, 4};
    bool neg = st->n_finite && st->min < 0;
    double m = 0.0;
    if (st->n_finite)
        m = fmax(fabs((double)st->min), fabs((double)st->max));
    if (whole) {
        int digits = 1;
        for (double t = m; t >= 10.0 && digits < 12; t /= 10.0)
            digits++;
        f.decimals = 0;
        f.width = digits + neg;
    } else if (m < 9.995) {
        f.decimals = 2;
        f.width = 4 + neg;        /* 0.33, -1.27 */
    } else if (m < 99.95) {
        f.decimals = 1;
        f.width = 4 + neg;        /* 12.4 */
    } else if (m < 9999.5) {
        f.decimals = 0;
        f.width = (m < 999.5 ? 3 : 4) + neg;
    } else {
        f.decimals = -1;
        f.width = 5 + neg;        /* 1e+05 */
    }
    if (st->n_neg_inf && f.width < 4)
        f.width = 4;              /* -inf */
    if (st->n_pos_inf && f.width < 3)
        f.width = 3;
    if (st->n_nan && f.width < 3)
        f.width = 3;
    return f;
}

int numfmt_cell(char *buf, size_t cap, float v, const NumberFormat *f)
{
    if (isnan(v))
        return snprintf(buf, cap, "nan");
    if (isinf(v))
        return snprintf(buf, cap, v < 0 ? "-inf" : "inf");
    if (f->decimals < 0)
        return snprintf(buf, cap, "%.0e", (double)v);
    int n = snprintf(buf, cap, "%.*f", f->decimals, (double)v);
    /* "-0.00" says a sign that is not there. */
    if (n > 0 && buf[0] == '-') {
        bool zero = true;
        for (int i = 1; i < n && zero; i++)
            zero = buf[i] == '0' || buf[i] == '.';
        if (zero)
            n = snprintf(buf, cap, "%.*f", f->decimals, 0.0);
    }
    return n;
}

void numfmt_exact(char *buf, size_t cap, float v)
{
    export_format_float(buf, cap, v);
}
