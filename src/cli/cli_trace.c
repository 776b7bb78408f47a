#include "cli/cli_trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/nearest.h"
#include "text/printable.h"

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

int cli_usage_error(const char *command, const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[1200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "traceformer %s: ", command);
    printable_fputs(msg, stderr, false);  /* it may quote an error from a file */
    const char *nl = strchr(usage, '\n');
    fprintf(stderr, "\n%.*s\nhint: `traceformer %s --help` describes the options\n",
            nl ? (int)(nl - usage) : (int)strlen(usage), usage, command);
    return 2;
}

bool cli_is_help(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

bool cli_parse_count(const char *flag, const char *s, long max, long *out)
{
    Error err;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno == ERANGE || v < 0 || v > max) {
        error_set(&err, TF_ERR_INPUT, "%s '%s': expected a whole number 0..%ld", flag, s, max);
        cli_report(&err, TF_ERR_INPUT);
        return false;
    }
    *out = v;
    return true;
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
