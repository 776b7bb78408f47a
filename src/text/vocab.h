/* vocab.h — the token vocabulary, special tokens first.
 *
 * Ids 0..3 are always <PAD> <START> <END> <UNK>, in that order; the rest
 * follow in the order they were added. */
#ifndef TF_TEXT_VOCAB_H
#define TF_TEXT_VOCAB_H

#include <stddef.h>

#include "core/error.h"

enum { TOK_PAD = 0, TOK_START = 1, TOK_END = 2, TOK_UNK = 3, TOK_SPECIALS = 4 };

/* Limits on a vocabulary read from a file (.tfw, vocab.txt), checked
 * before parsing. Real tokenizers hold 30k–260k tokens; a token of a
 * word-level vocabulary is a few bytes, of a BPE one rarely over 100. */
#define VOCAB_MAX_TOKENS (1 << 18)    /* 262144, the four specials included */
#define VOCAB_MAX_BYTES (1u << 20)    /* 1 MiB of tokens and their newlines */
#define VOCAB_MAX_TOKEN_BYTES 511     /* one token, without its newline */

typedef struct {
    int size;
    int cap;
    char **tokens;  /* (size) NUL-terminated UTF-8 */
    /* Open-addressing hash of the tokens: slot → id, −1 empty; n_slots a
     * power of two at least twice size. Private to vocab.c. */
    int *slots;     /* (n_slots) */
    int n_slots;
} Vocab;

void vocab_init(Vocab *v);      /* holds the four specials */
void vocab_free(Vocab *v);
/* Id of tok, or −1. */
int vocab_find(const Vocab *v, const char *tok);
/* The same for the len bytes at tok (not NUL-terminated). */
int vocab_find_n(const Vocab *v, const char *tok, size_t len);
/* Add tok if absent; returns its id, or −1 (err set) on invalid UTF-8,
 * whitespace inside the token, an empty token, or a vocabulary already
 * holding VOCAB_MAX_TOKENS. */
int vocab_add(Vocab *v, const char *tok, Error *err);
/* Add every whitespace-separated token of text. */
Status vocab_add_text(Vocab *v, const char *text, const char *what, Error *err);
const char *vocab_token(const Vocab *v, int id);  /* "<UNK>" when out of range */

#endif
