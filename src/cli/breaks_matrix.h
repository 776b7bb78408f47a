/* breaks_matrix.h — printing what breaks each claim (`traceformer lesson N
 * --breaks`): the matrix lesson_breaks computed, one row per claim or
 * fact, one column per switch value that changed the traces. */
#ifndef TF_CLI_BREAKS_MATRIX_H
#define TF_CLI_BREAKS_MATRIX_H

#include "lesson/lesson.h"

/* Print b on stdout, in lang ("en" or "zh"; NULL: "en"); 1 when a cell is not as declared, a cell could not
 * be evaluated or the lesson's own runs fail a claim, else 0. */
int breaks_matrix_print(const Lesson *l, const LessonBreaks *b, const char *lang);

#endif
