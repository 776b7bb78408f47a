/* cli_report.c — how every command reports an error: one line naming
 * what is wrong, and a hint line when the user can fix it. */
#include <stdio.h>

#include "cli/commands.h"

int cli_report(const Error *e, int code)
{
    fprintf(stderr, "traceformer: %s\n", e->msg);
    if (e->hint[0])
        fprintf(stderr, "hint: %s\n", e->hint);
    return code;
}
