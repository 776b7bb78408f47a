/* regular_file.h — opening a file from a stranger for reading, only if it
 * is a regular file.
 *
 * A FIFO, a device or a socket put where a weight file, vocab.txt or an
 * .npy belongs would make fopen wait forever (a FIFO with no writer) or
 * read an endless stream (/dev/zero). The file is opened with O_NONBLOCK,
 * so that opening never waits, and its type is taken from the open
 * descriptor (fstat), so the file checked is the file read. */
#ifndef TF_IO_REGULAR_FILE_H
#define TF_IO_REGULAR_FILE_H

#include <stdio.h>

#include "core/error.h"
#include "io/file_kind.h"

/* Open path for reading ("rb") into *f. TF_ERR_INPUT when it cannot be
 * opened or is not a regular file ("x: cannot open: ...", "x: not a
 * regular file (a FIFO)"), TF_ERR_RUNTIME when the system fails. */
Status regular_fopen(const char *path, FILE **f, Error *err);

#endif
