/* plot_chart.c — the table of a chart (plot.h PlotChart) as viz/chart.gp
 * reads it: the format is at the top of that script. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/plot_data.h"

void plot_data_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            fputc(' ', f);
        else if (c == '"')
            fputs("\xe2\x80\x9d", f);
        else if (c == '\\')
            fputs("\\\\", f);
        else
            fputc(c, f);
    }
    fputc('\n', f);
}

static void put_value(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", f);
    else
        fprintf(f, "%.9g", v);
}

Status plot_chart_check(const PlotChart *c, Error *err)
{
    if (!c->name || !c->name[0] || strlen(c->name) > 64)
        return error_set(err, TF_ERR_INPUT, "chart: a name of 1 to 64 bytes");
    for (const char *p = c->name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-'))
            return error_set(err, TF_ERR_INPUT, "chart '%s': a name is letters, digits, '_' and '-'", c->name);
    if (c->n_x < 1 || c->n_x > PLOT_CHART_MAX_X)
        return error_set(err, TF_ERR_INPUT, "chart %s: %d x values, expected 1 to %d", c->name, c->n_x,
                         PLOT_CHART_MAX_X);
    for (int i = 0; i < c->n_x; i++) {
        if (!isfinite(c->x[i]) || (i > 0 && !(c->x[i] > c->x[i - 1])))
            return error_set(err, TF_ERR_INPUT, "chart %s: the x values must be finite and increase", c->name);
        if (c->log_x && !(c->x[i] > 0))
            return error_set(err, TF_ERR_INPUT, "chart %s: a log x axis, but x = %g", c->name, c->x[i]);
    }
    if (c->n_panels < 1 || c->n_panels > PLOT_CHART_MAX_PANELS)
        return error_set(err, TF_ERR_INPUT, "chart %s: %d panels, expected 1 to %d", c->name, c->n_panels,
                         PLOT_CHART_MAX_PANELS);
    for (int p = 0; p < c->n_panels; p++) {
        if (c->panels[p].n_series < 1 || c->panels[p].n_series > PLOT_CHART_MAX_SERIES)
            return error_set(err, TF_ERR_INPUT, "chart %s: panel %d has %d series, expected 1 to %d", c->name,
                             p + 1, c->panels[p].n_series, PLOT_CHART_MAX_SERIES);
        for (int s = 0; c->log_y && s < c->panels[p].n_series; s++)
            for (int i = 0; i < c->n_x; i++)
                if (!(c->panels[p].series[s].y[i] > 0) && !isnan(c->panels[p].series[s].y[i]))
                    return error_set(err, TF_ERR_INPUT, "chart %s: a log y axis, but panel %d, series %d has %g",
                                     c->name, p + 1, s + 1, c->panels[p].series[s].y[i]);
    }
    return TF_OK;
}

bool plot_write_chart(FILE *f, const PlotChart *c)
{
    fprintf(f, "# chart: %s\n# x: ", c->name);
    plot_data_text(f, c->x_label ? c->x_label : "x");
    fprintf(f, "# log_x: %d\n# log_y: %d\n# panels: %d\n", c->log_x ? 1 : 0, c->log_y ? 1 : 0, c->n_panels);
    for (int p = 0; p < c->n_panels; p++) {
        fprintf(f, "# panel %d: ", p + 1);
        plot_data_text(f, c->panels[p].title);
        for (int s = 0; s < c->panels[p].n_series; s++) {
            fprintf(f, "# series %d %d: ", p + 1, s + 1);
            plot_data_text(f, c->panels[p].series[s].label);
        }
    }
    /* one block per series, in the order of the header: X VALUE */
    for (int p = 0; p < c->n_panels; p++)
        for (int s = 0; s < c->panels[p].n_series; s++) {
            fprintf(f, "%s# block: panel %d, series %d\n", p + s ? "\n\n" : "", p + 1, s + 1);
            for (int i = 0; i < c->n_x; i++) {
                put_value(f, c->x[i]);
                fputc(' ', f);
                put_value(f, c->panels[p].series[s].y[i]);
                fputc('\n', f);
            }
        }
    return !ferror(f);
}
