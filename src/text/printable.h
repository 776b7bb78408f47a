/* printable.h — characters that must not reach a terminal as themselves,
 * and the one way the program shows them instead.
 *
 * Text from files the program did not write (lesson folders, configs,
 * vocabularies, traces, weight files) may hold characters a terminal
 * obeys rather than shows: ESC starts a sequence that erases a line,
 * clears the screen or retitles the window, and a C1 control does the same
 * in one character; bidi controls and zero-width characters reorder or
 * hide what follows, so "FAIL" can read "PASS" and two different tokens
 * can look alike. They are "hidden" characters here:
 *
 *   control    U+0000–001F, U+007F–009F     (C0, DEL, C1)
 *   bidi       U+061C, U+200E, U+200F, U+202A–202E, U+2066–2069
 *   invisible  U+200B, U+2060, U+FEFF       (zero width space, word joiner, BOM)
 *
 * U+200C and U+200D (zero width non-joiner and joiner) are not hidden:
 * Persian, the Indic scripts and emoji sequences need them to spell
 * words, and they reorder nothing.
 *
 * Two defences, one rule:
 *   - text a person writes for the program (lesson.ini, lesson.md,
 *     lesson.zh.md, a --config file, a --src or --tgt sentence) is refused
 *     when it holds a hidden character, naming file:line or the flag
 *     (printable_file_check, printable_text_problem);
 *   - everything else that is printed (token labels from a trace or a
 *     vocabulary, folder names, paths and values quoted in errors) goes
 *     through printable_next, which writes each hidden character, and each
 *     byte that is not UTF-8, as a visible escape: \x1b for a byte below
 *     U+0080, \u202e for a code point, \xff for a stray byte. */
#ifndef TF_TEXT_PRINTABLE_H
#define TF_TEXT_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef enum {
    CHAR_SHOWN = 0,   /* printed as itself */
    CHAR_CONTROL,     /* C0, DEL, C1 */
    CHAR_BIDI,        /* reorders the text around it */
    CHAR_INVISIBLE,   /* takes no room: hides a difference */
} CharClass;

/* The class of code point cp (see the table above). */
CharClass printable_class(uint32_t cp);

enum { PRINTABLE_ESC_MAX = 12 };

/* The character at s (n ≥ 1 bytes): returns its length in bytes (≥ 1).
 * esc gets its visible escape ("\x1b", "\u202e", "\xff" for a byte that
 * is not UTF-8) when it must not be printed as itself, else "". A newline
 * and a tab are escaped too unless `lines` is set. */
size_t printable_next(const char *s, size_t n, bool lines, char esc[PRINTABLE_ESC_MAX]);

/* Write s to f with every hidden character escaped (printable_next);
 * newlines and tabs kept when `lines`. */
void printable_fputs(const char *s, FILE *f, bool lines);

/* s with every hidden character escaped, into buf (cap ≥ 1 bytes, always
 * NUL-terminated), cut short of cap without splitting a character or an
 * escape. Newlines and tabs are escaped. Returns buf. */
char *printable_copy(char *buf, size_t cap, const char *s);

/* Why s[0..n) is not text a person may write on one line, or NULL:
 * "invalid UTF-8", or the class name of its first hidden character (a
 * tab and a newline included). *at gets the offending byte's offset and
 * esc (when non-NULL) its escape. */
const char *printable_text_problem(const char *s, size_t n, size_t *at, char esc[PRINTABLE_ESC_MAX]);

/* The same for a whole text file: tabs, newlines, a carriage return
 * before a newline (a file from Windows) and a byte-order mark at its
 * start are allowed. *line gets the 1-based line of the problem, *col the
 * byte offset inside that line. */
const char *printable_file_problem(const char *s, size_t n, int *line, size_t *col,
                                   char esc[PRINTABLE_ESC_MAX]);

/* printable_file_problem as an error: TF_ERR_INPUT naming name:LINE, what
 * was found (escaped) and where in the line; TF_OK when s is clean. */
Status printable_file_check(const char *s, size_t n, const char *name, Error *err);

#endif
