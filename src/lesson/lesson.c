/* lesson.c — finding, loading and describing lessons; narration lookup. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lesson/lesson_internal.h"

/* "01-self-attention" → 1, "self-attention"; false when not NN-slug. */
static bool split_dir_name(const char *name, int *number, char *slug, size_t cap)
{
    if (!isdigit((unsigned char)name[0]) || !isdigit((unsigned char)name[1]) || name[2] != '-' || !name[3])
        return false;
    *number = (name[0] - '0') * 10 + (name[1] - '0');
    snprintf(slug, cap, "%s", name + 3);
    return true;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Just the titles of a lesson.ini, without checking the rest. */
static void peek_titles(const char *ini, char *title, size_t tcap, char *title_zh, size_t zcap)
{
    title[0] = title_zh[0] = '\0';
    FILE *f = fopen(ini, "r");
    if (!f)
        return;
    char line[1024];
    bool in_lesson = false;
    while (fgets(line, sizeof line, f)) {
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '[') {
            in_lesson = strncmp(s, "[lesson]", 8) == 0;
            continue;
        }
        if (!in_lesson)
            continue;
        bool zh = strncmp(s, "title.zh", 8) == 0;
        if (!zh && strncmp(s, "title", 5) != 0)
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        char *v = eq + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        v[strcspn(v, "\r\n")] = '\0';
        char *semi = strstr(v, " ;");
        if (semi)
            *semi = '\0';
        if (zh)
            snprintf(title_zh, zcap, "%s", v);
        else if (s[5] == ' ' || s[5] == '=' || s[5] == '\t')
            snprintf(title, tcap, "%s", v);
    }
    fclose(f);
}

static int by_number(const void *a, const void *b)
{
    const LessonInfo *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return strcmp(x->slug, y->slug);
}

Status lesson_list(const char *data_dir, LessonInfo **out, int *n, Error *err)
{
    *out = NULL;
    *n = 0;
    char dir[LESSON_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/lessons", data_dir);
    DIR *d = opendir(dir);
    if (!d) {
        Status st = error_set(err, TF_ERR_RUNTIME, "%s: cannot open: %s", dir, strerror(errno));
        error_hint(err, "set TRACEFORMER_DATA to the directory that holds lessons/ and viz/");
        return st;
    }
    int cap = 0;
    LessonInfo *list = NULL;
    struct dirent *e;
    Status st = TF_OK;
    while ((e = readdir(d)) != NULL) {
        int number;
        char slug[64], ini[LESSON_PATH_MAX + 300];
        if (!split_dir_name(e->d_name, &number, slug, sizeof slug))
            continue;
        snprintf(ini, sizeof ini, "%s/%s/lesson.ini", dir, e->d_name);
        if (!is_file(ini))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            LessonInfo *grown = realloc(list, (size_t)cap * sizeof *list);
            if (!grown) {
                st = error_set(err, TF_ERR_RUNTIME, "out of memory");
                break;
            }
            list = grown;
        }
        LessonInfo *li = &list[(*n)++];
        memset(li, 0, sizeof *li);
        li->number = number;
        snprintf(li->slug, sizeof li->slug, "%s", slug);
        if (snprintf(li->dir, sizeof li->dir, "%.3800s/%.255s", dir, e->d_name) >= (int)sizeof li->dir)
            li->dir[0] = '\0';
        peek_titles(ini, li->title, sizeof li->title, li->title_zh, sizeof li->title_zh);
    }
    closedir(d);
    if (st) {
        free(list);
        *n = 0;
        return st;
    }
    if (*n)
        qsort(list, (size_t)*n, sizeof *list, by_number);
    *out = list;
    return TF_OK;
}

void lesson_list_free(LessonInfo *list)
{
    free(list);
}

/* The directory of `which` under data_dir/lessons. */
Status lesson_find(const char *data_dir, const char *which, char *dir, size_t cap, Error *err)
{
    LessonInfo *list;
    int n;
    Status st = lesson_list(data_dir, &list, &n, err);
    if (st)
        return st;
    char *end;
    long num = strtol(which, &end, 10);
    bool numeric = end != which && *end == '\0';
    int found = -1;
    for (int i = 0; i < n && found < 0; i++) {
        const char *base = strrchr(list[i].dir, '/');
        base = base ? base + 1 : list[i].dir;
        if ((numeric && list[i].number == num) || strcmp(list[i].slug, which) == 0 || strcmp(base, which) == 0)
            found = i;
    }
    if (found >= 0)
        snprintf(dir, cap, "%s", list[found].dir);
    else {
        st = error_set(err, TF_ERR_INPUT, "no lesson '%s' in %s/lessons", which, data_dir);
        error_hint(err, "traceformer lesson --list shows the lessons");
    }
    lesson_list_free(list);
    return st;
}

