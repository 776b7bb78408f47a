/* plot_fixture.h — the fixture of the tests that draw: a scratch
 * directory holding a trace the test writes, that trace opened, and the
 * options plot_record and its kin take, with images going to DIR/img (or
 * to $TF_TEST_PLOT_DIR, to look at them) and the gnuplot scripts read
 * from $TF_SOURCE_DIR/viz. */
#ifndef TF_TESTS_PLOT_FIXTURE_H
#define TF_TESTS_PLOT_FIXTURE_H

#include "plot/plot.h"
#include "trace/trace.h"

#include "scratch.h"

typedef struct {
    Scratch *s;
    TraceReader *r;
    char out[400];       /* where images go */
    char viz[1100];
    char geometry[400];  /* DIR/geometry.txt, for a test that asks where panels were drawn */
    PlotOptions o;
} PlotFixture;

/* A fresh fixture: "$TMPDIR/tf_<tag>_XXXXXX/<file>" written by write_trace,
 * then opened; TRACEFORMER_GNUPLOT and TRACEFORMER_FONT unset, so the
 * images are drawn the default way. NULL (saying why on stderr) when any
 * of it fails. For a cmocka setup function. */
PlotFixture *plot_fixture_open(const char *tag, const char *file, void (*write_trace)(const char *path));

/* Write recs[0..n) to path as a trace, numbered in execution order; a
 * failure fails the running test. For the fixture's write_trace. */
void plot_fixture_write(const char *path, Record *recs, size_t n);

/* Close the trace and remove the directory; 0, or -1 when it could not be removed. */
int plot_fixture_close(PlotFixture *f);

#endif
