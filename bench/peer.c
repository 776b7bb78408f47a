/* peer.c — bench/torch_peer.py as a process bench talks to over pipes. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int peer_start(Peer *p, const char *tree, int blas_threads, int torch_threads)
{
    memset(p, 0, sizeof *p);
    p->pid = -1;
    char script[4200];
    snprintf(script, sizeof script, "%s/bench/torch_peer.py", tree);
    if (system("/usr/bin/python3 -c 'import torch' 2>/dev/null") != 0) {
        snprintf(p->facts, sizeof p->facts, "install python3-torch for the comparison");
        return -1;
    }
    int in[2], out[2];
    if (pipe(in) || pipe(out)) {
        snprintf(p->facts, sizeof p->facts, "no pipe");
        return -1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char n[16], t[16];
        snprintf(n, sizeof n, "%d", blas_threads);
        snprintf(t, sizeof t, "%d", torch_threads);
        /* OpenBLAS sizes its thread pool when it loads, from this. */
        setenv("OPENBLAS_NUM_THREADS", n, 1);
        setenv("OMP_NUM_THREADS", t, 1);
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl("/usr/bin/python3", "python3", script, n, t, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        snprintf(p->facts, sizeof p->facts, "no fork");
        return -1;
    }
    p->pid = pid;
    p->to = fdopen(in[1], "w");
    p->from = fdopen(out[0], "r");
    if (!p->to || !p->from || !fgets(p->facts, sizeof p->facts, p->from) || strncmp(p->facts, "ready ", 6) != 0) {
        peer_stop(p);
        snprintf(p->facts, sizeof p->facts, "bench/torch_peer.py did not start");
        return -1;
    }
    p->facts[strcspn(p->facts, "\n")] = '\0';
    memmove(p->facts, p->facts + 6, strlen(p->facts + 6) + 1);
    return 0;
}

/* Sends one command and reads up to n numbers of its answer line. */
static int ask(Peer *p, const char *cmd, int n, double *out)
{
    char line[8192];
    if (!p->to || fprintf(p->to, "%s %d\n", cmd, n) < 0 || fflush(p->to) || !fgets(line, sizeof line, p->from))
        return -1;
    char *s = line;
    int want = strcmp(cmd, "forward") == 0 ? n : 1;
    for (int i = 0; i < want; i++) {
        char *end;
        out[i] = strtod(s, &end);
        if (end == s)
            return -1;
        s = end;
    }
    return 0;
}

int peer_forward(Peer *p, int n, double *ms)
{
    return ask(p, "forward", n, ms);
}

int peer_generate(Peer *p, int n, double *ms_per_token)
{
    return ask(p, "generate", n, ms_per_token);
}

void peer_stop(Peer *p)
{
    if (p->to)
        fclose(p->to);  /* end of its input: the script ends */
    if (p->from)
        fclose(p->from);
    if (p->pid > 0)
        waitpid(p->pid, NULL, 0);
    p->to = p->from = NULL;
    p->pid = -1;
}
