/* lesson_handout.h — a lesson as one PDF to print or hand out
 * (`traceformer lesson N --handout FILE.pdf`).
 *
 * The pages, in order: a title page (the lesson's number, title and
 * introduction, its model and sentence in one line, the switches changed);
 * a page per step (number and key, note, the step's record drawn by
 * gnuplot, narration with its action lines); a page per image the
 * lesson's own figures and charts draw (what `lesson N --plot` writes);
 * the claims with their measured values, PASS or FAIL, the facts apart;
 * the questions, with their choices as measured on this run; and the
 * answers with their explanations. A section that does not fit on its
 * page flows onto the next. The composition lives here; the pages are
 * drawn by doc/pdf_doc.h, which knows nothing of lessons. */
#ifndef TF_CLI_LESSON_HANDOUT_H
#define TF_CLI_LESSON_HANDOUT_H

#include "core/error.h"
#include "lesson/lesson.h"

typedef struct {
    const char *path;      /* the PDF to write (atomically) */
    const char *lang;      /* "en" or "zh" */
    const char *viz_dir;   /* the gnuplot scripts */
    const char *work_dir;  /* where a switch question's runs go (the lesson's trace directory) */
    const LessonOverrides *o;  /* what made the traces (NULL: nothing) */
    const char *changes;   /* the switches changed, in words ("--causal-mask off"), or NULL */
} LessonHandout;

/* Is path a place a handout can be written? Absent, a regular file or a
 * link to one; TF_ERR_INPUT naming what it is otherwise (a directory, a
 * FIFO, a device), or when its directory does not exist. */
Status lesson_handout_check(const char *path, Error *err);

/* Draw the lesson's figures, measure its claims and questions on the
 * traces t, and write the handout to h->path; *pages gets its page
 * count. Nothing is left at h->path on failure (and what was there
 * stays). TF_ERR_RUNTIME for a missing gnuplot or a file that cannot be
 * written. */
Status lesson_handout_write(const Lesson *l, const LessonTraces *t, const LessonHandout *h, int *pages,
                            Error *err);

/* Release the font caches the PDF writer keeps (at the end of the program,
 * for a leak checker). */
void lesson_handout_release(void);

#endif
