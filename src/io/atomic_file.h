/* atomic_file.h — write a file under a temporary name, rename when complete.
 *
 * Every output of Traceformer (traces, .npy, .csv, .dat) either exists
 * complete or not at all: it is written to a temporary file made with
 * mkstemp in the destination's own directory (so the rename cannot cross
 * file systems), flushed to disk, and renamed over the destination. Any
 * failure, or a discard, removes the temporary file. */
#ifndef TF_IO_ATOMIC_FILE_H
#define TF_IO_ATOMIC_FILE_H

#include <stdio.h>

#include "core/error.h"

typedef struct {
    FILE *f;         /* write here; NULL when not open */
    char *path;      /* final destination */
    char *tmp_path;  /* the temporary file beside it */
} AtomicFile;

/* Create the temporary file for path. On failure nothing is left behind. */
Status atomic_file_open(AtomicFile *af, const char *path, Error *err);

/* Flush, fsync, give the file the usual permissions (0666 & ~umask),
 * rename it onto path and sync the directory. On failure the temporary
 * file is removed. Either way af is closed afterwards. */
Status atomic_file_commit(AtomicFile *af, Error *err);

/* Close and remove the temporary file. Safe on a closed AtomicFile. */
void atomic_file_discard(AtomicFile *af);

#endif
