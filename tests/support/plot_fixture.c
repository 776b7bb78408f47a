/* plot_fixture.c — the fixture of the tests that draw (plot_fixture.h). */
#include "plot_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
