/* ini_strict.c — one libinih parse under the project's options. */
#include "io/ini_strict.h"

#include <stdbool.h>

int ini_parse_strict(ini_reader reader, void *stream, ini_handler handler, void *user, int max_line)
{
    const bool ml = ini_allow_multiline, bom = ini_allow_bom, inl = ini_allow_inline_comments;
    const bool stack = ini_use_stack, stop = ini_stop_on_first_error, novalue = ini_allow_no_value;
    const int saved_max_line = ini_max_line;
    char *start_pfx = ini_start_comment_prefixes, *inline_pfx = ini_inline_comment_prefixes;

    ini_allow_multiline = false;
    ini_allow_bom = true;
    ini_allow_inline_comments = true;
    ini_use_stack = true;
    ini_stop_on_first_error = true;
    ini_allow_no_value = false;
    ini_max_line = max_line;
    ini_start_comment_prefixes = ";#";
    ini_inline_comment_prefixes = ";";

    int r = ini_parse_stream(reader, stream, handler, user);

    ini_allow_multiline = ml;
    ini_allow_bom = bom;
    ini_allow_inline_comments = inl;
    ini_use_stack = stack;
    ini_stop_on_first_error = stop;
    ini_allow_no_value = novalue;
    ini_max_line = saved_max_line;
    ini_start_comment_prefixes = start_pfx;
    ini_inline_comment_prefixes = inline_pfx;
    return r;
}
