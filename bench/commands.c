/* commands.c — what a user waits for at the command line, timed as whole
 * processes of build/traceformer: a cold `run` at the base size, and a big
 * trace (838 MB: the base model reading 500 characters into a 500-character
 * target) — its run's time and peak memory, `ls`, `plot` of one 8 MB
 * attention record (one head and all eight), and `export` of it as .dat
 * against .npy. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "trace/trace.h"
#include "view/cache.h"

enum { RUNS = 5 };

/* Runs argv (stdout and stderr to /dev/null), returns its wall time in ms,
 * its peak resident memory in MB into *rss_mb when not NULL; −1 when it
 * fails. */
static double timed_command(char *const argv[], double *rss_mb)
{
    fflush(stdout);  /* else the child's freopen writes out what the parent has buffered */
    double t0 = bench_now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    if (rss_mb)
        *rss_mb = ru.ru_maxrss / 1024.0;
    return bench_now_ms() - t0;
}

/* Every record of the trace fetched as the viewer fetches the one a key
 * lands on (checked, paged, its statistics for the colour scale and the
 * number format), in file order, each once: the time per record, median
 * and slowest. Drawing the screen is not included. */
static void view_fetches(const char *trace)
{
    Error err = {0};
    TraceReader *r;
    if (trace_reader_open(&r, trace, &err)) {
        printf("big.view_fetch: failed (%s)\n", err.msg);
        return;
    }
    uint32_t n = trace_reader_count(r);
    double *t = calloc(n ? n : 1, sizeof *t);
    RecordCache cache = {0};
    for (uint32_t i = 0; i < n; i++) {
        double t0 = bench_now_ms();
        const CachedRecord *c = cache_fetch(&cache, r, i);
        t[i] = bench_now_ms() - t0;
        if (!c->ok) {
            printf("big.view_fetch: failed (record %u: %s)\n", i, c->err.msg);
            n = 0;
        }
    }
    if (n) {
        double m = bench_median(t, (int)n);  /* sorts t */
        printf("big.view_fetch: %.2f ms per record (median of %u records; 90th percentile %.2f, slowest %.2f: "
               "the 8 MB attention records; a record fetched as the viewer's keys fetch it, drawing not "
               "included; aim <= 5)\n",
               m, n, t[n * 9 / 10], t[n - 1]);
    }
    fflush(stdout);
    cache_free(&cache);
    free(t);
    trace_reader_close(r);
}

/* RUNS runs of argv: the median and spread in ms, printed as NAME. */
static int time_runs(const char *name, char *const argv[], const char *what)
{
    double t[RUNS], rss = 0;
    for (int r = 0; r < RUNS; r++)
        if ((t[r] = timed_command(argv, &rss)) < 0) {
            printf("%s: failed (%s)\n", name, argv[1]);
            return -1;
        }
    double m = bench_median(t, RUNS);
    printf("%s: %.3f s (median of %d, %.3f–%.3f; %s; peak memory %.0f MB)\n", name, m / 1e3, RUNS, t[0] / 1e3,
           t[RUNS - 1] / 1e3, what, rss);
    fflush(stdout);
    return 0;
}

static void write_big_ini(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "[model]\narch = encoder-decoder\nd_model = 512\nheads = 8\nd_ff = 2048\nlayers = 6\nmax_len = 512\n"
               "seed = 1\n\n[vocab]\ntokenizer = chars\ntokens = a b c d e f g h i j k l m n o p q r s t u v w x y z\n"
               "\n[input]\nsrc = ");
    for (int i = 0; i < 500; i++)
        fputc('a' + (i * 7 + i / 26) % 26, f);
    fprintf(f, "\ntgt = ");
    for (int i = 0; i < 499; i++)
        fputc('a' + (i * 11 + 3) % 26, f);
    fputc('\n', f);
    fclose(f);
}

static void remove_tree(const char *dir)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/rm", "rm", "-rf", dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

void bench_commands(const char *prog)
{
    char dir[] = "/tmp/traceformer-bench-cmd-XXXXXX";
    if (!mkdtemp(dir)) {
        printf("cold.run_base: skipped (no temporary directory)\n");
        return;
    }
    char ini[4200], trace[4200], out[4200];
    snprintf(ini, sizeof ini, "%s/base.ini", dir);
    snprintf(trace, sizeof trace, "%s/base.trace", dir);
    if (!bench_write_base_ini(ini, 64, 500)) {
        printf("cold.run_base: skipped (cannot write %s)\n", ini);
        remove_tree(dir);
        return;
    }
    char *run[] = {(char *)prog, "run", "-q", "--config", ini, "-o", trace, NULL};
    time_runs("cold.run_base", run, "traceformer run at the base size, seeded weights, 41 MB trace, whole process; "
                                   "aim <= 0.4");

    /* The big trace. */
    snprintf(ini, sizeof ini, "%s/big.ini", dir);
    snprintf(trace, sizeof trace, "%s/big.trace", dir);
    write_big_ini(ini);
    char *big[] = {(char *)prog, "run", "-q", "--config", ini, "-o", trace, NULL};
    double rss = 0, ms = timed_command(big, &rss);
    struct stat st;
    if (ms < 0 || stat(trace, &st) != 0) {
        printf("big.run: failed (%s run --config %s)\n", prog, ini);
        remove_tree(dir);
        return;
    }
    printf("big.run: %.2f s (one run, %.0f MB trace: base model, 500 + 500 characters)\n", ms / 1e3,
           (double)st.st_size / 1e6);
    printf("big.run_peak_memory: %.0f MB (aim < 300 for a trace of 700 MB or more)\n", rss);
    char *ls[] = {(char *)prog, "ls", trace, NULL};
    time_runs("big.ls", ls, "aim <= 0.05");
    view_fetches(trace);

    const char *rec = "dec.0.self_attn.weights";  /* [head 8, query 500, key 500]: 8 MB */
    snprintf(out, sizeof out, "%s/plots", dir);
    char *one[] = {(char *)prog, "plot", trace, (char *)rec, "--head", "0", "-o", out, NULL};
    time_runs("big.plot_one_head", one, "8 MB record, one head of eight, PNG; aim <= 1");
    char *all[] = {(char *)prog, "plot", trace, (char *)rec, "-o", out, NULL};
    time_runs("big.plot_all_heads", all, "8 MB record, eight heads on one figure, PNG; aim <= 3");

    double t[2][RUNS];
    const char *fmt[2] = {"npy", "dat"};
    for (int r = 0; r < RUNS; r++)
        for (int k = 0; k < 2; k++) {
            char *ex[] = {(char *)prog, "export", trace, (char *)rec, "--format", (char *)fmt[k], "-o", out, NULL};
            if ((t[k][r] = timed_command(ex, NULL)) < 0) {
                printf("big.export_dat_vs_npy: failed (%s export --format %s)\n", prog, fmt[k]);
                remove_tree(dir);
                return;
            }
        }
    double ratio[RUNS];
    for (int r = 0; r < RUNS; r++)
        ratio[r] = t[1][r] / t[0][r];
    char spread[96];
    bench_spread(spread, sizeof spread, ratio, RUNS);
    printf("big.export_dat_vs_npy: %s ratio (aim <= 5; .dat %.3f s, .npy %.3f s, medians; 8 MB record)\n", spread,
           bench_median(t[1], RUNS) / 1e3, bench_median(t[0], RUNS) / 1e3);
    fflush(stdout);
    remove_tree(dir);
}
