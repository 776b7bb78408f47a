#include "trace/export.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_kind.h"
#include "core/row_stats.h"
#include "io/atomic_file.h"
#include "io/npy.h"
#include "trace/format.h"

static const char *const format_exts[] = {[EXPORT_NPY] = "npy", [EXPORT_CSV] = "csv", [EXPORT_DAT] = "dat"};

bool export_format_parse(const char *s, ExportFormat *out)
{
    for (int f = EXPORT_NPY; f <= EXPORT_DAT; f++)
        if (strcmp(s, format_exts[f]) == 0) {
            *out = (ExportFormat)f;
            return true;
        }
    return false;
}

/* ---- pages ---- */

static bool dim0_is_batch(const Record *r)
{
    return r->ndim > 1 && r->dim_names[0] && strcmp(r->dim_names[0], "batch") == 0;
}

void export_pages_of(const Record *r, RecordPages *pg)
{
    memset(pg, 0, sizeof *pg);
    pg->col_axis = r->ndim - 1;
    pg->cols = r->dims[r->ndim - 1];
    if (r->ndim == 1) {
        pg->row_axis = -1;
        pg->rows = pg->pages = 1;
        return;
    }
    pg->row_axis = r->ndim - 2;
    pg->rows = r->dims[r->ndim - 2];
    pg->pages = 1;
    for (int a = 0; a < r->ndim - 2; a++)
        pg->pages *= r->dims[a];
    pg->paged = r->ndim > 2;
    /* [batch, token] with each sentence's own column labels: one header row
     * cannot label every row, so each sentence becomes a page. */
    if (r->ndim == 2 && dim0_is_batch(r) && r->col_labels) {
        pg->batch_rows = pg->paged = true;
        pg->pages = r->dims[0];
        pg->rows = 1;
    }
}

const float *export_pages_data(const Record *r, const RecordPages *pg, size_t page)
{
    return r->data + page * pg->rows * pg->cols;
}

uint32_t export_pages_coord(const Record *r, const RecordPages *pg, size_t page, int axis)
{
    if (pg->batch_rows)
        return axis == 0 ? (uint32_t)page : 0;
    if (axis < 0 || axis >= pg->row_axis)
        return 0;
    /* Leading axes in row-major order: the last one varies fastest. */
    for (int a = pg->row_axis - 1; a > axis; a--)
        page /= r->dims[a];
    return (uint32_t)(page % r->dims[axis]);
}

/* Offset of this page's labels for axis: sentence b's labels start at
 * b × dims[axis] when the axis has one label set per sentence. */
static size_t label_base(const Record *r, const RecordPages *pg, size_t page, int axis)
{
    if (record_label_sets(r, axis) <= 1)
        return 0;
    return (size_t)export_pages_coord(r, pg, page, 0) * r->dims[axis];
}

const char *export_pages_row_label(const Record *r, const RecordPages *pg, size_t page, size_t row)
{
    if (!r->row_labels)
        return NULL;
    if (pg->batch_rows)  /* the row axis is the batch axis itself */
        return r->row_labels[page];
    return r->row_labels[label_base(r, pg, page, pg->row_axis) + row];
}

const char *export_pages_col_label(const Record *r, const RecordPages *pg, size_t page, size_t col)
{
    if (!r->col_labels)
        return NULL;
    return r->col_labels[label_base(r, pg, page, pg->col_axis) + col];
}

static const char *dim_name(const Record *r, int axis, char *buf, size_t cap)
{
    if (r->dim_names[axis] && r->dim_names[axis][0])
        return r->dim_names[axis];
    snprintf(buf, cap, "axis%d", axis);
    return buf;
}

void export_pages_title(const Record *r, const RecordPages *pg, size_t page, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!pg->paged)
        return;
    int leading = pg->batch_rows ? 1 : pg->row_axis;
    size_t n = 0;
    for (int a = 0; a < leading && n < cap; a++) {
        char tmp[16];
        n += (size_t)snprintf(buf + n, cap - n, "%s%s %u", a ? ", " : "", dim_name(r, a, tmp, sizeof tmp),
                              export_pages_coord(r, pg, page, a));
    }
}

