/* tokenizer.h — text to token ids: whitespace-separated, UTF-8 aware.
 *
 * "猫 追 老鼠" is three tokens; a character-level model reads "床前明月光，"
 * as six (tokenizer_encode_as). A token missing from the vocabulary maps to
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

/* How text becomes tokens: words separated by spaces
 * ("猫 追 老鼠", three tokens), or every character a token ("床前明月光，",
 * six tokens, typed and printed without spaces). A model trained on
 * characters records it, in its .tfw file and in every trace it makes. */
typedef enum { TOKENIZER_WORDS = 0, TOKENIZER_CHARS = 1 } TokenizerKind;

typedef void (*TokenWarning)(void *ctx, const char *what, const char *token);

/* Tokenize text into ids (at most cap); *n gets the count. `what` names the
 * input in messages ("--src 1", "lesson.ini line 12"). Too many tokens is
 * an error naming the limit. TOKENIZER_WORDS: whitespace-separated words.
 * TOKENIZER_CHARS:
 * every code point is a token ("床前明月光，" is six), except a written
 * special token (<START>, <END>), which is one; separators are skipped,
 * but a run of them between two characters is the token TOKENIZER_SPACE
 * when v has it (a corpus whose spaces matter, like English prose).
 * Messages count characters instead of words. */
Status tokenizer_encode_as(TokenizerKind kind, const Vocab *v, const char *text, const char *what, int *ids, int cap,
                           int *n, TokenWarning warn, void *warn_ctx, Error *err);

/* Add to v every token of text as `kind` splits it: words (vocab_add_text),
 * or every character, whitespace ignored and a written special token
 * (<START>) read whole as the special it is. The vocabulary of a
 * character-level model ([vocab] tokens = 床前明月光, --vocab, or the
 * characters of its sentences when no list is given). `what` names the
 * text in messages. */
Status tokenizer_add_vocab(TokenizerKind kind, Vocab *v, const char *text, const char *what, Error *err);

/* The token a character-level vocabulary uses for a space: U+2581 LOWER
 * ONE EIGHTH BLOCK, as SentencePiece writes it (a vocabulary token holds
 * no whitespace). Printed back as a space. */
#define TOKENIZER_SPACE "\xe2\x96\x81"

/* Length in bytes of the token separator at s (at most n bytes), or 0.
 * Separators: ASCII space, tab, newline, carriage return, and U+3000
 * IDEOGRAPHIC SPACE (3 bytes), the space CJK input methods type. */
size_t tokenizer_separator_len(const char *s, size_t n);

#endif
