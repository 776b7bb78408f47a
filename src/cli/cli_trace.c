#include "cli/cli_trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/edit_distance.h"

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
    fprintf(stderr, "traceformer %s: ", command);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
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

#define MAX_SUGGESTIONS 5

/* Closeness of a candidate to what was typed: a name containing it (the
 * user typed part of it) ranks first, then small edit distances. */
static size_t closeness(const char *typed, const char *cand, size_t cap)
{
    if (typed[0] && strstr(cand, typed))
        return 0;
    return 1 + edit_distance(typed, cand, cap);
}

int cli_unknown_record(const TraceReader *r, const char *name)
{
    size_t typed_len = strlen(name);
    size_t cap = 2 + typed_len / 3;  /* allow about one typo per three letters */
    uint32_t best[MAX_SUGGESTIONS];
    size_t score[MAX_SUGGESTIONS], n = 0;
    for (uint32_t i = 0; i < trace_reader_count(r); i++) {
        size_t s = closeness(name, trace_reader_name(r, i), cap);
        if (s > cap)
            continue;
        /* Insert in order; keep the first (earliest in the trace) on ties. */
        size_t k = n < MAX_SUGGESTIONS ? n++ : MAX_SUGGESTIONS;
        while (k > 0 && score[k - 1] > s) {
            if (k < MAX_SUGGESTIONS) {
                best[k] = best[k - 1];
                score[k] = score[k - 1];
            }
            k--;
        }
        if (k < MAX_SUGGESTIONS) {
            best[k] = i;
            score[k] = s;
        }
    }
    Error err;
    error_set(&err, TF_ERR_INPUT, "%s: no record named '%s'", trace_reader_path(r), name);
    if (n > 0) {
        char list[200] = "";
        size_t len = 0;
        for (size_t k = 0; k < n && len < sizeof list; k++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "",
                                    trace_reader_name(r, best[k]));
        error_hint(&err, "did you mean %s?", list);
    } else {
        error_hint(&err, "`traceformer ls %s` lists the records", trace_reader_path(r));
    }
    return cli_report(&err, TF_ERR_INPUT);
}
