#include "cli/cli_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/nearest.h"

#include "cli/commands.h"

int cli_open_trace(const char *path, TraceReader **out)
{
    Error err;
    error_clear(&err);
    Status s = trace_reader_open(out, path, &err);
    if (s != TF_OK)
        return cli_report(&err, s);
    return 0;
}

int cli_unknown_record(const TraceReader *r, const char *name)
{
    Nearest near;
    nearest_init(&near, name);
    for (uint32_t i = 0; i < trace_reader_count(r); i++)
        nearest_offer(&near, trace_reader_name(r, i));
    Error err;
    error_set(&err, TF_ERR_INPUT, "%s: no record named '%s'", trace_reader_path(r), name);
    char list[200];
    if (nearest_join(&near, list, sizeof list) > 0) {
        error_hint(&err, "did you mean %s?", list);
    } else {
        error_hint(&err, "`traceformer ls %s` lists the records", trace_reader_path(r));
    }
    return cli_report(&err, TF_ERR_INPUT);
}
