/* lesson_chart.h — [chart.NAME]: a figure of numbers the claim language
 * computes on a lesson's traces, in panels of series drawn against x
 * (lesson 9: four measures of attention against d_k, divided by √d_k and
 * not). Private to src/lesson; the format is in lessons/README.md,
 * "Charts"; viz/chart.gp draws it.
 *
 *   [chart.scaling]
 *   title = What the division does
 *   x = d_k | 4; 16; 64; 256
 *   panel = standard deviation of the scores
 *   series = divided by √d_k | std(enc.0.attn.scores@d4); ...; std(enc.0.attn.scores@d256)
 *
 * Expressions hold commas, so the values of x and of a series are
 * separated by ';'. Each value is one claim_parse_value expression. */
#ifndef TF_LESSON_LESSON_CHART_H
#define TF_LESSON_LESSON_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson/claims.h"
#include "lesson/lesson.h"
#include "plot/plot.h"

#define LESSON_MAX_CHARTS 4
#define LESSON_CHART_MAX_X 8
#define LESSON_CHART_MAX_PANELS 6
#define LESSON_CHART_MAX_SERIES 4

typedef struct {
    char label[128], label_zh[128];        /* the legend's entry */
    Claim value[LESSON_CHART_MAX_X];       /* (n_x) one expression per x */
    int n_values;
    int line;                              /* of its series = line */
} LessonChartSeries;

typedef struct {
    char title[256], title_zh[256];
    LessonChartSeries series[LESSON_CHART_MAX_SERIES];
    int n_series;
    int line;                              /* of its panel = line */
} LessonChartPanel;

typedef struct {
    char name[32];                         /* [chart.NAME]: the image is NAME.png */
    char title[256], title_zh[256];
    char x_label[64];
    double x[LESSON_CHART_MAX_X];
    int n_x;
    int x_line;
    int log_x;                             /* -1: when every x is a power of 2; 0 no; 1 yes */
    int log_y;                             /* -1: not said (no); 0 no; 1 yes: every value above 0 */
    LessonChartPanel panels[LESSON_CHART_MAX_PANELS];
    int n_panels;
    int line;                              /* of the [chart.NAME] header */
} LessonChart;

/* One key = value line of [chart.NAME] (title, title.zh, x, log_x, log_y, panel,
 * panel.zh, series, series.zh), read at `line`. false with the reason in
 * why (without file or line) when the line is refused. */
bool lesson_chart_key(LessonChart *c, const char *key, const char *value, int line, char *why, size_t cap);

/* After the whole file: the chart has a title, x, panels and series.
 * false with *line (the line at fault) and why. */
bool lesson_chart_complete(const LessonChart *c, int *line, char *why, size_t cap);

void lesson_chart_free(LessonChart *c);

/* Every value of c measured on the traces of t, into *out (its texts in
 * lang, "en" or "zh", English where there is no translation; they point
 * into c). An expression that cannot be evaluated or does not give one
 * number: TF_ERR_INPUT naming lesson.ini:LINE of its series. */
Status lesson_chart_measure(const Lesson *l, const LessonTraces *t, const LessonChart *c, const char *lang,
                            PlotChart *out, Error *err);

#endif
