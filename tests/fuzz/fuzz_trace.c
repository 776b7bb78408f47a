/* fuzz_trace.c — the trace reader on any bytes.
 *
 * A trace is the file students trade most. Open it, then fetch every
 * record (each fetch checks bounds, strings and checksums), header first
 * and its values apart, then whole, and touch all it hands back: data,
 * labels, names, the meta text. Nothing here may read
 * outside the mapping, whatever the file says. */
#include <string.h>

#include "fuzz_support.h"
#include "trace/trace.h"

/* Read every byte a record points at, so ASan sees any that lies outside. */
static size_t touch_string(const char *s)
{
    return s ? strlen(s) : 0;
}

static double touch_record(const Record *r)
{
    size_t n = record_numel(r), chars = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)r->data[i];
    chars += touch_string(r->name) + touch_string(r->kind) + touch_string(r->formula) +
             touch_string(r->description) + touch_string(r->q_source) + touch_string(r->kv_source);
    for (int d = 0; d < r->ndim && d < RECORD_MAX_DIMS; d++)
        chars += touch_string(r->dim_names[d]);
    if (r->ndim >= 2 && r->row_labels) {
        size_t rows = (size_t)record_label_sets(r, r->ndim - 2) * r->dims[r->ndim - 2];
        for (size_t i = 0; i < rows; i++)
            chars += touch_string(r->row_labels[i]);
    }
    if (r->ndim >= 1 && r->col_labels) {
        size_t cols = (size_t)record_label_sets(r, r->ndim - 1) * r->dims[r->ndim - 1];
        for (size_t i = 0; i < cols; i++)
            chars += touch_string(r->col_labels[i]);
    }
    return sum + (double)chars;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_memfile(0, data, size);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, path, &err) != TF_OK)
        return 0;
    volatile double sink = (double)strlen(trace_reader_meta(r));
    uint32_t n = trace_reader_count(r);
    for (uint32_t i = 0; i < n; i++) {
        const char *name = trace_reader_name(r, i);
        sink += (double)(trace_reader_find(r, name) >= 0);
        TraceRecord tr;
        /* header first, then its values in two spans (checked chunk by
         * chunk), then the whole record again */
        if (trace_reader_get_header(r, i, &tr, &err) == TF_OK) {
            size_t numel = record_numel(&tr.rec);
            const float *v;
            if (trace_reader_values(r, &tr, numel / 2, numel - numel / 2, &v, &err) == TF_OK)
                for (size_t k = 0; k < numel - numel / 2; k++)
                    sink += (double)v[k];
            if (trace_reader_values(r, &tr, 0, numel, &v, &err) == TF_OK) {
                tr.rec.data = v;
                sink += touch_record(&tr.rec);
            }
            trace_record_release(&tr);
        }
        if (trace_reader_get(r, i, &tr, &err) != TF_OK)
            continue;
        sink += touch_record(&tr.rec);
        trace_record_release(&tr);
    }
    sink += (double)trace_reader_find(r, "enc.0.attn.weights");
    trace_reader_close(r);
    (void)sink;
    return 0;
}
