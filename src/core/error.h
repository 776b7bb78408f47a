/* error.h — how library code says what went wrong.
 *
 * Functions that can fail return a Status and fill an Error whose message
 * names the file and line, or the byte offset, at fault. Only main decides
 * to exit, and the Status values are the program's exit codes. */
#ifndef TF_CORE_ERROR_H
#define TF_CORE_ERROR_H

typedef enum {
    TF_OK = 0,
    TF_ERR_RUNTIME = 1,  /* the input was fine, something failed while working */
    TF_ERR_INPUT = 2,    /* bad usage or bad input: a config, a flag, a file */
} Status;

typedef struct {
    char msg[1024];
    char hint[256];      /* optional "hint:" line the user can act on; "" when none */
} Error;

/* Fill e (when non-NULL) and return code. printf-style. */
Status error_set(Error *e, Status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add a hint line to an error already set. */
void error_hint(Error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clear e. */
void error_clear(Error *e);

#endif
