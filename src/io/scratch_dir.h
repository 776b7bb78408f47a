/* scratch_dir.h — a temporary directory of our own: made fresh and
 * private, removed with everything in it, and (when asked) removed too
 * when a signal ends the program first.
 *
 * The one helper for every such directory: the lesson commands keep their
 * traces in one under $TMPDIR (`traceformer lesson 2 | head -5`, Ctrl-C,
 * `kill` or a closed terminal must not leave it behind), a plot works in
 * one beside its output, and the test programs keep their files in one. */
#ifndef TF_IO_SCRATCH_DIR_H
#define TF_IO_SCRATCH_DIR_H

#include <stddef.h>

typedef enum {
    SCRATCH_UNGUARDED, /* removed only by scratch_dir_remove (tests: a forked child must not take it along) */
    SCRATCH_GUARDED,   /* also removed by a signal that ends the program (io/signal_cleanup) */
} ScratchGuard;

/* Make a new empty directory "PARENT/STEMXXXXXX" (mkdtemp: a unique name,
 * mode 0700) and write its path to dir (cap bytes). PARENT NULL: $TMPDIR,
 * or /tmp when that is unset or empty; PARENT "" is the current directory
 * ("STEMXXXXXX"), and a PARENT ending in '/' gets no second one. SCRATCH_GUARDED: until scratch_dir_remove, SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT remove it (its files and two levels of
 * subdirectories) before the program ends of that signal as it would
 * have; the signals are held from its making to its registering, and the
 * handler is installed. Returns 0, or -1 with errno set (ENAMETOOLONG when
 * the path does not fit) and nothing made. */
int scratch_dir_make(char *dir, size_t cap, const char *parent, const char *stem, ScratchGuard guard);

/* Remove dir and everything under it, at any depth, and stop guarding it.
 * Each directory is made writable and searchable first (tests make
 * read-only ones); symbolic links are removed, never followed; a dir that
 * is not a directory is unlinked. Any directory of ours may be removed so:
 * the lesson viewer drops a re-run's directory inside its guarded one.
 * Returns 0 when dir is gone (or was never there), -1 otherwise. */
int scratch_dir_remove(const char *dir);

#endif
