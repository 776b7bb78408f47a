/* parallel.c — the thread count of the loops outside the BLAS, and the
 * small pool of threads that shares them out (core/parallel.h).
 *
 * One job at a time. The calling thread publishes it (function, context,
 * number of pieces) under a new generation in `state`, together with the
 * number of seats open to workers; a worker takes a seat by decrementing
 * that number for the generation it saw, and only a worker with a seat
 * reads the job. Pieces are then handed out one at a time from a counter,
 * the calling thread taking its share like any worker. When it runs out
 * of pieces it closes the seats and waits only for the workers that took
 * one: a worker the system had not woken in time never joins, and its
 * share has already been done. */
#include "core/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#ifndef TF_NO_BLAS
#include <cblas.h>
#endif

int parallel_threads(void)
{
#ifdef TF_NO_BLAS
    return 1;
#else
    const int n = openblas_get_num_threads();
    return n > 1 ? n : 1;
#endif
}

/* Set on the workers and, during its share, on the calling thread of a
 * parallel_for. */
static _Thread_local int in_piece;

/* Below this many values a loop over rows stays on one thread: a
 * LayerNorm of 64 rows of 512 (32 768 values, some 30 µs) is shared out;
 * the rows of a lesson's model (a few thousand values) are not. */
#define PARALLEL_ROW_MIN_NUMEL ((size_t)1 << 14)

int parallel_row_threads(size_t numel)
{
    if (numel < PARALLEL_ROW_MIN_NUMEL || in_piece)
        return 1;
    return parallel_threads();
}

/* How long an idle worker, or the calling thread waiting for the workers
 * at the end of a job, polls before it sleeps. The loops of a base forward
 * follow each other mostly less than 30 µs apart (counted: of some 90
 * loops a pass, nearly 9 in 10 come within 30 µs of the last, most others
 * 0.1–10 ms after, the products between them running on the calling thread):
 * polling bridges the short gaps without a futex wake, while a worker
 * left idle gives its core back within a twentieth of a millisecond. */
#define PARALLEL_SPIN_NS 50000L

/* The calling thread at the end of a job waits for a worker that is in
 * the middle of a piece (a head or a column chunk of a base forward: some
 * 0.1–0.5 ms), so it goes on looking for that long, yielding the core
 * between looks, before it sleeps: waking it from a futex costs tens of
 * microseconds more, at each of a pass's some 90 loops. (Measured in
 * interleaved runs on a shared two-core machine: a two-thread base forward
 * as fast as with OpenMP's spinning threads when quiet, no slower than
 * without the yielding under load; yielding workers, by contrast, were.) */
#define PARALLEL_CALLER_YIELD_NS 2000000LL

/* Workers beyond this are not started; the pass uses the ones it has. */
#define PARALLEL_MAX_WORKERS 63

/* The counters each on a cache line of their own: the one that hands out
 * pieces moves between cores at every piece, and the fields the workers
 * only read should not move with it. */
typedef struct {
    ParallelPiece piece;
    void *ctx;
    int pieces;
    _Alignas(64) atomic_int next;  /* the next piece to hand out */
    _Alignas(64) atomic_int left;  /* workers that took a seat and have finished */
} ParallelJob;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;   /* a new generation */
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;   /* a worker left a job */
/* The job's generation (high 32 bits) and the seats still open to workers
 * (low 32). */
static _Atomic uint64_t pool_state;
/* Set while a thread of the program has the pool (one job at a time). */
static atomic_flag pool_busy = ATOMIC_FLAG_INIT;
static ParallelJob pool_job;
static atomic_int pool_started;


int parallel_workers_started(void)
{
    return atomic_load(&pool_started);
}

