/* question.c — a lesson's questions: what the student answers before the
 * numbers are shown (lesson.h, "questions"). Until lesson.ini's
 * [question.ID] sections are read, a lesson asks none. */
#include <stdio.h>

#include "lesson/lesson_internal.h"

int lesson_question_count(const Lesson *l)
{
    (void)l;
    return 0;
}

const LessonQuestion *lesson_question(const Lesson *l, int i)
{
    (void)l;
    (void)i;
    return NULL;
}

int lesson_question_at_step(const Lesson *l, int step)
{
    (void)l;
    (void)step;
    return -1;
}

const char *lesson_question_text(const Lesson *l, int i, const char *lang)
{
    (void)l;
    (void)i;
    (void)lang;
    return NULL;
}

const char *lesson_question_hint(const Lesson *l, int i, const char *lang)
{
    return lesson_question_text(l, i, lang);
}

const char *lesson_question_explanation(const Lesson *l, int i, const char *lang)
{
    return lesson_question_text(l, i, lang);
}

Status lesson_question_ask(const Lesson *l, int i, const LessonTraces *t, const LessonOverrides *o,
                           const char *work_dir, const char *lang, QuestionAsked *out, Error *err)
{
    (void)l;
    (void)t;
    (void)o;
    (void)work_dir;
    (void)lang;
    (void)out;
    return error_set(err, TF_ERR_INPUT, "the lesson has no question %d", i + 1);
}

AnswerGrade lesson_question_grade(const Lesson *l, int i, const QuestionAsked *q, const char *answer, char *said,
                                  size_t said_cap, char *why, size_t why_cap)
{
    (void)l;
    (void)i;
    (void)q;
    (void)answer;
    snprintf(said, said_cap, "%s", "");
    snprintf(why, why_cap, "%s", "no such question");
    return ANSWER_UNREADABLE;
}
