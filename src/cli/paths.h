/* paths.h — where the program finds its lessons and gnuplot scripts. */
#ifndef TF_CLI_PATHS_H
#define TF_CLI_PATHS_H

/* The data directory: the source tree when the program runs from its build
 * directory (build/traceformer → the tree's lessons/ and viz/), else
 * TF_DATADIR (PREFIX/share/traceformer), or $TRACEFORMER_DATA when set. */
const char *paths_data_dir(void);

#endif
