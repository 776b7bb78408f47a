/* pdf_doc.h — a printed document: A4 pages of headings, paragraphs and
 * images, written as a PDF with real text (a reader can search it, and
 * pdftotext reads it back).
 *
 * It knows nothing of lessons or traces: the caller starts pages and puts
 * blocks on them, top to bottom. Text is laid out by pango (wrapped by
 * display width, so Chinese wraps between characters; CJK glyphs come
 * through fontconfig, WenQuanYi Micro Hei being what the project installs)
 * and drawn by cairo's PDF surface. A block that does not fit on the rest
 * of the page flows onto a new one, line by line.
 *
 * Markdown, the simple kind lessons are written in (pdf_doc_markdown):
 * paragraphs (lines joined until a blank line), "- " / "* " / "1. "
 * list items, **bold**, *italic*, `code`, fenced (```) and four-space
 * indented code in monospace, "#" headings in bold, and "> " quoted lines
 * (a lesson's action lines, "> try M: ...") set apart with a bar.
 *
 * Writing goes through a callback, so the caller decides where the bytes
 * land (an io/atomic_file.h temporary file, say). */
#ifndef TF_DOC_PDF_DOC_H
#define TF_DOC_PDF_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef struct PdfDoc PdfDoc;

/* Receives the PDF's bytes in order; false stops the document (an error
 * at pdf_doc_finish). */
typedef bool (*PdfDocWrite)(void *ctx, const unsigned char *data, size_t len);

typedef enum {
    PDF_TEXT_BODY,    /* the running text */
    PDF_TEXT_SMALL,   /* a caption, a source line: smaller and grey */
    PDF_TEXT_MONO,    /* an expression, a measured value: monospace */
    PDF_TEXT_BOLD,    /* a label */
    PDF_TEXT_BOLD_SMALL,  /* a label in a dense list */
    PDF_TEXT_MONO_SMALL,  /* an expression in a dense list: smaller, dark grey */
    PDF_TEXT_TITLE,   /* a title page's title: large */
    PDF_TEXT_H1,      /* a page's heading */
    PDF_TEXT_H2       /* a section inside a page */
} PdfTextStyle;

/* A new document; lang "zh" lays text out as Chinese (fonts and line
 * breaks), anything else as English. No page is started yet. */
Status pdf_doc_open(PdfDoc **out, PdfDocWrite write, void *ctx, const char *lang, Error *err);

/* Start a new page (the first call starts page 1). */
void pdf_doc_page(PdfDoc *d);

/* Plain text (no markup), one paragraph per line of text, in a style. */
void pdf_doc_text(PdfDoc *d, PdfTextStyle style, const char *text);

/* Simple Markdown (see above), in the body style. */
void pdf_doc_markdown(PdfDoc *d, const char *md);

/* The height (points) that pdf_doc_markdown would take, drawing nothing. */
double pdf_doc_markdown_height(PdfDoc *d, const char *md);

/* Vertical space, in points (never across a page). */
void pdf_doc_space(PdfDoc *d, double points);

/* A PNG image, scaled to the text's width and at most max_height points
 * tall (0: the rest of the page), never enlarged past twice its pixel
 * size in points, centred. TF_ERR_RUNTIME when it cannot be read. */
Status pdf_doc_image(PdfDoc *d, const char *png_path, double max_height, Error *err);

/* Points left on the current page below what has been put on it. */
double pdf_doc_room(const PdfDoc *d);

/* Pages so far. */
int pdf_doc_pages(const PdfDoc *d);

/* Finish the document (write its last bytes) and free it. TF_ERR_RUNTIME
 * when cairo or the writer failed on the way. d is freed either way. */
Status pdf_doc_finish(PdfDoc *d, Error *err);

/* Free a document without finishing it (after a failure). NULL is fine. */
void pdf_doc_free(PdfDoc *d);

/* Release what pango, cairo and fontconfig keep for the life of the
 * program (font maps and caches), so that a leak checker at exit sees
 * nothing; call once, after the last document. */
void pdf_doc_release_caches(void);

#endif