void export_shape_text(const Record *r, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "[");
    for (int a = 0; a < r->ndim && n < cap; a++) {
        const char *name = r->dim_names[a] && r->dim_names[a][0] ? r->dim_names[a] : NULL;
        n += (size_t)snprintf(buf + n, cap - n, "%s%s%s%u", a ? ", " : "", name ? name : "",
                              name ? "=" : "", r->dims[a]);
    }
    if (n < cap)
        snprintf(buf + n, cap - n, "]");
}

/* ---- the shortest decimal of a float ----
 *
 * The text is that of the search "the fewest significant digits p (1..9)
 * whose %.*g reads back as v; 9 always do", with one rule of our own:
 * below a million a number is written out (100, not 1e+02). That search
 * costs up to nine snprintf + strtof a value, seconds for an 8 MB record;
 * the same answer comes from integer arithmetic: the p-digit decimal
 * nearest to v = m·2^e is D·10^(E-p+1), D the integer nearest to
 * v·10^(p-1-E) (10^E ≤ v < 10^(E+1)), and strtof reads it back as v
 * exactly when it lies within v's rounding interval (half the gap to each
 * neighbouring float, a tie going to the even mantissa). Those are
 * comparisons of integers that fit in 128 bits for every float but the
 * tiniest (below about 1e-23) and p ≤ 9; those take the search itself
 * (float_text_search). tests/unit/test_export.c compares the two over
 * millions of floats. */

__extension__ typedef unsigned __int128 U128;

/* 10^k, 0 ≤ k ≤ 38 (10^38 < 2^127) */
static U128 pow10_u128(int k)
{
    static const uint64_t p[20] = {1ull,
                                   10ull,
                                   100ull,
                                   1000ull,
                                   10000ull,
                                   100000ull,
                                   1000000ull,
                                   10000000ull,
                                   100000000ull,
                                   1000000000ull,
                                   10000000000ull,
                                   100000000000ull,
                                   1000000000000ull,
                                   10000000000000ull,
                                   100000000000000ull,
                                   1000000000000000ull,
                                   10000000000000000ull,
                                   100000000000000000ull,
                                   1000000000000000000ull,
                                   10000000000000000000ull};
    return k <= 19 ? (U128)p[k] : (U128)p[19] * p[k - 19];
}

typedef enum { NEAREST_OK, NEAREST_E_LOW, NEAREST_E_HIGH, NEAREST_RANGE } Nearest;

/* v = m·2^e (0 < m < 2^24), whose decimal exponent is E: *d gets the
 * nearest p-digit D (10^(p-1) ≤ D ≤ 10^p; ties to even, as printf
 * rounds) and *back whether strtof reads D·10^(E-p+1) back as v.
 * narrow_below: v's mantissa is a power of two (and v normal), so the
 * float below is half as far as the one above. NEAREST_E_LOW/HIGH: E was
 * one too small / large; NEAREST_RANGE: the numbers do not fit. */
