/* regress_main.c — run a fuzz harness on kept inputs, without libFuzzer.
 *
 * usage: fuzz_NAME FILE|DIR...   (a directory: every file in it, sorted)
 *
 * Linked with one harness (tests/fuzz/fuzz_NAME.c) by any compiler, so
 * every crash libFuzzer ever found (tests/fuzz/regress/NAME/) is checked
 * by `make test` on machines without clang, under ASan + UBSan in its
 * second pass. Each input runs in a child process: a crash is reported
 * with the input's path and the child's messages, and the rest still run.
 * Exit 0 when every input ran to completion, 1 otherwise. */
#define _GNU_SOURCE  /* memfd: fuzz_support.h */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_support.h"

/* LeakSanitizer's check, present in ASan builds: libFuzzer counts a leak as
 * a crash, so the children here check for one before they leave (they
 * leave by _exit, which skips the check LeakSanitizer makes at exit). */
extern void __lsan_do_leak_check(void) __attribute__((weak));

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *grown = realloc(buf, cap *= 2);
            if (!grown) {
                free(buf);
                buf = NULL;
            }
            buf = grown;
        }
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = n;
    return buf;
}

/* Run the harness on one file in a child; 0 when it returned normally. */
static int run_one(const char *path)
{
    size_t size = 0;
    unsigned char *data = read_file(path, &size);
    if (!data) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
        return 1;
    }
    FILE *log = tmpfile();
    if (!log) {
        perror("tmpfile");
        free(data);
        return 1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(fileno(log), STDERR_FILENO) < 0)
            _exit(3);
        /* An allocation of exactly the input's size, as libFuzzer passes
         * it, so ASan sees a read one byte past its end. */
        unsigned char *exact = malloc(size);
        if (!exact && size)
            _exit(3);
        if (size)
            memcpy(exact, data, size);
        free(data);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
        if (__lsan_do_leak_check)
            __lsan_do_leak_check();  /* reports and exits non-zero on a leak */
        fflush(NULL);
        _exit(0);  /* not exit: the scratch directory is the parent's to remove */
    }
    free(data);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        perror("fork");
        fclose(log);
        return 1;
    }
    int failed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (failed) {
        if (WIFSIGNALED(status))
            fprintf(stderr, "FAIL %s: killed by signal %d\n", path, WTERMSIG(status));
        else
            fprintf(stderr, "FAIL %s: exit %d\n", path, WEXITSTATUS(status));
        rewind(log);
        char line[1024];
        while (fgets(line, sizeof line, log))
            fputs(line, stderr);
    }
    fclose(log);
    return failed;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every file of dir, in name order; adds to *ran and *failed. */
static void run_dir(const char *dir, int *ran, int *failed)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open: %s\n", dir, strerror(errno));
        (*failed)++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                abort();
            names = grown;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            (*ran)++;
            *failed += run_one(names[i]);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    fuzz_scratch_dir();  /* one directory for every child, removed when this process ends */
    int ran = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            run_dir(argv[i], &ran, &failed);
        } else {
            ran++;
            failed += run_one(argv[i]);
        }
    }
    const char *name = strrchr(argv[0], '/');
    printf("%s: %d inputs, %d failed\n", name ? name + 1 : argv[0], ran, failed);
    return failed ? 1 : 0;
}
