/* tokenizer.c — whitespace-separated tokens, looked up in a Vocab.
 *
 * Separators are ASCII space, tab, newline and carriage return, and also
 * U+3000 IDEOGRAPHIC SPACE, the full-width space a CJK input method types
 * between words, so "猫　追　老鼠" splits the same way as "猫 追 老鼠".
 * Nothing else splits: punctuation belongs to the token it touches
 * ("mouse." is its own token), which keeps the mapping from text to
 * tokens visible to a student.
 *
 * What a sentence may not hold, refused with the sentence's name and the
 * word's position:
 *   - a hidden character (text/printable.h: a control, bidi or invisible
 *     character): a token is printed, plotted and shown in the viewer, and
 *     must read as what it is;
 *   - a special token other than a leading <START> and a final <END>. The
 *     program adds <PAD> (to fill a shorter sentence of a batch) and <UNK>
 *     (for an unknown word) itself; a written <PAD> would be attended to
 *     as a real key yet dropped from the loss, and a <START> or <END> in
 *     the middle would start or end the sentence there. */
#include "text/tokenizer.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text/printable.h"
#include "text/utf8.h"

size_t tokenizer_separator_len(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return 1;
    if (c == 0xE3 && n >= 3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;  /* U+3000 */
    return 0;
}

/* A special token written where the program does not read one. */
static Status special_inside(Error *err, const char *what, const char *unit, int word, int id)
{
    static const char *const names[TOK_SPECIALS] = {"<PAD>", "<START>", "<END>", "<UNK>"};
    error_set(err, TF_ERR_INPUT, "%s: %s %d is %s, a special token: only a leading <START> and a final <END> may be "
              "written", what, unit, word, names[id]);
    if (id == TOK_PAD || id == TOK_UNK)
        error_hint(err, "the program adds <PAD> to fill shorter sentences and reads an unknown word as <UNK>: "
                        "leave both out");
    else
        error_hint(err, "give each sentence on its own (another --src or --tgt)");
    return TF_ERR_INPUT;
}

/* The next token's bytes at text + i (len bytes in all), after skipping
 * separators: [*start, *end). Words: up to the next separator. Characters:
 * one code point, or a written special token (<START>, <END>, <PAD>,
 * <UNK>) whole; a run of separators between two characters is the token
 * TOKENIZER_SPACE when the vocabulary has it (a text whose spaces matter),
 * and nothing otherwise. Returns false at the end of the text. */
static bool next_token(TokenizerKind kind, const Vocab *v, const char *text, size_t len, size_t i, size_t *start,
                       size_t *end, bool *space)
{
    static const char *const specials[TOK_SPECIALS] = {"<PAD>", "<START>", "<END>", "<UNK>"};
    const size_t from = i;
    size_t sep;
    while (i < len && (sep = tokenizer_separator_len(text + i, len - i)) != 0)
        i += sep;
    *space = false;
    if (i >= len)
        return false;
    if (kind == TOKENIZER_WORDS) {
        *start = i;
        while (i < len && tokenizer_separator_len(text + i, len - i) == 0)
            i++;
        *end = i;
        return true;
    }
    if (i > from && from > 0 && vocab_find(v, TOKENIZER_SPACE) >= 0) {
        *start = from;
        *end = i;
        *space = true;
        return true;
    }
    *start = i;
    for (int k = 0; k < TOK_SPECIALS; k++) {
        size_t n = strlen(specials[k]);
        if (len - i >= n && memcmp(text + i, specials[k], n) == 0) {
            *end = i + n;
            return true;
        }
    }
    uint32_t cp;
    size_t n = utf8_decode(text + i, len - i, &cp);
    *end = i + (n ? n : 1);
    return true;
}

Status tokenizer_encode_as(TokenizerKind kind, const Vocab *v, const char *text, const char *what, int *ids, int cap,
                           int *n, TokenWarning warn, void *warn_ctx, Error *err)
{
    *n = 0;
    size_t len = strlen(text), bad;
    if (!utf8_valid(text, len, &bad))
        return error_set(err, TF_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", what, bad);

    const char *unit = kind == TOKENIZER_CHARS ? "character" : "word";
    int count = 0, end_at = 0;  /* end_at: the token number of a written <END> (1-based), 0: none yet */
    size_t i = 0, start, end;
    bool space;
    while (next_token(kind, v, text, len, i, &start, &end, &space)) {
        i = end;
        int id;
        if (space) {
            id = vocab_find(v, TOKENIZER_SPACE);
        } else {
            char esc[PRINTABLE_ESC_MAX];
            const char *hidden = printable_text_problem(text + start, end - start, &bad, esc);
            if (hidden) {
                error_set(err, TF_ERR_INPUT, "%s: %s %d holds %s (%s)", what, unit, count + 1, hidden, esc);
                error_hint(err, "a token is printed and plotted as it is: write the text without it");
                return TF_ERR_INPUT;
            }
            id = vocab_find_n(v, text + start, end - start);
        }
        if (end_at)
            return special_inside(err, what, unit, end_at, TOK_END);
        if (id >= 0 && id < TOK_SPECIALS) {
            if (id == TOK_END)
                end_at = count + 1;  /* allowed when nothing follows */
            else if (!(id == TOK_START && count == 0))
                return special_inside(err, what, unit, count + 1, id);
        }
        if (count < cap) {
            ids[count] = id;
            if (id < 0) {
                ids[count] = TOK_UNK;
                if (warn) {
                    char tok[256];
                    utf8_copy_cut(tok, sizeof tok, text + start, end - start, true);
                    warn(warn_ctx, what, tok);
                }
            }
        }
        count++;  /* keep counting past cap so the message can say how many */
    }
    if (count > cap) {
        error_set(err, TF_ERR_INPUT, "%s: %d tokens, more than the limit of %d", what, count, cap);
        error_hint(err, "shorten the sentence");
        return TF_ERR_INPUT;
    }
    *n = count;
    return TF_OK;
}

Status tokenizer_add_vocab(TokenizerKind kind, Vocab *v, const char *text, const char *what, Error *err)
{
    if (kind == TOKENIZER_WORDS)
        return vocab_add_text(v, text, what, err);
    size_t len = strlen(text), bad;
    if (!utf8_valid(text, len, &bad))
        return error_set(err, TF_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", what, bad);
    size_t i = 0, start, end;
    bool space;
    int count = 0;
    while (next_token(kind, v, text, len, i, &start, &end, &space)) {
        i = end;
        if (space)
            continue;  /* spaces are read as ▁ only where the list holds it */
        count++;
        char tok[16];  /* one code point, or a special token */
        memcpy(tok, text + start, end - start);
        tok[end - start] = '\0';
        Error e;
        if (vocab_add(v, tok, &e) < 0)
            return error_set(err, strncmp(e.msg, "out of memory", 13) == 0 ? TF_ERR_RUNTIME : TF_ERR_INPUT,
                             "%s: character %d: %s", what, count, e.msg);
    }
    return TF_OK;
}
