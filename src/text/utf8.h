/* utf8.h — validating UTF-8 and measuring it on a terminal. */
#ifndef TF_TEXT_UTF8_H
#define TF_TEXT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code point above U+10FFFF). On false, *bad_offset (when non-NULL) is the
 * byte offset of the first invalid byte: a continuation byte out of range,
 * or the lead byte of a sequence that cannot start or is cut short by the
 * end of the input (so *bad_offset < n always). */
bool utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* Decode one code point at s (at most n bytes); returns its length in
 * bytes, or 0 when invalid. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Display columns of a valid UTF-8 string (East Asian wide characters
 * count 2, combining marks 0), without depending on the locale. */
int utf8_width(const char *s);

/* Longest prefix of s (in bytes) that fits in max_cols display columns,
 * never splitting a character. *cols gets the prefix's width. */
size_t utf8_prefix_for_width(const char *s, int max_cols, int *cols);

/* Copy s[0..len) into buf (cap bytes, NUL-terminated): whole when it fits,
 * else as long a start as fits without splitting a character, followed by
 * "..." when `ellipsis` is set (cap must then be at least 4; else ≥ 1). */
void utf8_copy_cut(char *buf, size_t cap, const char *s, size_t len, bool ellipsis);

#endif
