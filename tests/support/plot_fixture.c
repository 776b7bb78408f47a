/* plot_fixture.c — the fixture of the tests that draw (plot_fixture.h). */
#include "plot_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

PlotFixture *plot_fixture_open(const char *tag, const char *file, void (*write_trace)(const char *path))
{
    PlotFixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->s = scratch_open(tag, file);
    if (!f->s) {
        free(f);
        return NULL;
    }
    write_trace(f->s->path);
    Error err;
    if (trace_reader_open(&f->r, f->s->path, &err) != TF_OK) {
        fprintf(stderr, "%s\n", err.msg);
        scratch_close(f->s);
        free(f);
        return NULL;
    }
    const char *keep = getenv("TF_TEST_PLOT_DIR");
    const bool kept = keep && keep[0];
    snprintf(f->out, sizeof f->out, "%s%s", kept ? keep : f->s->dir, kept ? "" : "/img");
    const char *src = getenv("TF_SOURCE_DIR");
    snprintf(f->viz, sizeof f->viz, "%s/viz", src && src[0] ? src : ".");
    snprintf(f->geometry, sizeof f->geometry, "%s/geometry.txt", f->s->dir);
    plot_options_init(&f->o, f->viz, f->out);
    unsetenv("TRACEFORMER_GNUPLOT");
    unsetenv("TRACEFORMER_FONT");
    return f;
}

int plot_fixture_close(PlotFixture *f)
{
    trace_reader_close(f->r);
    int rc = scratch_close(f->s);
    free(f);
    return rc;
}

void plot_fixture_write(const char *path, Record *recs, size_t n)
{
    TraceWriter *w;
    Error err;
    if (trace_writer_open(&w, path, "test", &err) != TF_OK)
        fail_msg("open: %s", err.msg);
    for (size_t i = 0; i < n; i++) {
        recs[i].exec_index = (uint32_t)i;
        if (trace_writer_add(w, &recs[i], &err) != TF_OK)
            fail_msg("add %s: %s", recs[i].name, err.msg);
    }
    if (trace_writer_finish(w, &err) != TF_OK)
        fail_msg("finish: %s", err.msg);
}
