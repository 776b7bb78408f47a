#include "plot/gnuplot.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The program to run: $TRACEFORMER_GNUPLOT when set and not empty, else
 * "gnuplot" (looked up on PATH). */
static const char *gnuplot_program(void)
{
    const char *p = getenv("TRACEFORMER_GNUPLOT");
    return p && p[0] ? p : "gnuplot";
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The end of the child's log (where gnuplot's error is), trimmed, each
 * line indented, into buf. */
static void read_log(const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char raw[700];
    size_t n = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size > (long)sizeof raw - 1)
            fseek(f, size - (long)(sizeof raw - 1), SEEK_SET);
        else
            fseek(f, 0, SEEK_SET);
        n = fread(raw, 1, sizeof raw - 1, f);
    }
    fclose(f);
    raw[n] = '\0';
    while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == ' ' || raw[n - 1] == '\r'))
        raw[--n] = '\0';
    size_t k = 0;
    const char *s = raw;
    while (*s == '\n')
        s++;
    if (*s && k + 3 < cap) {
        memcpy(buf + k, "  ", 2);
        k += 2;
    }
    for (; *s && k + 4 < cap; s++) {
        /* control characters other than line breaks would garble a terminal */
        char c = (*s == '\n' || *s == '\t' || (unsigned char)*s >= 0x20) ? *s : '?';
        buf[k++] = c;
        if (c == '\n') {
            buf[k++] = ' ';
            buf[k++] = ' ';
        }
    }
    buf[k] = '\0';
}

extern char **environ;

/* gnuplot's malloc keeps 64 MB above the top of its heap rather than
 * giving it back: each panel of a grid allocates its points (some 20 MB
 * for a 500 x 500 page) and frees them when the next panel is drawn;
 * without the pad glibc returns that memory to the system and every panel
 * faults it in afresh: 39 000 page faults instead of 8 700, and nearly
 * half of gnuplot's time, for eight heads of 500 x 500. Read by glibc at
 * gnuplot's start; other C libraries ignore it. */
#define GNUPLOT_TUNABLES "glibc.malloc.top_pad=67108864"

/* Our environment with GNUPLOT_TUNABLES put before any GLIBC_TUNABLES
 * there (a later setting of the same tunable wins: the user's own); NULL
 * when out of memory (gnuplot then runs in ours). Free with free_env. */
static char **gnuplot_env(void)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env)
        return NULL;
    static const char name[] = "GLIBC_TUNABLES=";
    const char *theirs = getenv("GLIBC_TUNABLES");
    size_t len = strlen(name) + strlen(GNUPLOT_TUNABLES) + (theirs ? 1 + strlen(theirs) : 0) + 1;
    char *tunables = malloc(len);
    if (!tunables) {
        free(env);
        return NULL;
    }
    snprintf(tunables, len, "%s%s%s%s", name, GNUPLOT_TUNABLES, theirs ? ":" : "", theirs ? theirs : "");
    size_t k = 0;
    env[k++] = tunables;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], name, strlen(name)) != 0)
            env[k++] = environ[i];
    env[k] = NULL;
    return env;
}

static void free_env(char **env)
{
    if (env)
        free(env[0]);
    free(env);
}

static bool custom_program(void)
{
    const char *p = getenv("TRACEFORMER_GNUPLOT");
    return p && p[0];
}

static Status missing(const char *prog, int e, Error *err)
{
    if (e == ENOENT && !custom_program()) {
        error_set(err, TF_ERR_RUNTIME, "gnuplot is not installed (no 'gnuplot' program on PATH); "
                                       "it draws the images of `traceformer plot`");
        error_hint(err, "install it with: sudo apt-get install gnuplot-nox fonts-wqy-microhei");
    } else {
        error_set(err, TF_ERR_RUNTIME, "cannot run %s%s: %s", prog,
                  custom_program() ? " (named by TRACEFORMER_GNUPLOT)" : "", strerror(e));
        if (e == ENOENT)
            error_hint(err, "install gnuplot with: sudo apt-get install gnuplot-nox fonts-wqy-microhei");
    }
    return TF_ERR_RUNTIME;
}

static bool executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

