/* scratch_dir.c — a guarded temporary directory: made with mkdtemp and
 * registered with io/signal_cleanup, whose handler removes it (and the
 * temporary output files of the command) when a signal ends the program. */
#include "cli/scratch_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/signal_cleanup.h"

static char guarded[4096];
static int guarded_slot = -1;

int scratch_dir_make(char *dir, size_t cap, const char *prefix)
{
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = "/tmp";
    int n = snprintf(dir, cap, "%s/%s-XXXXXX", base, prefix);
    if (n < 0 || (size_t)n >= cap || (size_t)n >= sizeof guarded) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!mkdtemp(dir))
        return -1;
    signal_cleanup_drop(guarded_slot);
    memcpy(guarded, dir, (size_t)n + 1);
    guarded_slot = signal_cleanup_add(dir, CLEANUP_TREE);
    signal_cleanup_install();
    return 0;
}

void scratch_dir_remove(const char *dir)
{
    if (guarded_slot >= 0 && strcmp(dir, guarded) == 0) {
        signal_cleanup_drop(guarded_slot);
        guarded_slot = -1;
    }
    signal_cleanup_remove_tree(dir);
}
