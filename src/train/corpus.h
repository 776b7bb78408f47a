/* corpus.h — a text file read as a list of poems, for training on real
 * text.
 *
 * Two layouts are read, told apart by the file itself:
 *   a fortune file   entries separated by a line holding only "%" (the
 *                    Tang poems of fortunes-zh: tang300)
 *   plain text       poems separated by blank lines
 *
 * What a poem's text becomes:
 *   - terminal colour escapes (ESC [ parameters final-byte, as fortune files
 *     colour their titles) are removed; any other control byte (a lone
 *     ESC, a NUL, a form feed, a C1 control) is refused naming FILE:LINE:COL
 *   - a title line 《...》 and an author line 作者：... at the head of a
 *     poem are dropped: the body is what a model learns to write
 *   - the body's lines are joined: nothing between two lines of Chinese
 *     (床前明月光，疑是地上霜。), one space where both sides are Latin
 *     script (ASCII letters, digits and punctuation, or letters U+00C0–
 *     U+024F), so English prose keeps its word breaks ("the rain,\nand"
 *     is "the rain, and")
 *   - inside a line, a run of spaces (tabs and U+3000 included) is one
 *     space; spaces at either end of a line are dropped
 *   - a CRLF line end is a line end; a UTF-8 byte-order mark at the start
 *     of the file is skipped
 *
 * Refused, as TF_ERR_INPUT naming the file and the place: invalid UTF-8
 * (FILE:LINE:COLUMN and the byte offset in the file), a file larger than
 * CORPUS_MAX_BYTES, a line longer than CORPUS_MAX_LINE bytes, and a corpus
 * with no poem in it. Nothing is kept from a refused file. */
#ifndef TF_TRAIN_CORPUS_H
#define TF_TRAIN_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define CORPUS_MAX_BYTES (32u << 20)  /* 32 MiB: the Tang poems are 89 kB */
#define CORPUS_MAX_LINE 65536         /* bytes in one line, its end excluded */

typedef struct {
    const char *text;   /* the body, lines joined, NUL-terminated UTF-8 */
    int line;           /* 1-based line of the file where the body starts */
} CorpusPoem;

typedef struct {
    int n;                  /* poems, ≥ 1 */
    CorpusPoem *poems;      /* (n) in file order */
    bool fortune;           /* the file was a fortune file ("%" lines) */
    char *text_;            /* storage of every body */
} Corpus;

/* Read and parse the file at path. A missing or unreadable file is
 * TF_ERR_INPUT ("FILE: cannot open: ..."), as is bad content. */
Status corpus_read(Corpus *c, const char *path, Error *err);

/* Parse n bytes of text (not NUL-terminated); `name` stands for the file
 * in messages. */
Status corpus_parse(Corpus *c, const char *data, size_t n, const char *name, Error *err);

void corpus_free(Corpus *c);

#endif
