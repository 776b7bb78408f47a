/* linear.c — the two matrix products: nn.Linear (a · wᵀ + bias) and a · b.
 *
 * Each product has a plain reference loop that a student can read and the
 * tests trust, and a fast entry point that hands large products to OpenBLAS
 * (cblas_sgemm), the same kind of float32 GEMM PyTorch calls on the CPU. A
 * product of one row (n = 1: every product of a generation step with the KV
 * cache) goes to cblas_sgemv instead, as PyTorch's addmv and mv do: sgemm
 * copies ("packs") the whole weight matrix into its own layout on every
 * call, which for a single row costs more than the arithmetic (at base size
 * a cached step spent half its time packing), while sgemv reads the weights
 * once, in place.
 *
 * Building with -DTF_NO_BLAS (e.g. `make CPPFLAGS=-DTF_NO_BLAS`) makes
 * linear_forward and matmul_forward use the reference loops for every size,
 * and this file no longer needs <cblas.h>. Results then differ from the BLAS
 * build only by float rounding (see the accuracy note below).
 *
 * Accuracy of the reference loops. They accumulate in double and round to
 * float once at the end. A product of two floats is exact in double (24 + 24
 * significant bits < 53), so the only error is the final rounding: the result
 * is the float nearest the true sum for any k we use. A float accumulator in
 * the same order would drift like a random walk, about √k rounding steps;
 * measured with values uniform in [−1, 1] against a long-double sum:
 *
 *     shape (n×k·m)      float sum   double sum   OpenBLAS sgemm
 *     64×512·1536        3.1e-5      1.4e-6       1.1e-5 … 1.5e-5
 *     64×2048·512        1.1e-4      1.9e-6       1.7e-5 … 3.1e-5
 *
 * (the OpenBLAS range is over its CPU kernels: Prescott … SkylakeX).
 *
 * OpenBLAS keeps many partial sums (vector lanes, k-blocks), so its error is
 * far below a single float accumulator's. The double loop is closest to the
 * exact answer, which makes it the better yardstick for both BLAS and
 * PyTorch. On the CPU PyTorch itself calls a float32 GEMM, so its numbers
 * carry the GEMM's error, and which kernel OpenBLAS picks for the CPU (see
 * OPENBLAS_CORETYPE) changes the last bits: compare with a tolerance, not
 * bit for bit. */
#include "core/ops.h"

#include <stddef.h>
#include <string.h>

#include "core/parallel.h"

/* The running count linear_macs reads. Per thread, so two threads each count
 * their own products; a counter rather than a parameter so that every
 * caller of the two products is counted without each passing one along. */
static _Thread_local uint64_t macs_done;

uint64_t linear_macs(void)
{
    return macs_done;
}

void linear_macs_add(uint64_t n)
{
    macs_done += n;
}

#ifndef TF_NO_BLAS
#include <cblas.h>

/* Products with fewer multiply-adds (n·k·m) than this run the reference loop:
 * there the fixed cost of entering OpenBLAS (~0.06–0.1 µs) is larger than the
 * arithmetic. Measured on the 2-core development machine: the two are even
 * near 128 multiply-adds (1×8·8: loop 0.04 µs, BLAS 0.07 µs; 4×8·8: loop
 * 0.15 µs, BLAS 0.10 µs), and from ~10^4 up BLAS is 5–10× faster. */
#define LINEAR_BLAS_MIN_MACS 128

