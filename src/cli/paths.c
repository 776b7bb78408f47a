/* paths.c — locating the data directory. */
#include "cli/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TF_DATADIR
#define TF_DATADIR "/usr/local/share/traceformer"
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *paths_data_dir(void)
{
    static char dir[PATH_MAX];
    const char *env = getenv("TRACEFORMER_DATA");
    if (env && *env)
        return env;
    /* Run from the build tree: the executable is <tree>/build/traceformer (or build-asan/). */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            slash = strrchr(exe, '/');
            if (slash) {
                *slash = '\0';
                char probe[PATH_MAX + 32];
                snprintf(probe, sizeof probe, "%s/src/cli", exe);
                if (is_dir(probe) && snprintf(dir, sizeof dir, "%s", exe) < (int)sizeof dir)
                    return dir;
            }
        }
    }
    return TF_DATADIR;
}
