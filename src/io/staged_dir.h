/* staged_dir.h — a directory of output files that appears whole or not at all.
 *
 * `export -o DIR`, `--export-weights DIR` and `lesson N --plot DIR` write
 * several files. Written one by one into DIR, a full disk or a refused
 * record half-way would leave some new files beside old ones. Instead they
 * are written into a hidden staging directory, and only when every file is
 * complete are they moved into DIR:
 *
 *   DIR absent: the staging directory is made beside it (".DIR.XXXXXX", in
 *     DIR's parent, created when missing) and renamed to DIR at the end:
 *     DIR appears complete in one step.
 *   DIR exists: the staging directory is made inside it
 *     (".traceformer-stage-XXXXXX", on DIR's own file system even when DIR
 *     is a mount point), and at the end each file replaces the file of the
 *     same name in DIR (io/atomic_file_place: renamed over a regular file,
 *     copied into a device or FIFO). Files in DIR that this run does not
 *     write are left alone: an instructor re-running `lesson 7 --plot out/`
 *     gets the lesson's figures replaced and keeps their own notes there.
 *     Files of one level of subdirectories (a lesson's other runs:
 *     out/off/...) are moved the same way.
 *
 * On failure, staged_dir_abort removes the staging directory and any
 * directory made for it: DIR is as it was. The staging directory is
 * registered with io/signal_cleanup, so a signal removes it too. Moving the
 * files into an existing DIR is a rename each; should one fail (it does not
 * on a full disk: a rename needs no data blocks), the files moved before it
 * stay replaced and the error says how many. */
#ifndef TF_IO_STAGED_DIR_H
#define TF_IO_STAGED_DIR_H

#include <stdbool.h>

#include "core/error.h"

typedef struct {
    char *target;    /* the directory asked for */
    char *stage;     /* write the files here */
    bool fresh;      /* target did not exist: stage is renamed to it */
    char *made;      /* the topmost directory made for stage's parent, or NULL */
} StagedDir;

/* Make the staging directory for target. On failure nothing is left. */
Status staged_dir_open(StagedDir *sd, const char *target, Error *err);

/* Move everything staged into target (see above) and free sd. On failure
 * everything not yet moved is removed. */
Status staged_dir_commit(StagedDir *sd, Error *err);

/* Remove the staging directory and what was made for it; free sd. Safe on
 * a zeroed or committed StagedDir. */
void staged_dir_abort(StagedDir *sd);

#endif
