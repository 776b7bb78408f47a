/* token_text.h — a sequence of tokens as text a person reads.
 *
 * A word-level model's tokens are printed as they are typed, one space
 * between two ("猫 追 老鼠"); a character-level model's side by side, as
 * the text was written ("床前明月光，"), with its space token ▁ printed as
 * the space it stands for. What one prints, the tokenizer of the same kind
 * reads back as the same tokens. A special token (<START>, <END>, <UNK>)
 * is kept as written, so an unknown character still shows as <UNK>.
 * (A label on an axis is one token and is shown as it is: not here.) */
#ifndef TF_TEXT_TOKEN_TEXT_H
#define TF_TEXT_TOKEN_TEXT_H

#include <stddef.h>

#include "text/tokenizer.h"

/* n tokens (tokens[0..n)) into buf (cap bytes, NUL-terminated) as `kind`
 * prints a sequence. Returns the length, or −1 when it does not fit (buf
 * then holds "", or nothing when cap is 0). */
int token_text_join(TokenizerKind kind, char *buf, size_t cap, const char *const *tokens, int n);

/* The tokenizer a trace's meta records: `tokenizer = chars` in the [vocab]
 * section of the configuration it carries (config_to_ini's text), else
 * words (a word-level run, or a trace older than the key). */
TokenizerKind token_text_kind_of_meta(const char *meta);

#endif
