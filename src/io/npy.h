/* npy.h — NumPy's .npy format (version 1.0 to 3.0), float arrays only.
 *
 * The interchange with PyTorch and NumPy: weights come in as a directory of
 * .npy files, and tensors go out as .npy files. Files read here are
 * untrusted: the header is parsed strictly and every size is checked. */
#ifndef TF_IO_NPY_H
#define TF_IO_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define NPY_MAX_DIMS 8

/* Write data as a little-endian float32 array ('<f4', C order) with the
 * given shape (ndim 0..NPY_MAX_DIMS). Written to a temporary name and
 * renamed, so path is complete or absent. */
Status npy_write_f32(const char *path, const float *data, int ndim, const uint64_t *dims,
                     Error *err);

/* Read a '<f4' or '<f8' C-order array (converted to float32). *data is
 * malloc'd (caller frees); *ndim and dims[] get the shape. Errors name the
 * file and the byte offset or header field at fault. */
Status npy_read_f32(const char *path, float **data, int *ndim, uint64_t dims[NPY_MAX_DIMS],
                    Error *err);

#endif
