/* cmd_view.c — `traceformer view` (being written). */
#include <stdio.h>

#include "cli/commands.h"

int cmd_view(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "traceformer view: not available yet\n");
    return 1;
}
