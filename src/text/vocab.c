/* vocab.c — the token vocabulary: a growable list of owned strings.
 *
 * Lookup is a linear scan. Lesson vocabularies hold tens of tokens and the
 * cap is a few thousand, so a hash table would add code without adding
 * speed anyone could notice. */
#include "text/vocab.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "text/tokenizer.h"
#include "text/utf8.h"

static const char *const special_names[TOK_SPECIALS] = {"<PAD>", "<START>", "<END>", "<UNK>"};

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

static bool vocab_push(Vocab *v, const char *tok, size_t len)
{
    if (!vocab_reserve(v))
        return false;
    char *copy = malloc(len + 1);
    if (!copy)
        return false;
    memcpy(copy, tok, len);
    copy[len] = '\0';
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
    (void)vocab_ensure_specials(v);
}

void vocab_free(Vocab *v)
{
    for (int i = 0; i < v->size; i++)
        free(v->tokens[i]);
    free(v->tokens);
    v->size = 0;
    v->cap = 0;
    v->tokens = NULL;
}

int vocab_find_n(const Vocab *v, const char *tok, size_t len)
{
    for (int i = 0; i < v->size; i++) {
        const char *t = v->tokens[i];
        if (strncmp(t, tok, len) == 0 && t[len] == '\0')
            return i;
    }
    return -1;
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
        if (token_separator_len(tok + i, len - i) > 0) {
            error_set(err, TF_ERR_INPUT, "token '%s' contains whitespace at byte %zu", tok, i);
            error_hint(err, "tokens are separated by spaces; add each word on its own");
            return -1;
        }
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
        size_t sep = token_separator_len(text + i, n - i);
        if (sep) {
            i += sep;
            continue;
        }
        size_t start = i;
        while (i < n && token_separator_len(text + i, n - i) == 0)
            i++;
        Error e;
        if (vocab_add_n(v, text + start, i - start, &e) < 0)
            return error_set(err, TF_ERR_RUNTIME, "%s: %s", what, e.msg);
    }
    return TF_OK;
}

const char *vocab_token(const Vocab *v, int id)
{
    if (id < 0 || id >= v->size)
        return special_names[TOK_UNK];
    return v->tokens[id];
}
