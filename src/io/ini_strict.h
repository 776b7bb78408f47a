/* ini_strict.h — libinih with the options Traceformer's INI files need.
 *
 * Debian's libinih is built with its options as global variables (the
 * ini_allow_* family), not as compile-time macros. Every INI reader of
 * the project wants the same strict set, so this one function sets them
 * for one parse and puts the caller's values back afterwards:
 *   no multi-line values (an indented line is a new key, not a continuation),
 *   a UTF-8 byte-order mark allowed, ';' and '#' start a comment line,
 *   " ;" starts a comment after a value, a key must have a value,
 *   the first error stops the parse, lines up to max_line bytes.
 * Not thread-safe (nor is libinih's global state). */
#ifndef TF_IO_INI_STRICT_H
#define TF_IO_INI_STRICT_H

#include <stddef.h>

#include <ini.h>

/* ini_parse_stream(reader, stream, handler, user) under those options:
 * 0 on success, the first failing line number, or −1 / −2 as libinih says. */
int ini_parse_strict(ini_reader reader, void *stream, ini_handler handler, void *user, int max_line);

/* A file held in memory, read a line at a time for libinih (its
 * ini_reader is fgets-shaped), counting lines for error messages. */
typedef struct {
    const char *text;
    size_t len, pos;
    int line;       /* the line last read, 1-based (0 before the first) */
} IniText;

typedef enum {
    INI_LINE_OK,        /* str holds the next line, with its '\n' when it had one */
    INI_LINE_END,       /* no more lines */
    INI_LINE_TOO_LONG,  /* the line does not fit num − 1 bytes (its number is t->line) */
    INI_LINE_NUL,       /* the line holds a NUL byte: not a text file */
} IniLine;

/* The next line of t into str (num bytes, as libinih passes them). */
IniLine ini_text_next_line(IniText *t, char *str, int num);

#endif
