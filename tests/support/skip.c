/* skip.c — the suite's one skip rule for the cmocka programs (skip.h). */
#include "skip.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

void test_cannot_run(const char *who, const char *why)
{
    const char *allow = getenv("TF_ALLOW_SKIP");
    if (!allow || strcmp(allow, "1") != 0)
        fail_msg("%s: cannot run: %s (TF_ALLOW_SKIP=1 lets it be skipped)", who, why);
    printf("  skip %s: %s\n", who, why);
    fflush(stdout);
    const char *log = getenv("TF_SKIP_LOG");
    FILE *f = log && log[0] ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%s: %s\n", who, why);
        fclose(f);
    }
    skip();
}
