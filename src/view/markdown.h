/* markdown.h — a lesson's Markdown as the narration pane shows it.
 *
 * Two steps. markdown_flow joins the lines of each paragraph of lesson.md into
 * one line (with a space, or none between Chinese characters), so the pane
 * can wrap them to its own width; list items, headings, tables and code
 * keep lines of their own. Inline markup (`code`, **strong**, *emphasis*)
 * is kept for the second step. markdown_lines then wraps that text to a width in
 * display columns and turns it into styled spans: code spans without their
 * backquotes, emphasis without its asterisks, list items with a bullet and
 * a hanging indent. Chinese text breaks between any two characters, other
 * text at spaces (view/text.h: text_can_break), so a marker is never cut
 * and never left alone on a line: markers are not drawn at all. */
#ifndef TF_VIEW_MARKDOWN_H
#define TF_VIEW_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

/* The paragraphs of md joined as the pane wraps them. Returns a malloc'd
 * string (the caller frees it), or NULL when out of memory. */
char *markdown_flow(const char *md);

typedef enum {
    MD_CODE = 1,    /* a code span or code block: shown in the value colour */
    MD_STRONG = 2,  /* **strong**: bold */
    MD_EM = 4,      /* *emphasis*: underlined */
    MD_BULLET = 8,  /* a list item's "- ": drawn as "• " (ASCII: "- ") */
} MdStyle;

/* Bytes text[off, off + len) drawn with style (a set of MdStyle bits). */
typedef struct {
    size_t off, len;
    unsigned style;
} MdSpan;

/* One screen line: indent columns of space, then spans[span, span + n_spans). */
typedef struct {
    int indent;
    int span, n_spans;
} MdLine;

/* Wrap flowed text (markdown_flow's output) into lines of at most cols columns:
 * the first max_lines to lines, their spans to spans (max_spans; a line
 * whose spans do not fit is cut short). Either may be NULL to only count.
 * A blank line between paragraphs stays; trailing blank lines go. Returns
 * how many lines there are in all. */
int markdown_lines(const char *text, int cols, bool ascii, MdLine *lines, int max_lines, MdSpan *spans, int max_spans);

#endif
