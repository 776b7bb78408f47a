/* atomic_file.h — write an output file complete or not at all, and never
 * replace what is not a regular file.
 *
 * What the destination is decides how it is written (checked at open):
 *
 *   absent, a regular file, or a symbolic link to one
 *       A temporary file ".NAME.XXXXXX" is made with mkstemp in the
 *       destination's own directory (so the rename cannot cross file
 *       systems), written, flushed to disk, and renamed over the
 *       destination. Any failure, a discard, or a signal that ends the
 *       program (io/signal_cleanup.h) removes the temporary file. A
 *       symbolic link is never replaced: the destination is the file it
 *       names (realpath), the temporary goes beside that file. A link
 *       that names nothing is refused: where the new file would land is a
 *       guess.
 *   the file standard output is (/dev/stdout, /proc/self/fd/1 while the
 *   shell redirects to a file: the same device and inode as fd 1)
 *       Written through standard output, as for "-": renaming over it
 *       would leave the shell's redirection writing to a deleted file, and
 *       /dev/stdout is itself a link that must survive.
 *   a character device or a FIFO (or a link to one: /dev/stdout)
 *       Written in place, streaming: opened for writing without creating
 *       or truncating it, never renamed over, no fsync. A FIFO's open
 *       waits for a reader. Commit only flushes and closes; a discard
 *       cannot take back what was already written (a reader of the FIFO
 *       sees a truncated file, which every reader of ours refuses).
 *   "-" (standard output)
 *       Written to standard output, streaming, as for a FIFO. Refused when
 *       standard output is a terminal and the file is binary.
 *   a directory, a socket or a block device
 *       Refused (TF_ERR_INPUT) with a message naming the path and what it is.
 *
 * Writing to a pipe or a FIFO, SIGPIPE is ignored from open on, so that a
 * reader going away is a write error (EPIPE, exit 1) that the writer
 * reports, not a silent death.
 *
 * Commit checks again, just before the rename, that the destination has
 * not become something other than a regular file meanwhile (a
 * FIFO made there while a long run was writing) and refuses to replace it.
 * A window of a few instructions between that check and rename(2) remains:
 * Linux has no rename that replaces only a regular file. */
#ifndef TF_IO_ATOMIC_FILE_H
#define TF_IO_ATOMIC_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "io/file_kind.h"

typedef enum {
    ATOMIC_RENAME,  /* temporary file renamed over the destination */
    ATOMIC_STREAM,  /* a device or FIFO written in place */
    ATOMIC_STDOUT   /* standard output ("-") */
} AtomicMode;

typedef struct {
    FILE *f;         /* write here; NULL when not open */
    char *path;      /* final destination */
    char *tmp_path;  /* the temporary file beside it (ATOMIC_RENAME only) */
    AtomicMode mode;
    int cleanup_slot; /* io/signal_cleanup.h slot of tmp_path, or -1 */
} AtomicFile;

/* Open path for a binary file (a trace, .tfw, .npy): see above. On failure
 * nothing is left behind. */
Status atomic_file_open(AtomicFile *af, const char *path, Error *err);

/* The same for a text file (.csv, .dat), which may go to a terminal. */
Status atomic_file_open_text(AtomicFile *af, const char *path, Error *err);

/* Whether path could be opened (binary or text) without opening it: the
 * same refusals as atomic_file_open; for a destination written by rename
 * the temporary file is made and removed again; a FIFO is not opened (that
 * would wait for, and then disappoint, its reader). */
Status atomic_file_check(const char *path, bool text, Error *err);

/* ATOMIC_RENAME: flush, fsync, give the file the usual permissions
 * (0666 & ~umask), check the destination again, rename it onto path and
 * sync the directory; on failure the temporary file is removed.
 * ATOMIC_STREAM, ATOMIC_STDOUT: flush and close; a write error (EPIPE,
 * ENOSPC) is an error. Either way af is closed afterwards. */
Status atomic_file_commit(AtomicFile *af, Error *err);

/* Close and remove the temporary file. Safe on a closed AtomicFile. */
void atomic_file_discard(AtomicFile *af);

/* Move `from`, a complete file we made on the same file system (a
 * gnuplot image, a staged export), to `to` by the same rule: renamed over
 * an absent or regular destination (or a link), copied in place into a
 * device or FIFO (and then removed), refused for anything else. */
Status atomic_file_place(const char *from, const char *to, Error *err);

#endif
