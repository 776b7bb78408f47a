/* lesson_quiz.h — a lesson's questions on the command line: asked one by
 * one on a terminal or a pipe (`traceformer lesson N --quiz`), or graded
 * from an answers file (`--answers FILE`). The lesson has run: t holds
 * its traces, made with the overrides o; a switch question runs it again
 * under work_dir (lesson.h, lesson_question_ask). */
#ifndef TF_CLI_LESSON_QUIZ_H
#define TF_CLI_LESSON_QUIZ_H

#include <stdio.h>

#include "lesson/lesson.h"

/* Grade the answers in path: one a line, in question order; blank lines
 * and lines starting with '#' are left out; skip (or -) skips; fewer
 * lines than questions skip the rest. Prints each question, the answer
 * as understood, correct or wrong with the expected answer, then the
 * score. 0 whatever the score; 2 (FILE:LINE) for a file that cannot be
 * read, more answers than questions, or an answer that is no answer of
 * its question's kind; 1 for a runtime failure. */
int lesson_quiz_answers(const Lesson *l, const LessonTraces *t, const LessonOverrides *o, const char *work_dir,
                        const char *lang, const char *path);

/* Ask every question on in / stdout, line by line: h the hint, s or an
 * empty line skips, an unreadable answer says why and asks again, the end
 * of in skips the rest; after each answer the reveal (correct or not, the
 * expected answer, the explanation); at the end the score. 0, or 1/2 as
 * above when a question cannot be measured. */
int lesson_quiz_ask(const Lesson *l, const LessonTraces *t, const LessonOverrides *o, const char *work_dir,
                    const char *lang, FILE *in);

/* The questions in the walk (`lesson N --walk`): each one measured on
 * t once (a question that cannot be measured says why where it is
 * shown); NULL when out of memory. */
typedef struct QuizWalk QuizWalk;
QuizWalk *lesson_quiz_walk_open(const Lesson *l, const LessonTraces *t, const LessonOverrides *o,
                                const char *work_dir, const char *lang);
void lesson_quiz_walk_close(QuizWalk *qw);
/* At step `step` (after its note, before its narration): "Question: ",
 * its text, and its choices as measured on the run; nothing when the
 * step asks none. */
void lesson_quiz_walk_question(const Lesson *l, const QuizWalk *qw, int step, const char *lang);
/* After the claims: every question's expected answer, the switches under
 * which it differs, and its explanation. */
void lesson_quiz_walk_answers(const Lesson *l, const QuizWalk *qw, const char *lang);

#endif
