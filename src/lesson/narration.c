/* narration.c — lesson.md and lesson.zh.md: the words beside the matrices.
 *
 * A narration file is Markdown with one "## STEP" section per step of
 * lesson.ini, STEP written exactly as in its `step =` line. A "# " title
 * line may come first; text before the first section is the introduction.
 * Lines inside ``` fences are text, never headings. Every section must
 * name a step, and every step must have a section.
 *
 * A "## question.ID" section holds the words of [question.ID]: the
 * question, then a "### hint" and a "### explanation" subsection (shown
 * after the answer). Every question has one in each narration file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "text/printable.h"

enum { NARRATION_MAX = 1 << 20 };

void lesson_narration_free(LessonNarration *n)
{
    free(n->intro);
    for (int i = 0; i < LESSON_MAX_STEPS; i++)
        free(n->step_text[i]);
    for (int i = 0; i < LESSON_MAX_QUESTIONS; i++) {
        free(n->q_text[i]);
        free(n->q_hint[i]);
        free(n->q_expl[i]);
    }
    memset(n, 0, sizeof *n);
}

/* A copy of [s, s+n) without leading and trailing blank lines. */
static char *trimmed_copy(const char *s, size_t n)
{
    while (n && (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return NULL;
    char *t = malloc(n + 1);
    if (t) {
        memcpy(t, s, n);
        t[n] = '\0';
    }
    return t;
}

static Status read_file(const char *path, char **out, bool *missing, Error *err)
{
    *out = NULL;
    *missing = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) {
            *missing = true;
            return TF_OK;
        }
        return error_set(err, TF_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
    }
    char *buf = malloc(NARRATION_MAX + 1);
    if (!buf) {
        fclose(f);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    size_t n = fread(buf, 1, NARRATION_MAX + 1, f);
    fclose(f);
    if (n > NARRATION_MAX) {
        free(buf);
        return error_set(err, TF_ERR_INPUT, "%s: larger than 1 MiB", path);
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        free(buf);
        return error_set(err, TF_ERR_INPUT, "%s: NUL byte in a text file", path);
    }
    /* The narration is printed as it is (lesson --walk, the viewer): a
     * hidden character is refused here, naming its line. */
    Status bad = printable_file_check(buf, n, path, err);
    if (bad) {
        free(buf);
        return bad;
    }
    size_t bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;  /* an editor's byte-order mark */
    /* CRLF (a file from Windows) reads as LF: the viewer shows no stray \r */
    size_t w = 0;
    for (size_t r = bom; r < n; r++)
        if (!(buf[r] == '\r' && buf[r + 1] == '\n'))
            buf[w++] = buf[r];
    buf[w] = '\0';
    *out = buf;
    return TF_OK;
}

static int find_step(const Lesson *l, const char *key)
{
    for (int i = 0; i < l->n_steps; i++)
        if (strcmp(l->steps[i].key, key) == 0)
            return i;
    return -1;
}

static int find_question(const Lesson *l, const char *id)
{
    for (int i = 0; i < l->n_questions; i++)
        if (strcmp(l->questions[i].pub.id, id) == 0)
            return i;
    return -1;
}

/* The line "### NAME" (outside fences) in [s, s+n), or NULL. */
static const char *find_sub(const char *s, size_t n, const char *name)
{
    bool fence = false;
    const size_t nl = strlen(name);
    for (const char *p = s; p < s + n;) {
        const char *eol = memchr(p, '\n', (size_t)(s + n - p));
        const char *next = eol ? eol + 1 : s + n;
        if (strncmp(p, "```", 3) == 0)
            fence = !fence;
        if (!fence && (size_t)(next - p) >= 4 + nl && strncmp(p, "### ", 4) == 0 && strncmp(p + 4, name, nl) == 0) {
            const char *q = p + 4 + nl;
            while (q < next && (*q == ' ' || *q == '\r' || *q == '\t'))
                q++;
            if (q == next || *q == '\n')
                return p;
        }
        p = next;
    }
    return NULL;
}

/* A question's section body: the question, "### hint", "### explanation". */
static Status split_question(const Lesson *l, const char *path, int line, int qi, const char *s, size_t n,
                             LessonNarration *out, Error *err)
{
    const char *id = l->questions[qi].pub.id;
    const char *hint = find_sub(s, n, "hint"), *expl = find_sub(s, n, "explanation");
    if (!hint || !expl) {
        Status st = error_set(err, TF_ERR_INPUT, "%s:%d: '## question.%s' has no '### %s' subsection", path, line,
                              id, !hint ? "hint" : "explanation");
        error_hint(err, "the question, then '### hint' (a nudge), then '### explanation' (why, shown after the "
                        "answer)");
        return st;
    }
    if (expl < hint)
        return error_set(err, TF_ERR_INPUT, "%s:%d: '## question.%s': '### hint' comes before '### explanation'",
                         path, line, id);
    const char *hint_body = strchr(hint, '\n'), *expl_body = strchr(expl, '\n');
    hint_body = hint_body ? hint_body + 1 : expl;
    expl_body = expl_body && expl_body < s + n ? expl_body + 1 : s + n;
    out->q_text[qi] = trimmed_copy(s, (size_t)(hint - s));
    out->q_hint[qi] = trimmed_copy(hint_body, (size_t)(expl - hint_body));
    out->q_expl[qi] = trimmed_copy(expl_body, (size_t)(s + n - expl_body));
    const char *empty = !out->q_text[qi] ? "the question" : !out->q_hint[qi] ? "the hint" : !out->q_expl[qi] ? "the explanation" : NULL;
    if (empty)
        return error_set(err, TF_ERR_INPUT, "%s:%d: '## question.%s': %s is empty", path, line, id, empty);
    return TF_OK;
}

static Status parse(const Lesson *l, const char *path, const char *text, LessonNarration *out, Error *err)
{
    const char *sec_start = text;  /* body of the current section */
    int cur = -2;                  /* -2: intro; else the step index */
    int sec_line[LESSON_MAX_STEPS] = {0};
    int q_line[LESSON_MAX_QUESTIONS] = {0};
    int cur_line = 0;              /* of the current section's heading */
    bool fence = false, title_done = false;
    int line = 0;
    const char *p = text;
    for (;;) {
        const char *eol = strchr(p, '\n');
        const char *next = eol ? eol + 1 : p + strlen(p);
        size_t len = (size_t)(next - p);
        bool at_end = *p == '\0';
        line++;
        bool heading = !at_end && !fence && len >= 3 && strncmp(p, "## ", 3) == 0;
        if (!at_end && !fence && !title_done && cur == -2 && strncmp(p, "# ", 2) == 0) {
            sec_start = next;  /* the title line is not part of the intro */
            title_done = true;
            p = next;
            continue;
        }
        if (!at_end && strncmp(p, "```", 3) == 0)
            fence = !fence;
        if (heading || at_end) {
            if (cur >= LESSON_MAX_STEPS) {
                Status st = split_question(l, path, cur_line, cur - LESSON_MAX_STEPS, sec_start,
                                           (size_t)(p - sec_start), out, err);
                if (st)
                    return st;
            } else {
                char *body = trimmed_copy(sec_start, (size_t)(p - sec_start));
                if (cur == -2)
                    out->intro = body;
                else
                    out->step_text[cur] = body;
            }
            if (at_end)
                break;
            char key[LESSON_NAME_MAX + 8];
            size_t k = len - 3;
            while (k && (p[3 + k - 1] == '\n' || p[3 + k - 1] == '\r' || p[3 + k - 1] == ' '))
                k--;
            if (k >= sizeof key)
                k = sizeof key - 1;
            memcpy(key, p + 3, k);
            key[k] = '\0';
            int s = find_step(l, key);
            if (s < 0 && strncmp(key, "question.", 9) == 0) {
                int qi = find_question(l, key + 9);
                if (qi < 0) {
                    Status st = error_set(err, TF_ERR_INPUT, "%s:%d: '## %s' names no question of lesson.ini", path,
                                          line, key);
                    error_hint(err, "each '## question.ID' heading holds the words of a [question.ID] section");
                    return st;
                }
                if (q_line[qi])
                    return error_set(err, TF_ERR_INPUT, "%s:%d: question '%s' already has a section on line %d",
                                     path, line, key + 9, q_line[qi]);
                q_line[qi] = line;
                cur = LESSON_MAX_STEPS + qi;
                cur_line = line;
                sec_start = next;
                title_done = true;
                p = next;
                continue;
            }
            if (s < 0) {
                Status st = error_set(err, TF_ERR_INPUT, "%s:%d: '## %s' names no step of lesson.ini", path, line, key);
                error_hint(err, "each '## ' heading is a step, written as in its 'step =' line (e.g. ## %s)",
                           l->steps[0].key);
                return st;
            }
            if (sec_line[s])
                return error_set(err, TF_ERR_INPUT, "%s:%d: step '%s' already has a section on line %d", path, line,
                                 key, sec_line[s]);
            sec_line[s] = line;
            cur = s;
            sec_start = next;
        }
        title_done = true;
        p = next;
    }
    for (int i = 0; i < l->n_steps; i++)
        if (!out->step_text[i]) {
            Status st = error_set(err, TF_ERR_INPUT, "%s: step '%s' (%s:%d) has no narration", path, l->steps[i].key,
                                  l->ini_path, l->steps[i].line);
            error_hint(err, "add a section '## %s' with what the student should look at", l->steps[i].key);
            return st;
        }
    for (int i = 0; i < l->n_questions; i++)
        if (!q_line[i]) {
            Status st = error_set(err, TF_ERR_INPUT, "%s: question '%s' (%s:%d) has no section", path,
                                  l->questions[i].pub.id, l->ini_path, l->questions[i].pub.line);
            error_hint(err, "add '## question.%s' with the question, '### hint' and '### explanation'",
                       l->questions[i].pub.id);
            return st;
        }
    return TF_OK;
}

Status lesson_read_narration(Lesson *l, Error *err)
{
    static const char *const names[2] = {"lesson.md", "lesson.zh.md"};
    LessonNarration *dst[2] = {&l->en, &l->zh};
    for (int i = 0; i < 2; i++) {
        char path[LESSON_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", l->dir, names[i]);
        char *text;
        bool missing;
        Status st = read_file(path, &text, &missing, err);
        if (st)
            return st;
        if (missing) {
            if (i == 0)
                return error_set(err, TF_ERR_INPUT, "%s: missing: every lesson has its narration in lesson.md", path);
            continue;
        }
        dst[i]->present = true;
        st = parse(l, path, text, dst[i], err);
        free(text);
        if (st)
            return st;
    }
    return TF_OK;
}

static const LessonNarration *pick(const Lesson *l, const char *lang)
{
    return lang && strcmp(lang, "zh") == 0 ? &l->zh : &l->en;
}

const char *lesson_intro(const Lesson *l, const char *lang)
{
    return pick(l, lang)->intro;
}

const char *lesson_step_narration(const Lesson *l, int i, const char *lang)
{
    if (i < 0 || i >= l->n_steps)
        return NULL;
    return pick(l, lang)->step_text[i];
}
