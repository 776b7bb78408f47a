/* gnuplot.h — running gnuplot as a child process (private to src/plot/).
 *
 * fork + exec, never a shell: the arguments reach gnuplot as they are.
 * The child runs in a given directory with stdin from /dev/null and its
 * stdout and stderr in a log file there, so a failure can show gnuplot's
 * own message. */
#ifndef TF_PLOT_GNUPLOT_H
#define TF_PLOT_GNUPLOT_H

#include "core/error.h"

/* Whether the program can be started: a name without '/' must be an
 * executable file in a PATH directory, a path an executable file. The
 * error is gnuplot_run's for a missing program. */
Status gnuplot_check(Error *err);

/* Run `PROGRAM -d -e ASSIGNMENTS SCRIPT` in dir, with its output in
 * dir/LOG_NAME, and wait for it (at most timeout_s seconds, then it is
 * killed). It gets our environment, with a glibc malloc tunable put
 * before any GLIBC_TUNABLES of ours (see gnuplot.c). TF_OK when it exits with status 0. Errors: the program cannot
 * be started (TF_ERR_RUNTIME, with the apt-get hint when it is missing),
 * it fails or is killed (TF_ERR_RUNTIME, its log in the message). `what`
 * names the figure in messages. */
#define GNUPLOT_LOG_NAME "gnuplot.log"
Status gnuplot_run(const char *dir, const char *script, const char *assignments, const char *what,
                   double timeout_s, Error *err);

#endif
