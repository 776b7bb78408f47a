/* stats.c — the clock, medians and spreads of `make bench`. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

const char *bench_spread(char *buf, size_t cap, double *ratio, int n)
{
    double m = bench_median(ratio, n);
    snprintf(buf, cap, "%.2f (%.2f–%.2f over %d rounds)", m, ratio[0], ratio[n - 1], n);
    return buf;
}

void bench_die(const Error *e)
{
    fprintf(stderr, "bench: %s\n", e->msg);
    exit(1);
}

int bench_paths(char *tree, size_t tree_cap, char *prog, size_t prog_cap)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');  /* BUILD/bench/bench → BUILD */
    if (!slash)
        return 0;
    *slash = '\0';
    if (!(slash = strrchr(exe, '/')))
        return 0;
    *slash = '\0';
    snprintf(prog, prog_cap, "%s/traceformer", exe);
    slash = strrchr(exe, '/');  /* BUILD → the tree */
    if (slash)
        *slash = '\0';
    snprintf(tree, tree_cap, "%s", slash ? exe : ".");
    return 1;
}
