/* cli_report.c — how every command reports an error: one line naming
 * what is wrong, and a hint line when the user can fix it. A message may
 * quote a value from a file (a config value, a vocabulary line, a folder
 * name), so it is printed through text/printable.h: a control or bidi
 * character in it is shown as an escape, never obeyed by the terminal. */
#include <stdio.h>

#include "cli/commands.h"
#include "text/printable.h"

int cli_report(const Error *e, int code)
{
    fputs("traceformer: ", stderr);
    printable_fputs(e->msg, stderr, false);
    fputc('\n', stderr);
    if (e->hint[0]) {
        fputs("hint: ", stderr);
        printable_fputs(e->hint, stderr, false);
        fputc('\n', stderr);
    }
    return code;
}
