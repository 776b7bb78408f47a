/* vocab.h — the token vocabulary, special tokens first.
 *
 * Ids 0..3 are always <PAD> <START> <END> <UNK>, in that order; the rest
 * follow in the order they were added. */
#ifndef TF_TEXT_VOCAB_H
#define TF_TEXT_VOCAB_H

#include <stddef.h>

#include "core/error.h"

enum { TOK_PAD = 0, TOK_START = 1, TOK_END = 2, TOK_UNK = 3, TOK_SPECIALS = 4 };

typedef struct {
    int size;
    int cap;
    char **tokens;  /* (size) NUL-terminated UTF-8 */
} Vocab;

void vocab_init(Vocab *v);      /* holds the four specials */
void vocab_free(Vocab *v);
/* Id of tok, or −1. */
int vocab_find(const Vocab *v, const char *tok);
/* The same for the len bytes at tok (not NUL-terminated). */
int vocab_find_n(const Vocab *v, const char *tok, size_t len);
/* Add tok if absent; returns its id, or −1 (err set) on invalid UTF-8,
 * whitespace inside the token, or an empty token. */
int vocab_add(Vocab *v, const char *tok, Error *err);
/* Add every whitespace-separated token of text. */
Status vocab_add_text(Vocab *v, const char *text, const char *what, Error *err);
const char *vocab_token(const Vocab *v, int id);  /* "<UNK>" when out of range */

#endif
