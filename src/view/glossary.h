/* glossary.h — the bilingual glossary: the terms a lesson uses, each in
 * English and in Chinese with one line of meaning in each language.
 *
 * One table: the help screen (?) shows it, and lessons/README.md prints
 * the same rows (tests/unit/test_glossary.c checks that the README's
 * table says exactly what this one does). The Chinese terms are the ones
 * the lessons use throughout (词元 for token, 自回归, 推理, 层归一化 ...). */
#ifndef TF_VIEW_GLOSSARY_H
#define TF_VIEW_GLOSSARY_H

#include "view/state.h"

typedef struct {
    const char *term[VIEW_N_LANGS];     /* "token", "词元" */
    const char *meaning[VIEW_N_LANGS];  /* one short line in each language */
} GlossaryEntry;

/* The glossary's rows, in the order help and the README list them. */
const GlossaryEntry *glossary_entries(int *n);

#endif
