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

#include <ini.h>

/* ini_parse_stream(reader, stream, handler, user) under those options:
 * 0 on success, the first failing line number, or −1 / −2 as libinih says. */
int ini_parse_strict(ini_reader reader, void *stream, ini_handler handler, void *user, int max_line);

#endif
