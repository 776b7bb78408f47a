/* cli_trace.h — what the trace-reading subcommands (ls, show, export) share:
 * opening a trace with the right exit code, and saying "did you mean" for
 * a record name that is not there. */
#ifndef TF_CLI_CLI_TRACE_H
#define TF_CLI_CLI_TRACE_H

#include "trace/trace.h"

/* Open path; on failure report the reader's message and return the exit
 * code (2 for a missing, corrupt or foreign file, 1 for a system failure). */
int cli_open_trace(const char *path, TraceReader **out);

/* Report "no record named NAME", with the closest names as a hint; returns 2. */
int cli_unknown_record(const TraceReader *r, const char *name);

#endif
