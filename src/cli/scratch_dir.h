/* scratch_dir.h — a temporary directory that goes away however the
 * program ends: normally, on an early exit, or killed by a signal.
 *
 * `traceformer lesson 2 | head -5` ends with the reader gone; Ctrl-C,
 * `kill` or a closed terminal end a long run. The lesson commands keep
 * their traces in a mkdtemp directory, and none of these may leave it
 * behind in $TMPDIR. */
#ifndef TF_CLI_SCRATCH_DIR_H
#define TF_CLI_SCRATCH_DIR_H

#include <stddef.h>

/* Make "$TMPDIR/PREFIX-XXXXXX" (TMPDIR unset or empty: /tmp) into dir
 * (cap bytes) and guard it: until scratch_dir_remove, SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT remove it, files and two levels of subdirectories,
 * before the program ends of that signal as it would have. One directory
 * is guarded at a time. Returns 0, or -1 with errno set (nothing made). */
int scratch_dir_make(char *dir, size_t cap, const char *prefix);

/* Remove dir (as above: its files and two levels of subdirectories) and
 * stop guarding it when it is the guarded one. Any directory of ours may
 * be removed so: the lesson viewer drops a re-run's directory inside the
 * guarded one. */
void scratch_dir_remove(const char *dir);

#endif
