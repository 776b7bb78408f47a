/* vocab.c — the token vocabulary: a growable list of owned strings, and a
 * hash of them for lookup.
 *
 * Lesson vocabularies hold tens of tokens, but imported and trained models
 * hold tens of thousands, and a linear scan per added token made loading
 * quadratic (a 40k-token model took seconds). The hash is a small
 * open-addressing table of ids (linear probing, FNV-1a), written here
 * rather than taken from a library: POSIX hsearch keeps one global table
 * and cannot grow, GLib's GHashTable would bring a large dependency for
 * one lookup, and uthash would want a node per token where an array of
 * ints into the token list already does. Nothing is ever removed, so the
 * table needs no tombstones. */
#include "text/vocab.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/tokenizer.h"
#include "text/printable.h"
#include "text/utf8.h"

static const char *const special_names[TOK_SPECIALS] = {"<PAD>", "<START>", "<END>", "<UNK>"};

static size_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 32));
}

/* The slot holding tok's id, or the empty slot where it would go. */
static size_t hash_slot(const Vocab *v, const char *tok, size_t len)
{
    size_t mask = (size_t)v->n_slots - 1;
    for (size_t i = hash_bytes(tok, len) & mask;; i = (i + 1) & mask) {
        int id = v->slots[i];
        if (id < 0)
            return i;
        /* strnlen first: tok may hold a NUL, and t may be shorter than len */
        const char *t = v->tokens[id];
        if (strnlen(t, len + 1) == len && memcmp(t, tok, len) == 0)
            return i;
    }
}

/* Room in the hash for one more token (load at most 1/2, so probes stay
 * short and an empty slot always exists); false on allocation failure. */
static bool hash_reserve(Vocab *v)
{
    if (v->n_slots > 0 && (size_t)(v->size + 1) * 2 <= (size_t)v->n_slots)
        return true;
    if (v->n_slots > INT_MAX / 2)
        return false;
    size_t n = v->n_slots > 0 ? (size_t)v->n_slots * 2 : 64;
    int *slots = malloc(n * sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < n; i++)
        slots[i] = -1;
    free(v->slots);
    v->slots = slots;
    v->n_slots = (int)n;
    for (int id = 0; id < v->size; id++)
        v->slots[hash_slot(v, v->tokens[id], strlen(v->tokens[id]))] = id;
    return true;
}

/* Room for one more token; false on allocation failure or overflow. */
static bool vocab_reserve(Vocab *v)
{
    if (v->size < v->cap)
        return true;
    if (v->cap > INT_MAX / 2)
        return false;
    int cap = v->cap ? v->cap * 2 : 32;
    char **t = realloc(v->tokens, (size_t)cap * sizeof *t);
    if (!t)
        return false;
    v->tokens = t;
    v->cap = cap;
    return true;
}

/* Append tok (known absent) to the list and the hash. */
static bool vocab_push(Vocab *v, const char *tok, size_t len)
{
    if (!vocab_reserve(v) || !hash_reserve(v))
        return false;
    char *copy = malloc(len + 1);
    if (!copy)
        return false;
    memcpy(copy, tok, len);
    copy[len] = '\0';
    v->slots[hash_slot(v, copy, len)] = v->size;
    v->tokens[v->size++] = copy;
    return true;
}

/* The specials come first. vocab_init cannot report a failed allocation,
 * so a vocabulary left empty by one tries again on its first vocab_add. */
static bool vocab_ensure_specials(Vocab *v)
{
    while (v->size < TOK_SPECIALS) {
        const char *s = special_names[v->size];
        if (!vocab_push(v, s, strlen(s)))
            return false;
    }
    return true;
}

void vocab_init(Vocab *v)
{
    v->size = 0;
    v->cap = 0;
    v->tokens = NULL;
    v->slots = NULL;
    v->n_slots = 0;
    (void)vocab_ensure_specials(v);
}

