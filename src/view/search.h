/* search.h — jumping to a record by name, with completion.
 *
 * As a person types, the records whose names contain the text are listed,
 * those that start with it first, in execution order. Tab extends the text
 * to the longest prefix the matches share (the shell's rule), or, when it
 * cannot, moves the selection down the list; Enter takes the selection.
 * Names come from the trace's index; nothing is read from the records. */
#ifndef TF_VIEW_SEARCH_H
#define TF_VIEW_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

#define SEARCH_MAX_TEXT 128
#define SEARCH_SHOWN 64   /* matches kept for the list; the total is counted */

typedef struct {
    char text[SEARCH_MAX_TEXT];
    size_t len;
    uint32_t match[SEARCH_SHOWN];  /* record indices, best first */
    uint32_t n_match;              /* kept in match[] */
    uint32_t n_total;              /* all matches */
    uint32_t sel;                  /* selected entry of match[] */
} Search;

void search_clear(Search *s);
/* Edit the text (one UTF-8 sequence per character typed is fine: bytes
 * are appended as they come) and recompute the matches. */
void search_append(Search *s, const TraceReader *r, const char *bytes, size_t n);
void search_backspace(Search *s, const TraceReader *r);
void search_update(Search *s, const TraceReader *r);
/* Tab: complete to the matches' common prefix when that adds something,
 * else select the next match. Returns true when the text changed. */
bool search_complete(Search *s, const TraceReader *r);
void search_select(Search *s, int delta);
/* The record Enter should open: an exact name, else the selected match,
 * else −1. */
long search_target(const Search *s, const TraceReader *r);
/* The closest name by edit distance (for "did you mean"), or NULL. */
const char *search_suggest(const Search *s, const TraceReader *r);

#endif
