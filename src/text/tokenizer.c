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
static Status special_inside(Error *err, const char *what, int word, int id)
{
    static const char *const names[TOK_SPECIALS] = {"<PAD>", "<START>", "<END>", "<UNK>"};
    error_set(err, TF_ERR_INPUT, "%s: word %d is %s, a special token: only a leading <START> and a final <END> may be "
              "written", what, word, names[id]);
    if (id == TOK_PAD || id == TOK_UNK)
        error_hint(err, "the program adds <PAD> to fill shorter sentences and reads an unknown word as <UNK>: "
                        "leave both out");
    else
        error_hint(err, "give each sentence on its own (another --src or --tgt)");
    return TF_ERR_INPUT;
}

Status tokenizer_encode(const Vocab *v, const char *text, const char *what, int *ids, int cap, int *n,
                        TokenWarning warn, void *warn_ctx, Error *err)
{
    *n = 0;
    size_t len = strlen(text), bad;
    if (!utf8_valid(text, len, &bad))
        return error_set(err, TF_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", what, bad);

    int count = 0, end_at = 0;  /* end_at: the word number of a written <END> (1-based), 0: none yet */
    size_t i = 0;
    while (i < len) {
        size_t sep = tokenizer_separator_len(text + i, len - i);
        if (sep) {
            i += sep;
            continue;
        }
        size_t start = i;
        while (i < len && tokenizer_separator_len(text + i, len - i) == 0)
            i++;
        char esc[PRINTABLE_ESC_MAX];
        const char *hidden = printable_text_problem(text + start, i - start, &bad, esc);
        if (hidden) {
            error_set(err, TF_ERR_INPUT, "%s: word %d holds %s (%s)", what, count + 1, hidden, esc);
            error_hint(err, "a token is printed and plotted as it is: write the words without it");
            return TF_ERR_INPUT;
        }
        if (end_at)
            return special_inside(err, what, end_at, TOK_END);
        const int id = vocab_find_n(v, text + start, i - start);
        if (id >= 0 && id < TOK_SPECIALS) {
            if (id == TOK_END)
                end_at = count + 1;  /* allowed when nothing follows */
            else if (!(id == TOK_START && count == 0))
                return special_inside(err, what, count + 1, id);
        }
        if (count < cap) {
            ids[count] = id;
            if (id < 0) {
                ids[count] = TOK_UNK;
                if (warn) {
                    char tok[256];
                    utf8_copy_cut(tok, sizeof tok, text + start, i - start, true);
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
