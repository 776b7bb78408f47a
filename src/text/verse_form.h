/* verse_form.h — does generated text keep the form of regulated Tang verse?
 *
 * Regulated verse (律诗, 绝句) is built of lines of exactly five or exactly
 * seven characters, each closed by a comma or a full stop: 床前明月光，
 * 疑是地上霜。 A model that has learnt the form writes lines like these;
 * one that has not writes lines of any length, or stops them with the
 * wrong mark. This module measures it, with no model in sight: it reads a
 * sequence of characters (token texts, or UTF-8 text) and counts lines.
 *
 * A line is the characters up to and including a line-end mark: ， 。 ？
 * ！ ； (full width, as the poems write them) or their ASCII twins , . ? !
 * ;. Its length is the number of characters before the mark. A line is in
 * form when its length is 5 or 7 and its mark is ， or 。 — a question or
 * exclamation mark closes a line, but not one of regulated verse.
 *
 * What is a character: every code point except whitespace and the space
 * token ▁ (TOKENIZER_SPACE); <UNK> counts as one (an unknown character is
 * still a character). <START> and <PAD> are no characters, and <END> ends
 * the sequence: what follows it is not read.
 *
 * Only complete lines count: a last line that no mark closes (the sample
 * ran out of tokens, or <END> came first) is left out, neither right nor
 * wrong.
 *
 * A prompt: the measure is of what the model wrote, so a line counts only
 * when its mark was generated. Lines the prompt completes are not counted;
 * a prompt that ends inside a line ("床前明") has that line continued by
 * the model, and it counts with all its characters, the prompt's included
 * (the model chose where to end it: after 明 it must write two more before
 * the comma). With the usual prompt, a whole line ("床前明月光，"), the
 * first counted line is the first one the model writes.
 *
 * One VerseForm adds up any number of samples (each read from its start:
 * a line does not run on from one sample into the next). */
#ifndef TF_TEXT_VERSE_FORM_H
#define TF_TEXT_VERSE_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Line lengths counted one by one up to this; longer ones together */
#define VERSE_FORM_LONG 32

typedef struct {
    long samples;                          /* sequences read */
    long lines;                            /* complete lines, generated marks only */
    long in_form;                          /* of them: 5 or 7 characters, then ， or 。 */
    long right_length;                     /* of them: 5 or 7 characters, whatever the mark */
    long by_length[VERSE_FORM_LONG + 1];   /* (VERSE_FORM_LONG + 1) lines by length; the last:
                                              VERSE_FORM_LONG characters or more */
} VerseForm;

void verse_form_init(VerseForm *f);

/* Add one sample given as token texts: tokens[0 .. n) are the sequence,
 * the first `prompt` of them the prompt (0: all generated). A token of
 * several characters (a word-level model's) counts each of them. */
void verse_form_add_tokens(VerseForm *f, const char *const *tokens, int n, int prompt);

/* Add one sample given as UTF-8 text of len bytes, the first prompt_bytes
 * of them the prompt (a character that starts inside it is the prompt's).
 * Invalid UTF-8 is TF_ERR_INPUT naming `what` and the byte offset; f is
 * then unchanged. */
Status verse_form_add_text(VerseForm *f, const char *text, size_t len, size_t prompt_bytes, const char *what,
                           Error *err);

/* in_form / lines; 0 when there are no lines (nothing in form was written). */
double verse_form_rate(const VerseForm *f);

#endif