void vocab_free(Vocab *v)
{
    for (int i = 0; i < v->size; i++)
        free(v->tokens[i]);
    free(v->tokens);
    free(v->slots);
    v->size = 0;
    v->cap = 0;
    v->tokens = NULL;
    v->slots = NULL;
    v->n_slots = 0;
}

int vocab_find_n(const Vocab *v, const char *tok, size_t len)
{
    if (v->n_slots == 0)
        return -1;
    return v->slots[hash_slot(v, tok, len)];
}

int vocab_find(const Vocab *v, const char *tok)
{
    return vocab_find_n(v, tok, strlen(tok));
}

/* Add tok[0..len) (known valid UTF-8 without separators). */
static int vocab_add_n(Vocab *v, const char *tok, size_t len, Error *err)
{
    if (!vocab_ensure_specials(v)) {
        error_set(err, TF_ERR_RUNTIME, "out of memory growing the vocabulary");
        return -1;
    }
    int id = vocab_find_n(v, tok, len);
    if (id >= 0)
        return id;
    if (v->size >= VOCAB_MAX_TOKENS) {
        error_set(err, TF_ERR_INPUT, "more than %d tokens in the vocabulary", VOCAB_MAX_TOKENS);
        return -1;
    }
    if (!vocab_push(v, tok, len)) {
        error_set(err, TF_ERR_RUNTIME, "out of memory growing the vocabulary (%d tokens)", v->size);
        return -1;
    }
    return v->size - 1;
}

int vocab_add(Vocab *v, const char *tok, Error *err)
{
    size_t len = strlen(tok), bad;
    if (len == 0) {
        error_set(err, TF_ERR_INPUT, "empty token");
        return -1;
    }
    if (!utf8_valid(tok, len, &bad)) {
        error_set(err, TF_ERR_INPUT, "token is not valid UTF-8 (bad byte at offset %zu)", bad);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (tokenizer_separator_len(tok + i, len - i) > 0) {
            error_set(err, TF_ERR_INPUT, "token '%s' contains whitespace at byte %zu", tok, i);
            error_hint(err, "tokens are separated by spaces; add each word on its own");
            return -1;
        }
    }
    /* A control character would be obeyed by the terminal that shows the
     * token, and no trace may hold one (trace/format.c): refused here, where
     * every vocabulary enters, rather than after a run's work. Bidi and
     * zero-width characters stay, shown escaped (text/printable.h). */
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t step = utf8_decode(tok + i, len - i, &cp);
        if (printable_class(cp) == CHAR_CONTROL) {
            char esc[PRINTABLE_ESC_MAX];
            printable_next(tok + i, len - i, false, esc);
            error_set(err, TF_ERR_INPUT, "token holds a control character %s at byte %zu", esc, i);
            return -1;
        }
        i += step ? step : 1;
    }
    return vocab_add_n(v, tok, len, err);
}

Status vocab_add_text(Vocab *v, const char *text, const char *what, Error *err)
{
    size_t n = strlen(text), bad;
    if (!utf8_valid(text, n, &bad))
        return error_set(err, TF_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", what, bad);
    size_t i = 0;
    while (i < n) {
        size_t sep = tokenizer_separator_len(text + i, n - i);
        if (sep) {
            i += sep;
            continue;
        }
        size_t start = i;
        while (i < n && tokenizer_separator_len(text + i, n - i) == 0)
            i++;
        Error e;
        if (vocab_add_n(v, text + start, i - start, &e) < 0)  /* too many words is the text's fault */
            return error_set(err, v->size >= VOCAB_MAX_TOKENS ? TF_ERR_INPUT : TF_ERR_RUNTIME, "%s: %s", what,
                             e.msg);
    }
    return TF_OK;
}

const char *vocab_token(const Vocab *v, int id)
{
    if (id < 0 || id >= v->size)
        return special_names[TOK_UNK];
    return v->tokens[id];
}