static Nearest nearest_decimal(uint32_t m, int e, bool narrow_below, int p, int E, uint64_t *d, bool *back)
{
    const U128 all = ~(U128)0;
    const int s = p - 1 - E;  /* v·10^s = N / den has p digits before the point */
    U128 N, den;
    int den_shift = -1;  /* den = 2^den_shift, or -1 when it is not a power of two */
    U128 limit;          /* half v's gap to its neighbours, in the units of dist below, times 2 */
    if (s >= 0) {
        if (s > 38)
            return NEAREST_RANGE;
        N = pow10_u128(s);
        if (N > all / m)
            return NEAREST_RANGE;
        N *= m;
        if (e >= 0) {
            if (e > 0 && (N >> (128 - e)) != 0)
                return NEAREST_RANGE;
            N <<= e;
            den = 1;
            den_shift = 0;
            limit = 0;  /* unused: v·10^s is then an integer, D = it exactly */
        } else {
            if (-e > 125)
                return NEAREST_RANGE;
            den_shift = -e;
            den = (U128)1 << den_shift;
            limit = pow10_u128(s);  /* half-gap 2^(e-1) × 10^s × den, times 2 */
        }
    } else {
        int t = -s;  /* E ≤ 38, so t ≤ 38 */
        N = (U128)m << (e > 0 ? e : 0);
        den = pow10_u128(t);
        if (e < 0) {
            if ((den >> (125 + e)) != 0)
                return NEAREST_RANGE;
            den <<= -e;
        }
        limit = (U128)1 << (e > 0 ? e : 0);  /* 2^(e-1) × 10^s × den, times 2 */
    }
    U128 q, r;
    if (den_shift >= 0) {
        q = N >> den_shift;
        r = N & (den - 1);
    } else {
        q = N / den;
        r = N % den;
    }
    const U128 lo = pow10_u128(p - 1), hi = pow10_u128(p);
    if (q < lo)
        return NEAREST_E_HIGH;
    if (q >= hi)
        return NEAREST_E_LOW;
    const U128 rest = den - r;
    bool up = r > rest || (r == rest && (q & 1));
    *d = (uint64_t)(q + up);
    if (r == 0) {
        *back = true;
        return NEAREST_OK;
    }
    U128 dist = up ? rest : r;  /* |D·den - N| */
    if (dist > (all >> 3))
        return NEAREST_RANGE;
    U128 twice = (narrow_below && !up ? 4 : 2) * dist;
    *back = twice < limit || (twice == limit && (m & 1) == 0);
    return NEAREST_OK;
}

/* nearest_decimal at p digits, E corrected when log10 put it one off;
 * false when the numbers do not fit. */
static bool nearest_at(uint32_t m, int e, bool narrow_below, int p, int *E, uint64_t *d, bool *back)
{
    Nearest got = nearest_decimal(m, e, narrow_below, p, *E, d, back);
    for (int tries = 0; got == NEAREST_E_LOW || got == NEAREST_E_HIGH; tries++) {
        if (tries == 2)
            return false;  /* cannot happen: log10 is never two off */
        *E += got == NEAREST_E_LOW ? 1 : -1;
        got = nearest_decimal(m, e, narrow_below, p, *E, d, back);
    }
    return got == NEAREST_OK;
}

/* %.*g's text of D·10^X with D's p digits (trailing zeros dropped), and
 * below a million, written out. Returns the length. */
static size_t decimal_text(char *out, bool negative, uint64_t D, int p, int X)
{
    char digits[24];
    int n = 0;
    for (uint64_t t = D; n < p; t /= 10)
        digits[p - 1 - n++] = (char)('0' + t % 10);
    size_t k = 0;
    if (negative)
        out[k++] = '-';
    if (X >= 0 && (X < 6 || X < p)) {
        /* %g's fixed form (X < p), or below a million the X+1 digits
         * %.*g, X+1 gives in place of an exponent: v is then within 1/32
         * of an integer, D·10^(X-p+1) */
        for (int i = 0; i <= X; i++)
            out[k++] = i < p ? digits[i] : '0';
        int last = p - 1;
        while (last > X && digits[last] == '0')
            last--;
        if (last > X) {
            out[k++] = '.';
            for (int i = X + 1; i <= last; i++)
                out[k++] = digits[i];
        }
        out[k] = '\0';
        return k;
    }
    int last = p - 1;
    while (last > 0 && digits[last] == '0')
        last--;
    if (X < -4 || X >= p) {
        out[k++] = digits[0];
        if (last > 0) {
            out[k++] = '.';
            for (int i = 1; i <= last; i++)
                out[k++] = digits[i];
        }
        out[k++] = 'e';
        out[k++] = X < 0 ? '-' : '+';
        int ax = X < 0 ? -X : X;
        if (ax >= 10) {
            out[k++] = (char)('0' + ax / 10);
            out[k++] = (char)('0' + ax % 10);
        } else {
            out[k++] = '0';
            out[k++] = (char)('0' + ax);
        }
        out[k] = '\0';
        return k;
    }
    /* -4 ≤ X < 0: 0.000ddd */
    out[k++] = '0';
    out[k++] = '.';
    for (int i = -1; i > X; i--)
        out[k++] = '0';
    for (int i = 0; i <= last; i++)
        out[k++] = digits[i];
    out[k] = '\0';
    return k;
}

