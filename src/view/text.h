/* text.h — strings as a terminal shows them: display columns, cutting by
 * width, wrapping, and the ASCII fallback for a non-UTF-8 locale.
 *
 * Every label, name and sentence the viewer draws goes through here, so a
 * CJK token (猫 takes two columns, 老鼠 four) is measured and cut the same
 * way everywhere and lines up. Widths come from wcwidth(3) in a UTF-8
 * locale, as ncursesw itself measures; characters wcwidth does not know,
 * and every other locale, use the table in text/utf8.h.
 *
 * In ASCII mode (a locale that is not UTF-8) text is drawn as ASCII: each
 * non-ASCII character becomes \uXXXX, so 猫 reads "\u732b" — unambiguous
 * and still a label a person can look up. */
#ifndef TF_VIEW_TEXT_H
#define TF_VIEW_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Display columns of s as it would be drawn (in ASCII mode: after escaping). */
int text_width(const char *s, bool ascii);
/* Columns of n written in decimal ("%u"): 1 for 0..9, 2 for 10..99, ... */
int text_digits(uint32_t n);

/* The longest prefix of s that fits in max_cols columns, into buf (cap
 * bytes, always NUL-terminated), never splitting a character. When s had
 * to be cut, the last column holds an ellipsis ("…", or "~" in ASCII mode)
 * so a cut label never passes for a whole one. Returns the columns used. */
int text_fit(char *buf, size_t cap, const char *s, int max_cols, bool ascii);

/* text_fit, then padded with spaces to exactly cols columns: align < 0
 * left, 0 centred, > 0 right. Returns cols (0 when cols ≤ 0). */
int text_cell(char *buf, size_t cap, const char *s, int cols, int align, bool ascii);

/* The character at s (at most n bytes): its length in bytes, and in *cols
 * (when non-NULL) its columns as drawn. */
int text_char(const char *s, size_t n, bool ascii, int *cols);

/* May a line end between the character at a and the one at b? After a
 * space; and between two characters of which one is wide (Chinese has no
 * spaces and breaks between any two characters), except before closing
 * punctuation (，。）) or after opening punctuation (（“). Not before a
 * space: the space ends the line instead. */
bool text_can_break(const char *a, size_t an, const char *b, size_t bn);

/* One line of word-wrapped text: the number of bytes of s that make the
 * next line of at most cols columns (broken where text_can_break allows
 * when such a place is in reach, else inside a word); *next is where the following line starts
 * (spaces at the break skipped). Returns 0 at the end of s. */
size_t text_wrap(const char *s, int cols, bool ascii, size_t *next);

/* A line of text_lines: s[off, off + len). */
typedef struct {
    size_t off, len;
} TextLine;

/* Word-wrap all of s into lines of at most cols columns: a newline starts
 * a new line and an empty line stays empty (paragraphs), trailing blank
 * lines are dropped. The first max lines go to out (out may be NULL);
 * returns how many lines there are in all. */
int text_lines(const char *s, int cols, bool ascii, TextLine *out, int max);

#endif
