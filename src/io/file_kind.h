/* file_kind.h — what kind of file a mode names, in words for messages.
 *
 * Readers refuse, and writers treat specially, anything that is not a
 * regular file; both say what it is ("not a regular file (a FIFO)",
 * "'out' is a directory"), with these words. */
#ifndef TF_IO_FILE_KIND_H
#define TF_IO_FILE_KIND_H

/* "a directory", "a FIFO", "a character device", ... for st_mode. */
const char *file_kind_name(unsigned mode);

#endif
