/* cmd_ls.c — `traceformer ls TRACE`: one line per record, in execution
 * order: index, name, shape with dim names. Each record is fetched (and so
 * checked, checksum included), which makes ls a quick integrity check too. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/cli_trace.h"
#include "cli/commands.h"
#include "trace/export.h"

static const char usage[] =
    "usage: traceformer ls TRACE\n"
    "\n"
    "List the records of a trace, in execution order: index, name, and shape\n"
    "with the name of every axis, e.g.\n"
    "    12  enc.0.attn.weights  [head=4, query=3, key=3]\n"
    "\n"
    "exit codes: 0 success, 1 runtime failure, 2 bad usage or a bad trace file\n";

static int digits(uint32_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

int cmd_ls(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            static const char *const options[] = {"help"};
            return cli_unknown_option("ls", usage, argv[i], options, 1, NULL, 0);
        }
        if (path) {
            return cli_usage_error("ls", usage, "one TRACE only ('%s' is extra)", argv[i]);
        }
        path = argv[i];
    }
    if (!path) {
        return cli_usage_error("ls", usage, "missing TRACE");
    }

    TraceReader *r;
    int code = cli_open_trace(path, &r);
    if (code)
        return code;
    uint32_t n = trace_reader_count(r);
    /* Column widths from the index alone, so lines can stream out. */
    int index_w = n ? digits(n - 1) : 1, name_w = 0;
    if (index_w < 4)
        index_w = 4;
    for (uint32_t i = 0; i < n; i++) {
        int len = (int)strlen(trace_reader_name(r, i));
        if (len > name_w)
            name_w = len;
    }
    for (uint32_t i = 0; i < n && code == 0; i++) {
        TraceRecord tr;
        Error err;
        Status s = trace_reader_get(r, i, &tr, &err);
        if (s != TF_OK) {
            fflush(stdout);
            code = cli_report(&err, s);
            break;
        }
        char shape[160];
        export_shape_text(&tr.rec, shape, sizeof shape);
        printf("%*u  %-*s  %s\n", index_w, i, name_w, tr.rec.name, shape);
        trace_record_release(&tr);
    }
    trace_reader_close(r);
    if (code == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "traceformer: ls: cannot write to standard output\n");
        return 1;
    }
    return code;
}