static uint32_t state_generation(uint64_t s)
{
    return (uint32_t)(s >> 32);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Polls for up to PARALLEL_SPIN_NS until done(arg), then for up to
 * yield_ns more giving the core away (sched_yield) between looks; returns
 * done(arg). */
static int spin_until(int (*done)(const void *), const void *arg, long long yield_ns)
{
    const long long until = now_ns() + PARALLEL_SPIN_NS;
    for (;;) {
        for (int i = 0; i < 32; i++) {
            if (done(arg))
                return 1;
            cpu_relax();
        }
        if (now_ns() > until)
            break;
    }
    const long long yield_until = until + yield_ns;
    while (!done(arg)) {
        if (now_ns() > yield_until)
            return 0;
        sched_yield();
    }
    return 1;
}

static int generation_moved(const void *seen)
{
    return state_generation(atomic_load(&pool_state)) != *(const uint32_t *)seen;
}

/* The state once its generation is no longer `seen`: polling, then asleep. */
static uint64_t wait_for_job(uint32_t seen)
{
    if (!spin_until(generation_moved, &seen, 0)) {
        pthread_mutex_lock(&pool_lock);
        while (!generation_moved(&seen))
            pthread_cond_wait(&pool_wake, &pool_lock);
        pthread_mutex_unlock(&pool_lock);
    }
    return atomic_load(&pool_state);
}

static void run_pieces(ParallelJob *job)
{
    const ParallelPiece piece = job->piece;
    void *const ctx = job->ctx;
    const int pieces = job->pieces;
    for (;;) {
        const int i = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (i >= pieces)
            return;
        piece(ctx, i);
    }
}

static void *worker_main(void *arg)
{
    uint32_t seen = (uint32_t)(uintptr_t)arg;  /* the generation before this worker's first job */
    in_piece = 1;
    for (;;) {
        uint64_t s = wait_for_job(seen);
        seen = state_generation(s);
        /* A seat for generation `seen`, if one is still open. */
        while ((uint32_t)s > 0 && state_generation(s) == seen) {
            if (atomic_compare_exchange_weak(&pool_state, &s, s - 1)) {
                run_pieces(&pool_job);
                atomic_fetch_add(&pool_job.left, 1);
                pthread_mutex_lock(&pool_lock);
                pthread_cond_broadcast(&pool_done);
                pthread_mutex_unlock(&pool_lock);
                break;
            }
        }
    }
    return NULL;
}

/* Starts workers until there are `want`; with the pool held. Signals stay
 * with the program's own threads (the viewer's SIGWINCH, SIGINT). */
static void start_workers(int want)
{
    int started = atomic_load(&pool_started);
    if (started >= want)
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const uint32_t generation = state_generation(atomic_load(&pool_state));
    for (; started < want; started++) {
        pthread_t t;
        if (pthread_create(&t, &attr, worker_main, (void *)(uintptr_t)generation) != 0)
            break;  /* the pass shares among the workers it has */
    }
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    atomic_store(&pool_started, started);
}

static int all_left(const void *taken)
{
    return atomic_load(&pool_job.left) >= *(const int *)taken;
}

static void run_inline(int pieces, ParallelPiece piece, void *ctx)
{
    for (int i = 0; i < pieces; i++)
        piece(ctx, i);
}

void parallel_for(int pieces, int threads, ParallelPiece piece, void *ctx)
{
    if (threads > pieces)
        threads = pieces;
    if (threads > PARALLEL_MAX_WORKERS + 1)
        threads = PARALLEL_MAX_WORKERS + 1;
    if (threads <= 1 || in_piece || atomic_flag_test_and_set(&pool_busy)) {
        const int was = in_piece;
        in_piece = 1;
        run_inline(pieces, piece, ctx);
        in_piece = was;
        return;
    }
    start_workers(threads - 1);
    const int seats = threads - 1 < atomic_load(&pool_started) ? threads - 1 : atomic_load(&pool_started);

    pool_job.piece = piece;
    pool_job.ctx = ctx;
    pool_job.pieces = pieces;
    atomic_store(&pool_job.next, 0);
    atomic_store(&pool_job.left, 0);
    const uint32_t generation = state_generation(atomic_load(&pool_state)) + 1;
    pthread_mutex_lock(&pool_lock);
    atomic_store(&pool_state, (uint64_t)generation << 32 | (uint32_t)seats);
    pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_lock);

    in_piece = 1;
    run_pieces(&pool_job);
    in_piece = 0;

    /* Close the seats; wait for the workers that took one. */
    const uint64_t before = atomic_exchange(&pool_state, (uint64_t)generation << 32);
    const int taken = seats - (int)(uint32_t)before;
    if (!spin_until(all_left, &taken, PARALLEL_CALLER_YIELD_NS)) {
        pthread_mutex_lock(&pool_lock);
        while (!all_left(&taken))
            pthread_cond_wait(&pool_done, &pool_lock);
        pthread_mutex_unlock(&pool_lock);
    }
    atomic_flag_clear(&pool_busy);
}

int parallel_blas_single(void)
{
#ifdef TF_NO_BLAS
    return 1;
#else
    const int before = openblas_get_num_threads();
    if (before != 1)
        openblas_set_num_threads(1);
    return before;
#endif
}

void parallel_blas_restore(int threads)
{
#ifdef TF_NO_BLAS
    (void)threads;
#else
    if (threads > 1)
        openblas_set_num_threads(threads);
#endif
}