Status lesson_load(Lesson **out, const char *data_dir, const char *which, Error *err)
{
    *out = NULL;
    Lesson *l = calloc(1, sizeof *l);
    Config *base = malloc(sizeof *base);
    if (!l || !base) {
        free(l);
        free(base);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    l->base = base;
    Status st = TF_OK;
    if (strchr(which, '/')) {
        snprintf(l->dir, sizeof l->dir, "%s", which);
        size_t len = strlen(l->dir);
        if (len > 11 && strcmp(l->dir + len - 11, "/lesson.ini") == 0)
            l->dir[len - 11] = '\0';
        while ((len = strlen(l->dir)) > 1 && l->dir[len - 1] == '/')
            l->dir[len - 1] = '\0';
    } else {
        st = lesson_find(data_dir, which, l->dir, sizeof l->dir, err);
    }
    if (st == TF_OK) {
        const char *base_name = strrchr(l->dir, '/');
        base_name = base_name ? base_name + 1 : l->dir;
        if (!split_dir_name(base_name, &l->number, l->slug, sizeof l->slug)) {
            l->number = 0;
            snprintf(l->slug, sizeof l->slug, "%.63s", base_name);
        }
        if (strlen(l->dir) + 12 > sizeof l->ini_path)
            st = error_set(err, TF_ERR_INPUT, "%.200s...: path too long", l->dir);
        else
            snprintf(l->ini_path, sizeof l->ini_path, "%.4000s/lesson.ini", l->dir);
        if (st == TF_OK)
            st = lesson_read_ini(l, err);
    }
    if (st == TF_OK)
        st = lesson_read_narration(l, err);
    if (st) {
        lesson_free(l);
        return st;
    }
    *out = l;
    return TF_OK;
}

void lesson_free(Lesson *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n_claims; i++)
        claim_free(&l->claims[i].claim);
    for (int i = 0; i < l->n_charts; i++)
        lesson_chart_free(&l->charts[i]);
    lesson_questions_free(l);
    lesson_narration_free(&l->en);
    lesson_narration_free(&l->zh);
    free(l->base);
    free(l);
}

int lesson_number(const Lesson *l) { return l->number; }
const char *lesson_slug(const Lesson *l) { return l->slug; }

const char *lesson_title(const Lesson *l, const char *lang)
{
    if (lang && strcmp(lang, "zh") == 0 && l->title_zh[0])
        return l->title_zh;
    return l->title;
}

int lesson_step_count(const Lesson *l) { return l->n_steps; }
int lesson_try_count(const Lesson *l) { return l->n_tries; }
const LessonTry *lesson_try(const Lesson *l, int i) { return i >= 0 && i < l->n_tries ? &l->tries[i] : NULL; }

const LessonStep *lesson_step(const Lesson *l, int i)
{
    return i >= 0 && i < l->n_steps ? &l->steps[i] : NULL;
}

const char *lesson_step_note(const Lesson *l, int i, const char *lang)
{
    const LessonStep *s = lesson_step(l, i);
    if (!s)
        return NULL;
    return lang && strcmp(lang, "zh") == 0 && s->note_zh[0] ? s->note_zh : s->note;
}

int lesson_run_count(const Lesson *l) { return l->n_runs; }

const char *lesson_run_name(const Lesson *l, int i)
{
    return i >= 0 && i < l->n_runs ? l->runs[i].name : NULL;
}

int lesson_claim_count(const Lesson *l) { return l->n_claims; }

const char *lesson_narration(const Lesson *l, const char *record_name, const char *lang)
{
    if (!record_name)
        return NULL;
    char name[LESSON_NAME_MAX], run[32] = "main";
    snprintf(name, sizeof name, "%s", record_name);
    char *at = strchr(name, '@');
    if (at) {
        *at = '\0';
        snprintf(run, sizeof run, "%s", at + 1);
    }
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < l->n_steps; i++) {
            const LessonStep *s = &l->steps[i];
            if (strcmp(s->run, run) != 0)
                continue;
            bool hit = pass == 0 ? strcmp(s->pattern, name) == 0 : fnmatch(s->pattern, name, 0) == 0;
            if (hit)
                return lesson_step_narration(l, i, lang);
        }
    return NULL;
}
