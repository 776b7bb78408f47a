/* fuzz_lesson.c — a lesson folder from any bytes: lesson.ini, lesson.md
 * and lesson.zh.md.
 *
 * The input holds the three files one after another, separated by the line
 * "%%%%" (FUZZ_SEPARATOR; lesson.zh.md only when a second separator is
 * there). They are written into DATA/lessons/01-fuzz/ in this process's
 * scratch directory, then loaded as `traceformer lesson` does (everything
 * checked that can be without running the model: config, runs, record
 * references, claims, narration sections), listed as `lesson --list` does,
 * and everything the lesson holds is read back. */
#include <stdio.h>
#include <string.h>

#include "fuzz_support.h"
#include "lesson/lesson.h"
#include "model/config.h"

static volatile size_t sink;

static void touch(const char *s)
{
    if (s)
        sink += strlen(s);
}

static void read_back(const Lesson *l)
{
    touch(lesson_title(l, "en"));
    touch(lesson_title(l, "zh"));
    touch(lesson_intro(l, "en"));
    touch(lesson_intro(l, "zh"));
    for (int i = 0; i < lesson_step_count(l); i++) {
        const LessonStep *s = lesson_step(l, i);
        touch(s->key);
        touch(lesson_step_note(l, i, "zh"));
        touch(lesson_step_narration(l, i, "en"));
        touch(lesson_step_narration(l, i, "zh"));
        touch(lesson_narration(l, s->key, "en"));
    }
    touch(lesson_narration(l, "enc.0.attn.weights", "en"));
    for (int i = 0; i < lesson_run_count(l); i++) {
        touch(lesson_run_name(l, i));
        Config c;
        LessonRunOptions o;
        Error err;
        if (lesson_run_settings(l, i, &c, &o, &err) == TF_OK)
            touch(o.weights);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char data_dir[512], dir[600], ini[700], md[700], zh[700];
    if (!data_dir[0]) {
        snprintf(data_dir, sizeof data_dir, "%s/data", fuzz_scratch_dir());
        snprintf(dir, sizeof dir, "%s/lessons/01-fuzz", data_dir);
        snprintf(ini, sizeof ini, "%s/lesson.ini", dir);
        snprintf(md, sizeof md, "%s/lesson.md", dir);
        snprintf(zh, sizeof zh, "%s/lesson.zh.md", dir);
        fuzz_mkdir(data_dir);
        char lessons[560];
        snprintf(lessons, sizeof lessons, "%s/lessons", data_dir);
        fuzz_mkdir(lessons);
        fuzz_mkdir(dir);
    }
    const uint8_t *part[3];
    size_t len[3];
    int parts = fuzz_split(data, size, part, len, 3);

    fuzz_write(ini, part[0], len[0]);
    fuzz_write(md, part[1], len[1]);
    if (parts == 3)
        fuzz_write(zh, part[2], len[2]);
    else
        fuzz_remove(zh);

    Lesson *l;
    Error err;
    if (lesson_load(&l, data_dir, dir, &err) == TF_OK) {
        read_back(l);
        lesson_free(l);
    }
    LessonInfo *list;
    int n;
    if (lesson_list(data_dir, &list, &n, &err) == TF_OK) {
        for (int i = 0; i < n; i++)
            touch(list[i].title);
        lesson_list_free(list);
    }
    return 0;
}