Status gnuplot_check(Error *err)
{
    const char *prog = gnuplot_program();
    if (strchr(prog, '/'))
        return executable(prog) ? TF_OK : missing(prog, access(prog, F_OK) == 0 ? EACCES : ENOENT, err);
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    char buf[4200];
    for (const char *p = path;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        /* an empty entry is the current directory */
        int n = len ? snprintf(buf, sizeof buf, "%.*s/%s", (int)len, p, prog) : snprintf(buf, sizeof buf, "./%s", prog);
        if (n > 0 && n < (int)sizeof buf && executable(buf))
            return TF_OK;
        if (!colon)
            break;
        p = colon + 1;
    }
    return missing(prog, ENOENT, err);
}

Status gnuplot_run(const char *dir, const char *script, const char *assignments, const char *what,
                   double timeout_s, Error *err)
{
    const char *prog = gnuplot_program();
    char log_path[4200];
    if (snprintf(log_path, sizeof log_path, "%s/%s", dir, GNUPLOT_LOG_NAME) >= (int)sizeof log_path)
        return error_set(err, TF_ERR_INPUT, "%s: path too long", dir);

    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int status_pipe[2] = {-1, -1};
    if (log_fd < 0 || null_fd < 0 || pipe(status_pipe) != 0 ||
        fcntl(status_pipe[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(status_pipe[1], F_SETFD, FD_CLOEXEC) != 0) {
        int e = errno;
        if (log_fd >= 0)
            close(log_fd);
        if (null_fd >= 0)
            close(null_fd);
        if (status_pipe[0] >= 0) {
            close(status_pipe[0]);
            close(status_pipe[1]);
        }
        return error_set(err, TF_ERR_RUNTIME, "%s: cannot prepare to run gnuplot: %s", dir, strerror(e));
    }

    char *argv[] = {(char *)prog, "-d", "-e", (char *)assignments, (char *)script, NULL};
    char **env = gnuplot_env();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        if (env)
            environ = env;
        if (chdir(dir) == 0 && dup2(null_fd, 0) >= 0 && dup2(log_fd, 1) >= 0 && dup2(log_fd, 2) >= 0)
            execvp(prog, argv);
        int e = errno;
        ssize_t w = write(status_pipe[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    int fork_errno = errno;
    free_env(env);
    close(log_fd);
    close(null_fd);
    close(status_pipe[1]);
    if (pid < 0) {
        close(status_pipe[0]);
        return error_set(err, TF_ERR_RUNTIME, "cannot start %s: %s", prog, strerror(fork_errno));
    }

    /* The pipe closes on a successful exec; an errno arrives when it failed. */
    int exec_errno = 0;
    ssize_t got;
    do
        got = read(status_pipe[0], &exec_errno, sizeof exec_errno);
    while (got < 0 && errno == EINTR);
    close(status_pipe[0]);

    int wstatus = 0;
    double deadline = now_s() + timeout_s;
    long nap_ns = 200000;  /* 0.2 ms, doubling to 20 ms: short figures finish without a long sleep */
    bool timed_out = false;
    for (;;) {
        pid_t w = waitpid(pid, &wstatus, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            int e = errno;
            return error_set(err, TF_ERR_RUNTIME, "waiting for %s: %s", prog, strerror(e));
        }
        if (!timed_out && now_s() > deadline) {
            kill(pid, SIGKILL);  /* our own child, by its id */
            timed_out = true;
        }
        struct timespec ts = {0, nap_ns};
        nanosleep(&ts, NULL);
        if (nap_ns < 20000000)
            nap_ns *= 2;
    }

    if (got == (ssize_t)sizeof exec_errno)
        return missing(prog, exec_errno, err);
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && !timed_out)
        return TF_OK;

    char log[720];
    read_log(log_path, log, sizeof log);
    char how[80];
    if (timed_out)
        snprintf(how, sizeof how, "did not finish within %.0f s and was stopped", timeout_s);
    else if (WIFSIGNALED(wstatus))
        snprintf(how, sizeof how, "was killed by signal %d", WTERMSIG(wstatus));
    else
        snprintf(how, sizeof how, "failed (exit status %d)", WEXITSTATUS(wstatus));
    error_set(err, TF_ERR_RUNTIME, "gnuplot %s drawing %s with %s%s%s", how, what, script,
              log[0] ? ":\n" : " and printed nothing", log);
    return TF_ERR_RUNTIME;
}
