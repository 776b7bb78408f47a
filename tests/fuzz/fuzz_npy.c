/* fuzz_npy.c — the .npy reader on any bytes (the tensors of a PyTorch
 * import and of exported traces come back through it). */
#include <stdlib.h>

#include "fuzz_support.h"
#include "io/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    float *values = NULL;
    int ndim = 0;
    uint64_t dims[NPY_MAX_DIMS];
    Error err;
    if (npy_read_f32(fuzz_memfile(0, data, size), &values, &ndim, dims, &err) == TF_OK) {
        uint64_t n = 1;
        for (int i = 0; i < ndim; i++)
            n *= dims[i];
        volatile float sink = 0;
        for (uint64_t i = 0; i < n; i++)
            sink += values[i];  /* every value the shape promises is there */
        (void)sink;
        free(values);
    }
    return 0;
}