/* The threads of a pass (core/parallel.h) share big products by columns
 * of the output, in chunks of LINEAR_CHUNK_COLS columns, each chunk one
 * call to a single-threaded BLAS. The chunks are the same at every thread
 * count, one thread computing them in turn, so a pass has the same bits at
 * any count. OpenBLAS's own threads would not give that: the entries its
 * kernels compute depend on how a product is cut into blocks, so its
 * 2-thread products differ from its 1-thread ones in the last bit of some
 * entries (at 64·512·2048, about 1 in 5), and so does any other cut from
 * the whole call. (Chunks of 256 columns give the whole call's bits when m
 * is at most ~768, one block of OpenBLAS's own; wider products such as the
 * feed-forward's first, 2048 columns at base, round a few entries
 * differently from one call, as differently as another cut would.)
 * Products below LINEAR_CHUNK_MIN_MACS are one call, on one BLAS thread
 * also when the pass has more (outside the heads, which are shared out
 * whole: model/attention.c). Keeping OpenBLAS's pool asleep also keeps its
 * threads, which spin (sched_yield) for a while after every product, off
 * the cores that the pool's threads of the pass need (core/parallel.h). */
#define LINEAR_CHUNK_COLS 256
#define LINEAR_CHUNK_MIN_MACS ((size_t)1 << 22)
#endif

void linear_forward_reference(float *out, const float *a, const float *w,
                              const float *bias, int n, int k, int m)
{
    for (int i = 0; i < n; i++) {
        const float *a_row = a + (size_t)i * k;          /* (k) */
        for (int j = 0; j < m; j++) {
            const float *w_row = w + (size_t)j * k;      /* (k): output j's weights */
            double sum = bias ? bias[j] : 0.0;
            for (int p = 0; p < k; p++)
                sum += (double)a_row[p] * w_row[p];
            out[(size_t)i * m + j] = (float)sum;
        }
    }
}

/* Columns of one output row summed at a time in matmul_forward_reference:
 * a double accumulator per column, kept on the stack (no allocation). */
#define MATMUL_COLS_PER_BLOCK 256

void matmul_forward_reference(float *out, const float *a, const float *b,
                              int n, int k, int m)
{
    /* i-k-j order: the innermost loop walks a row of b and a row of out
     * contiguously (a row-major b is read along its rows, not down its
     * columns). Columns go in blocks so the double sums fit on the stack. */
    for (int i = 0; i < n; i++) {
        for (int j0 = 0; j0 < m; j0 += MATMUL_COLS_PER_BLOCK) {
            int cols = m - j0 < MATMUL_COLS_PER_BLOCK ? m - j0 : MATMUL_COLS_PER_BLOCK;
            double sum[MATMUL_COLS_PER_BLOCK] = {0};
            for (int p = 0; p < k; p++) {
                double a_ip = a[(size_t)i * k + p];
                const float *b_row = b + (size_t)p * m + j0;
                for (int j = 0; j < cols; j++)
                    sum[j] += a_ip * b_row[j];
            }
            for (int j = 0; j < cols; j++)
                out[(size_t)i * m + j0 + j] = (float)sum[j];
        }
    }
}

#ifndef TF_NO_BLAS
static int use_blas(int n, int k, int m)
{
    /* k == 0 must not reach cblas_sgemm: its lda = k would be rejected. */
    if (n <= 0 || k <= 0 || m <= 0)
        return 0;
    return (size_t)n * (size_t)k * (size_t)m >= LINEAR_BLAS_MIN_MACS;
}

/* out (n, m) starts as the bias in every row (zeros without one), so that
 * BLAS adds the product on top (beta = 1), as torch.addmm does. */
static void fill_bias(float *out, const float *bias, int n, int m)
{
    const size_t row = (size_t)m * sizeof *out;
    if (!bias) {
        memset(out, 0, (size_t)n * row);
        return;
    }
    for (int i = 0; i < n; i++)
        memcpy(out + (size_t)i * m, bias, row);
}
#endif

#ifndef TF_NO_BLAS
/* Columns [j0, j1) of out (n, m) = a (n, k) · wᵀ + bias, with w (m, k):
 * the bias (or zeros) in those columns, then BLAS adds the product. */
