/* cli_trace.h — what the trace-reading subcommands (ls, show, export) share:
 * opening a trace with the right exit code, and saying "did you mean" for
 * a record name that is not there. */
#ifndef TF_CLI_CLI_TRACE_H
#define TF_CLI_CLI_TRACE_H

#include <stdbool.h>

#include "trace/trace.h"

/* Open path; on failure report the reader's message and return the exit
 * code (2 for a missing, corrupt or foreign file, 1 for a system failure). */
int cli_open_trace(const char *path, TraceReader **out);

/* Report "no record named NAME", with the closest names as a hint; returns 2. */
int cli_unknown_record(const TraceReader *r, const char *name);

/* Say what is wrong with the command line, then the usage line (the first
 * line of usage) and where the rest is; returns 2. printf-style. */
int cli_usage_error(const char *command, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True when s is an argument that asks for help. */
bool cli_is_help(const char *s);

/* Parse a non-negative integer flag value (decimal, whole string, ≤ max);
 * on failure report "FLAG: ..." and return false. */
bool cli_parse_count(const char *flag, const char *s, long max, long *out);

#endif
