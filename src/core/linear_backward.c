/* linear_backward.c — gradients of the two matrix products of linear.c.
 *
 * For out = a · wᵀ (nn.Linear) the chain rule gives two more products,
 * da = dout · w and dw = doutᵀ · a, plus a column sum for the bias; for
 * out = a · b it gives da = dout · bᵀ and db = aᵀ · dout. As in linear.c,
 * each has a plain reference loop (sums in double, one rounding per
 * result) and a fast entry point that hands large products to OpenBLAS.
 * sgemm's beta = 1 adds the product onto what the gradient already holds,
 * which is exactly the accumulate-with-+= contract of backward.h.
 *
 * -DTF_NO_BLAS makes the fast entry points use the reference loops. */
#include "core/backward.h"

#include <stddef.h>

#ifndef TF_NO_BLAS
#include <cblas.h>

/* The same break-even as linear.c's LINEAR_BLAS_MIN_MACS (see there for
 * the measurements): below it the loop beats the cost of entering BLAS. */
#define BACKWARD_BLAS_MIN_MACS 128

static int use_blas(int n, int k, int m)
{
    /* A zero dimension must not reach cblas_sgemm (a leading dimension of
     * 0 is rejected); the loops handle it by doing nothing. */
    if (n <= 0 || k <= 0 || m <= 0)
        return 0;
    return (size_t)n * (size_t)k * (size_t)m >= BACKWARD_BLAS_MIN_MACS;
}
#endif

/* dbias (m) += Σ_i dout[i][·]: shared by both paths (it is not a product). */
static void bias_backward(float *dbias, const float *dout, int n, int m)
{
    for (int j = 0; j < m; j++) {
        double sum = 0.0;
        for (int i = 0; i < n; i++)
            sum += dout[(size_t)i * m + j];
        dbias[j] = (float)(dbias[j] + sum);
    }
}

void linear_backward_reference(float *da, float *dw, float *dbias, const float *dout,
                               const float *a, const float *w, int n, int k, int m)
{
    if (da) {
        /* da[i][p] = Σ_j dout[i][j] · w[j][p]: each input feature p collects
         * from every output j that read it. */
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++) {
                double sum = 0.0;
                for (int j = 0; j < m; j++)
                    sum += (double)dout[(size_t)i * m + j] * w[(size_t)j * k + p];
                da[(size_t)i * k + p] = (float)(da[(size_t)i * k + p] + sum);
            }
    }
    if (dw) {
        /* dw[j][p] = Σ_i dout[i][j] · a[i][p]: summed over the rows (tokens). */
        for (int j = 0; j < m; j++)
            for (int p = 0; p < k; p++) {
                double sum = 0.0;
                for (int i = 0; i < n; i++)
                    sum += (double)dout[(size_t)i * m + j] * a[(size_t)i * k + p];
                dw[(size_t)j * k + p] = (float)(dw[(size_t)j * k + p] + sum);
            }
    }
    if (dbias)
        bias_backward(dbias, dout, n, m);
}

void linear_backward(float *da, float *dw, float *dbias, const float *dout,
                     const float *a, const float *w, int n, int k, int m)
{
#ifndef TF_NO_BLAS
    if (use_blas(n, k, m)) {
        if (da)   /* (n, k) += dout (n, m) · w (m, k) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, m,
                        1.0f, dout, m, w, k, 1.0f, da, k);
        if (dw)   /* (m, k) += doutᵀ (m, n) · a (n, k) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, k, n,
                        1.0f, dout, m, a, k, 1.0f, dw, k);
        if (dbias)
            bias_backward(dbias, dout, n, m);
        return;
    }
#endif
    linear_backward_reference(da, dw, dbias, dout, a, w, n, k, m);
}

void matmul_backward_reference(float *da, float *db, const float *dout, const float *a,
                               const float *b, int n, int k, int m)
{
    if (da) {
        /* da[i][p] = Σ_j dout[i][j] · b[p][j] */
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++) {
                double sum = 0.0;
                for (int j = 0; j < m; j++)
                    sum += (double)dout[(size_t)i * m + j] * b[(size_t)p * m + j];
                da[(size_t)i * k + p] = (float)(da[(size_t)i * k + p] + sum);
            }
    }
    if (db) {
        /* db[p][j] = Σ_i a[i][p] · dout[i][j] */
        for (int p = 0; p < k; p++)
            for (int j = 0; j < m; j++) {
                double sum = 0.0;
                for (int i = 0; i < n; i++)
                    sum += (double)a[(size_t)i * k + p] * dout[(size_t)i * m + j];
                db[(size_t)p * m + j] = (float)(db[(size_t)p * m + j] + sum);
            }
    }
}

void matmul_backward(float *da, float *db, const float *dout, const float *a, const float *b,
                     int n, int k, int m)
{
#ifndef TF_NO_BLAS
    if (use_blas(n, k, m)) {
        if (da)   /* (n, k) += dout (n, m) · bᵀ (m, k) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, k, m,
                        1.0f, dout, m, b, m, 1.0f, da, k);
        if (db)   /* (k, m) += aᵀ (k, n) · dout (n, m) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, m, n,
                        1.0f, a, k, dout, m, 1.0f, db, m);
        return;
    }
#endif
    matmul_backward_reference(da, db, dout, a, b, n, k, m);
}