static void linear_columns(float *out, const float *a, const float *w, const float *bias, int n, int k,
                           int m, int j0, int j1)
{
    for (int i = 0; i < n; i++) {
        float *row = out + (size_t)i * m + j0;
        if (bias)
            memcpy(row, bias + j0, (size_t)(j1 - j0) * sizeof *row);
        else
            memset(row, 0, (size_t)(j1 - j0) * sizeof *row);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, j1 - j0, k, 1.0f, a, k, w + (size_t)j0 * k, k,
                1.0f, out + j0, m);
}

/* linear_forward's column chunks as parallel_for pieces. */
typedef struct {
    float *out;
    const float *a, *w, *bias;
    int n, k, m;
} LinearChunks;

static void linear_chunk(void *ctx, int c)
{
    const LinearChunks *j = ctx;
    const int j0 = c * LINEAR_CHUNK_COLS, j1 = j0 + LINEAR_CHUNK_COLS < j->m ? j0 + LINEAR_CHUNK_COLS : j->m;
    linear_columns(j->out, j->a, j->w, j->bias, j->n, j->k, j->m, j0, j1);
}

/* linear_forward's product in chunks of LINEAR_CHUNK_COLS columns, shared
 * among the pass's threads (one: in turn). Inside a parallel_for piece (a
 * head's products) the chunks stay on the piece's thread. */
static void linear_chunked(float *out, const float *a, const float *w, const float *bias, int n, int k, int m)
{
    const int chunks = (m + LINEAR_CHUNK_COLS - 1) / LINEAR_CHUNK_COLS;
    const int threads = parallel_threads();  /* before the BLAS goes to one */
    const int blas = parallel_blas_single();
    LinearChunks job = {out, a, w, bias, n, k, m};
    parallel_for(chunks, threads, linear_chunk, &job);
    parallel_blas_restore(blas);
}
#endif

void linear_forward(float *out, const float *a, const float *w, const float *bias,
                    int n, int k, int m)
{
    if (n > 0 && k > 0 && m > 0)
        macs_done += (uint64_t)n * (uint64_t)k * (uint64_t)m;
#ifndef TF_NO_BLAS
    if (use_blas(n, k, m)) {
        if (n == 1) {  /* out (m) += w (m, k) · a (k) */
            fill_bias(out, bias, n, m);
            cblas_sgemv(CblasRowMajor, CblasNoTrans, m, k, 1.0f, w, k, a, 1, 1.0f, out, 1);
        } else if ((size_t)n * (size_t)k * (size_t)m >= LINEAR_CHUNK_MIN_MACS) {
            linear_chunked(out, a, w, bias, n, k, m);
        } else {       /* out (n, m) += a (n, k) · wᵀ, one call on one thread */
            const int blas = parallel_blas_single();
            linear_columns(out, a, w, bias, n, k, m, 0, m);
            parallel_blas_restore(blas);
        }
        return;
    }
#endif
    linear_forward_reference(out, a, w, bias, n, k, m);
}

void matmul_forward(float *out, const float *a, const float *b, int n, int k, int m)
{
    if (n > 0 && k > 0 && m > 0)
        macs_done += (uint64_t)n * (uint64_t)k * (uint64_t)m;
#ifndef TF_NO_BLAS
    if (use_blas(n, k, m)) {
        if (n == 1) {
            /* out (m) = bᵀ · a (k), b (k, m) read down its columns. Zeros
             * and beta = 1 rather than beta = 0: some OpenBLAS versions
             * scale out by 0, which keeps a NaN left in it. */
            fill_bias(out, NULL, 1, m);
            cblas_sgemv(CblasRowMajor, CblasTrans, k, m, 1.0f, b, m, a, 1, 1.0f, out, 1);
        } else {  /* on one thread, as linear_forward's products */
            const int blas = parallel_blas_single();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, m, k,
                        1.0f, a, k, b, m, 0.0f, out, m);
            parallel_blas_restore(blas);
        }
        return;
    }
#endif
    matmul_forward_reference(out, a, b, n, k, m);
}
