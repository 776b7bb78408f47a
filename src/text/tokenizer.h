/* tokenizer.h — text to token ids: whitespace-separated, UTF-8 aware.
 *
 * "猫 追 老鼠" is three tokens. A token missing from the vocabulary maps to
 * <UNK> and is reported through the warning callback with its text, so the
 * user learns which word was not known. Invalid UTF-8 is refused with the
 * byte offset of the first bad byte; a word holding a control, bidi or
 * invisible character (text/printable.h), and a special token other than a
 * leading <START> and a final <END>, are refused naming the word's
 * position. */
#ifndef TF_TEXT_TOKENIZER_H
#define TF_TEXT_TOKENIZER_H

#include <stddef.h>

#include "core/error.h"
#include "text/vocab.h"

typedef void (*TokenWarning)(void *ctx, const char *what, const char *token);

/* Tokenize text into ids (at most cap); *n gets the count. `what` names the
 * input in messages ("--src 1", "lesson.ini line 12"). Too many tokens is
 * an error naming the limit. */
Status tokenizer_encode(const Vocab *v, const char *text, const char *what, int *ids, int cap, int *n,
                        TokenWarning warn, void *warn_ctx, Error *err);

/* Length in bytes of the token separator at s (at most n bytes), or 0.
 * Separators: ASCII space, tab, newline, carriage return, and U+3000
 * IDEOGRAPHIC SPACE (3 bytes), the space CJK input methods type. */
size_t tokenizer_separator_len(const char *s, size_t n);

#endif
