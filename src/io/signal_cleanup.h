/* signal_cleanup.h — temporaries that go away when a signal ends the program.
 *
 * Ctrl-C, `kill` or a closed terminal during a long `run` must not leave a
 * half-written hidden file beside the target, nor a scratch directory in
 * $TMPDIR. Writers register what they made (a temporary file, or a
 * directory with what is inside it); one handler, installed by the command
 * line, removes every registered path on SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT and then ends the program of that signal as it would have ended
 * without the handler (so a shell sees 130 for Ctrl-C).
 *
 * The handler may only call async-signal-safe functions: the registry is a
 * fixed table of path buffers filled before a slot is armed, and removal is
 * unlink, unlinkat, rmdir and the getdents64 system call into a buffer on
 * the stack — no allocation, no stdio, no locks. A program that never
 * installs the handler (a unit test) just keeps the table unused. */
#ifndef TF_IO_SIGNAL_CLEANUP_H
#define TF_IO_SIGNAL_CLEANUP_H

#include <signal.h>

/* How many paths may be registered at once: a trace, a weights file, a
 * staging directory, a plot's work directory and a scratch directory are
 * the most one command holds. */
#define SIGNAL_CLEANUP_SLOTS 16

typedef enum {
    CLEANUP_FILE,  /* unlink the path */
    CLEANUP_TREE   /* remove the directory with its files, two levels deep */
} CleanupKind;

/* Register path; returns its slot, or -1 when the table is full or the
 * path longer than PATH_MAX (the path then is simply not guarded). */
int signal_cleanup_add(const char *path, CleanupKind kind);

/* Hold the four signals back (old: the mask to give back) between making
 * a temporary and registering it, so that no signal ends the program in
 * between; signal_cleanup_release delivers what arrived meanwhile. */
void signal_cleanup_hold(sigset_t *old);
void signal_cleanup_release(const sigset_t *old);

/* Stop guarding slot (no-op for -1). Does not remove anything. */
void signal_cleanup_drop(int slot);

/* Stop guarding every slot registered under exactly this path (none: a
 * no-op). Does not remove anything. */
void signal_cleanup_drop_path(const char *path);

/* Install the handler for SIGINT, SIGTERM, SIGHUP and SIGQUIT; a signal
 * the shell ignores (nohup, a background job's SIGINT) stays ignored.
 * Installing twice is harmless. */
void signal_cleanup_install(void);

#endif
