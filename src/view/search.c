/* search.c — name matching and completion for the jump prompt. */
#include "view/search.h"

#include <string.h>

#include "text/edit_distance.h"

void search_clear(Search *s)
{
    memset(s, 0, sizeof *s);
}

void search_update(Search *s, const TraceReader *r)
{
    uint32_t n = trace_reader_count(r);
    s->n_match = s->n_total = 0;
    s->sel = 0;
    /* Two passes keep execution order within each class: prefixes, then
     * names that contain the text elsewhere. */
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < n; i++) {
            const char *name = trace_reader_name(r, i);
            const char *at = s->len ? strstr(name, s->text) : name;
            if (!at || (pass == 0) != (at == name))
                continue;
            s->n_total++;
            if (s->n_match < SEARCH_SHOWN)
                s->match[s->n_match++] = i;
        }
}

void search_append(Search *s, const TraceReader *r, const char *bytes, size_t n)
{
    if (s->len + n >= SEARCH_MAX_TEXT)
        return;
    memcpy(s->text + s->len, bytes, n);
    s->len += n;
    s->text[s->len] = '\0';
    search_update(s, r);
}

void search_backspace(Search *s, const TraceReader *r)
{
    if (s->len == 0)
        return;
    /* Step back over a whole UTF-8 sequence. */
    do
        s->len--;
    while (s->len > 0 && ((unsigned char)s->text[s->len] & 0xC0) == 0x80);
    s->text[s->len] = '\0';
    search_update(s, r);
}

bool search_complete(Search *s, const TraceReader *r)
{
    if (s->n_total == 0)
        return false;
    /* The common prefix of every name that starts with the text. */
    size_t common = 0;
    bool any = false;
    uint32_t n = trace_reader_count(r);
    const char *first = NULL;
    for (uint32_t i = 0; i < n; i++) {
        const char *name = trace_reader_name(r, i);
        if (strncmp(name, s->text, s->len) != 0)
            continue;
        if (!any) {
            first = name;
            common = strlen(name);
            any = true;
        } else {
            size_t k = 0;
            while (k < common && name[k] == first[k])
                k++;
            common = k;
        }
    }
    if (any && common > s->len && common < SEARCH_MAX_TEXT) {
        memcpy(s->text, first, common);
        s->text[common] = '\0';
        s->len = common;
        search_update(s, r);
        return true;
    }
    search_select(s, 1);
    return false;
}

void search_select(Search *s, int delta)
{
    if (s->n_match == 0)
        return;
    long k = ((long)s->sel + delta) % (long)s->n_match;
    s->sel = (uint32_t)(k < 0 ? k + (long)s->n_match : k);
}

long search_target(const Search *s, const TraceReader *r)
{
    long exact = trace_reader_find(r, s->text);
    if (exact >= 0)
        return exact;
    return s->n_match ? (long)s->match[s->sel] : -1;
}

const char *search_suggest(const Search *s, const TraceReader *r)
{
    const char *best = NULL;
    size_t best_d = 4;
    uint32_t n = trace_reader_count(r);
    for (uint32_t i = 0; i < n; i++) {
        const char *name = trace_reader_name(r, i);
        size_t d = edit_distance(s->text, name, best_d);
        if (d < best_d) {
            best_d = d;
            best = name;
        }
    }
    return best;
}