/* The search itself, for the floats the integers cannot hold. */
static void float_text_search(char *buf, size_t cap, float v)
{
    int p = 1;
    for (; p < 9; p++) {
        snprintf(buf, cap, "%.*g", p, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    snprintf(buf, cap, "%.*g", p, (double)v);
    const char *e = strchr(buf, 'e');
    if (e) {
        int exp10 = atoi(e + 1);
        if (exp10 >= 0 && exp10 < 6)
            snprintf(buf, cap, "%.*g", exp10 + 1, (double)v);
    }
}

/* The text into out (EXPORT_FLOAT_MAX bytes); returns its length. */
static size_t float_text(char *out, float v)
{
    if (isnan(v)) {
        memcpy(out, "nan", 4);
        return 3;
    }
    if (isinf(v)) {
        memcpy(out, v < 0 ? "-inf" : "inf", v < 0 ? 5 : 4);
        return v < 0 ? 4 : 3;
    }
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    const bool negative = bits >> 31;
    const uint32_t biased = (bits >> 23) & 0xff, frac = bits & 0x7fffff;
    if (biased == 0 && frac == 0) {
        memcpy(out, negative ? "-0" : "0", negative ? 3 : 2);
        return negative ? 2 : 1;
    }
    const uint32_t m = biased ? frac | 0x800000u : frac;
    const int e = biased ? (int)biased - 150 : -149;
    const bool narrow_below = frac == 0 && biased > 1;
    int E = (int)floor(log10(fabs((double)v)));
    uint64_t D = 0;
    bool back = false;
    /* Whether p digits read back: a longer nearest decimal is never
     * farther from v, so where the rounding interval is symmetric p ↦
     * "reads back" is false up to some p and true from there on (at most
     * 9), and a bisection finds the first true one. Where it is not (a
     * power of two, narrow_below) a nearer decimal can fall below the
     * narrow side: those try each p in turn. */
    int lo = 1, hi = 9;
    while (lo < hi) {
        int p = narrow_below ? lo : (lo + hi) / 2;
        if (!nearest_at(m, e, narrow_below, p, &E, &D, &back))
            goto search;
        if (back)
            hi = p;
        else
            lo = p + 1;
        if (narrow_below && back)
            break;
    }
    if (!nearest_at(m, e, narrow_below, lo, &E, &D, &back))
        goto search;
    int X = E;
    if (D == (uint64_t)pow10_u128(lo)) {  /* rounded up to 10^(E+1) */
        D /= 10;
        X++;
    }
    return decimal_text(out, negative, D, lo, X);
search:
    float_text_search(out, EXPORT_FLOAT_MAX, v);
    return strlen(out);
}

void export_format_float(char *buf, size_t cap, float v)
{
    char text[EXPORT_FLOAT_MAX];
    float_text(text, v);
    snprintf(buf, cap, "%s", text);
}

/* A row of values, separated by sep, with a line end: one write. */
static void put_row(FILE *out, const float *row, size_t n, char sep)
{
    char buf[4096];
    size_t k = 0;
    for (size_t c = 0; c < n; c++) {
        if (k + EXPORT_FLOAT_MAX + 2 > sizeof buf) {
            fwrite(buf, 1, k, out);
            k = 0;
        }
        if (c)
            buf[k++] = sep;
        k += float_text(buf + k, row[c]);
    }
    buf[k++] = '\n';
    fwrite(buf, 1, k, out);
}

/* ---- CSV ---- */

/* RFC 4180: quote a field holding a comma, quote or line break (and, so
 * that comment-aware readers do not skip it, one starting with '#' or
 * having edge spaces); double the quotes inside. */
static void csv_field(FILE *out, const char *s)
{
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == '#' ||
                 (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

bool export_write_csv(FILE *out, const Record *r)
{
    RecordPages pg;
    export_pages_of(r, &pg);
    char title[160];
    for (size_t page = 0; page < pg.pages; page++) {
        const float *m = export_pages_data(r, &pg, page);  /* (rows, cols) */
        if (pg.paged) {
            export_pages_title(r, &pg, page, title, sizeof title);
            fprintf(out, "%s# %s\n", page ? "\n" : "", title);
        }
        if (r->col_labels) {
            if (r->row_labels)
                fputc(',', out);  /* the corner above the row labels stays empty */
            for (size_t c = 0; c < pg.cols; c++) {
                if (c)
                    fputc(',', out);
                csv_field(out, export_pages_col_label(r, &pg, page, c));
            }
            fputc('\n', out);
        }
        for (size_t i = 0; i < pg.rows; i++) {
            if (r->row_labels) {
                csv_field(out, export_pages_row_label(r, &pg, page, i));
                fputc(',', out);
            }
            put_row(out, m + i * pg.cols, pg.cols, ',');
        }
    }
    return !ferror(out);
}

/* ---- gnuplot .dat ---- */

static void dat_labels(FILE *out, const Record *r, const RecordPages *pg, size_t page, bool rows)
{
    size_t n = rows ? pg->rows : pg->cols;
    int axis = rows ? pg->row_axis : pg->col_axis;
    char tmp[16];
    fprintf(out, "# %s (%s):", rows ? "rows" : "cols",
            pg->batch_rows && rows ? "batch" : dim_name(r, axis, tmp, sizeof tmp));
    for (size_t k = 0; k < n; k++)
        fprintf(out, " %s",
                rows ? export_pages_row_label(r, pg, page, k) : export_pages_col_label(r, pg, page, k));
    fputc('\n', out);
}

static void dat_comment(FILE *out, const char *key, const char *value)
{
    if (value && value[0])
        fprintf(out, "# %s: %s\n", key, value);
}

/* What the scripts would otherwise learn from the page by passes of
 * gnuplot's stats, each evaluating an expression per cell (seconds on a
 * 512 x 512 page): the smallest and largest finite value, written as the
 * values are, so gnuplot reads the same numbers; how many are not finite,
 * and of those -inf; whether the finite ones are all whole numbers as
 * gnuplot's int() takes them (|v| < 2^63). */
static void dat_values(FILE *out, const float *m, size_t n)
{
    float mn = 0, mx = 0;
    size_t nonfinite = 0, neginf = 0;
    bool any = false, whole = true;
    for (size_t k = 0; k < n; k++) {
        float v = m[k];
        if (!isfinite(v)) {
            nonfinite++;
            neginf += v < 0 && isinf(v);
            continue;
        }
        if (!any || v < mn)
            mn = v;
        if (!any || v > mx)
            mx = v;
        any = true;
        if (whole && !(fabsf(v) < 0x1p63f && v == truncf(v)))
            whole = false;
    }
    char lo[EXPORT_FLOAT_MAX], hi[EXPORT_FLOAT_MAX];
    float_text(lo, mn);
    float_text(hi, mx);
    fprintf(out, "# values: min %s max %s nonfinite %zu neginf %zu whole %d\n", lo, hi, nonfinite, neginf,
            whole);
}

bool export_write_dat(FILE *out, const Record *r)
{
    RecordPages pg;
    export_pages_of(r, &pg);
    return export_write_dat_pages(out, r, 0, pg.pages);
}

bool export_write_dat_pages(FILE *out, const Record *r, size_t first, size_t count)
{
    RecordPages pg;
    export_pages_of(r, &pg);
    if (first > pg.pages)
        first = pg.pages;
    if (count > pg.pages - first)
        count = pg.pages - first;
    char shape[160], title[160];
    export_shape_text(r, shape, sizeof shape);
    fprintf(out, "# %s %s\n", r->name, shape);
    dat_comment(out, "kind", r->kind);
    dat_comment(out, "formula", r->formula);
    dat_comment(out, "description", r->description);
    dat_comment(out, "queries from", r->q_source);
    dat_comment(out, "keys/values from", r->kv_source);
    fprintf(out, "# %zu page%s of %zu rows x %zu columns%s\n", pg.pages, pg.pages == 1 ? "" : "s",
            pg.rows, pg.cols, pg.pages > 1 ? "; gnuplot: plot 'FILE' index N matrix with image" : "");
    if (count < pg.pages)
        fprintf(out, "# pages in this file: %zu to %zu\n", first, first + count - 1);
    /* rows that are probability distributions: their entropy is stated */
    const bool distributions = record_kind_is_distribution(record_kind_of(r->kind));
    for (size_t page = first; page < first + count; page++) {
        const float *m = export_pages_data(r, &pg, page);  /* (rows, cols) */
        if (page > first)
            fputs("\n\n", out);  /* two blank lines: gnuplot's data-set separator */
        if (pg.paged) {
            export_pages_title(r, &pg, page, title, sizeof title);
            fprintf(out, "# %s\n", title);
        }
        if (r->row_labels)
            dat_labels(out, r, &pg, page, true);
        if (r->col_labels)
            dat_labels(out, r, &pg, page, false);
        if (distributions) {
            RowStats rs;
            row_stats_page(m, pg.rows, pg.cols, r->query_pos, r->key_pos, &rs);
            fprintf(out, "# row entropy: %.9g\n", rs.entropy_bits);
        }
        dat_values(out, m, pg.rows * pg.cols);
        for (size_t i = 0; i < pg.rows; i++)
            put_row(out, m + i * pg.cols, pg.cols, ' ');
    }
    return !ferror(out);
}

/* ---- files ---- */

Status export_path(char *buf, size_t cap, const char *dir, const char *name, ExportFormat f, Error *err)
{
    const char *problem = trace_name_problem(name, strlen(name));
    if (problem)
        return error_set(err, TF_ERR_INPUT, "record name '%s' %s; cannot name a file after it", name, problem);
    size_t dl = strlen(dir);
    const char *sep = dl > 0 && dir[dl - 1] == '/' ? "" : "/";
    int n = snprintf(buf, cap, "%s%s%s.%s", dir, sep, name, format_exts[f]);
    if (n < 0 || (size_t)n >= cap)
        return error_set(err, TF_ERR_INPUT, "%s%s%s.%s: path too long", dir, sep, name, format_exts[f]);
    return TF_OK;
}

Status export_record(const Record *r, ExportFormat f, const char *path, Error *err)
{
    if (f == EXPORT_NPY) {
        uint64_t dims[RECORD_MAX_DIMS];
        for (int a = 0; a < r->ndim; a++)
            dims[a] = r->dims[a];
        return npy_write_f32(path, r->data, r->ndim, dims, err);
    }
    AtomicFile af;
    Status s = atomic_file_open_text(&af, path, err);
    if (s != TF_OK)
        return s;
    bool ok = f == EXPORT_CSV ? export_write_csv(af.f, r) : export_write_dat(af.f, r);
    if (!ok) {
        int e = errno;
        atomic_file_discard(&af);
        return error_set(err, TF_ERR_RUNTIME, "%s: write failed: %s", path, strerror(e));
    }
    return atomic_file_commit(&af, err);
}
