/* cmd_plot.c — `traceformer plot` (being written). */
#include <stdio.h>

#include "cli/commands.h"

int cmd_plot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "traceformer plot: not available yet\n");
    return 1;
}
