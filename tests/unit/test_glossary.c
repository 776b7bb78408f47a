/* test_glossary.c — the bilingual glossary is written once (view/glossary.c)
 * and shown twice: lessons/README.md's "Glossary" table must list the
 * same terms with the same meanings, in the same order, and every row
 * must fit its column of the viewer's help screen at 80 columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/glossary.h"
#include "view/text.h"

#define MAX_ROWS 64

typedef struct {
    char cell[4][256];  /* English, 中文, meaning, 含义 */
} Row;

static const char *source_dir(void)
{
    const char *d = getenv("TF_SOURCE_DIR");
    return d && *d ? d : ".";
}

/* Trim spaces at both ends of s in place. */
static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* The rows of the table under "## Glossary" in text (header and rule
 * line skipped); -1 when there is no such section. */
static int readme_rows(const char *path, Row *rows, int cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[2048];
    bool in = false;
    int n = 0, table_line = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "## ", 3) == 0) {
            if (in)
                break;
            in = strncmp(line, "## Glossary", 11) == 0;
            continue;
        }
        if (!in || line[0] != '|')
            continue;
        if (table_line++ < 2)  /* | English | 中文 | ... and |---| */
            continue;
        if (n >= cap)
            break;
        char *p = line + 1;
        for (int c = 0; c < 4; c++) {
            char *bar = strchr(p, '|');
            if (bar)
                *bar = '\0';
            snprintf(rows[n].cell[c], sizeof rows[n].cell[c], "%s", trim(p));
            p = bar ? bar + 1 : p + strlen(p);
        }
        n++;
    }
    fclose(f);
    return in || n > 0 ? n : -1;
}

static void test_readme_matches_table(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/lessons/README.md", source_dir());
    static Row rows[MAX_ROWS];
    int n_readme = readme_rows(path, rows, MAX_ROWS);
    if (n_readme < 0)
        fail_msg("%s has no '## Glossary' section", path);
    int n;
    const GlossaryEntry *g = glossary_entries(&n);
    for (int i = 0; i < n && i < n_readme; i++) {
        const char *want[4] = {g[i].term[VIEW_LANG_EN], g[i].term[VIEW_LANG_ZH], g[i].meaning[VIEW_LANG_EN],
                               g[i].meaning[VIEW_LANG_ZH]};
        for (int c = 0; c < 4; c++)
            if (strcmp(rows[i].cell[c], want[c]) != 0)
                fail_msg("%s glossary row %d, column %d: '%s', but src/view/glossary.c says '%s'", path, i + 1,
                         c + 1, rows[i].cell[c], want[c]);
    }
    if (n_readme != n)
        fail_msg("%s's glossary has %d terms, src/view/glossary.c %d", path, n_readme, n);
}

/* The help screen's columns (draw_help.c): English term at 0, Chinese at
 * 21, the meaning at 33 of 72. */
static void test_rows_fit_help(void **state)
{
    (void)state;
    int n;
    const GlossaryEntry *g = glossary_entries(&n);
    assert_true(n >= 20 && n <= 30);
    for (int i = 0; i < n; i++) {
        if (text_width(g[i].term[VIEW_LANG_EN], false) > 20 || text_width(g[i].term[VIEW_LANG_ZH], false) > 11)
            fail_msg("glossary row %d: '%s' / '%s' is too wide for its column", i + 1, g[i].term[0], g[i].term[1]);
        for (int l = 0; l < VIEW_N_LANGS; l++)
            if (text_width(g[i].meaning[l], false) > 39)
                fail_msg("glossary row %d: '%s' is %d columns, more than 39", i + 1, g[i].meaning[l],
                         text_width(g[i].meaning[l], false));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_matches_table),
        cmocka_unit_test(test_rows_fit_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
