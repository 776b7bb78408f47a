/* claims_ast.h — the parsed form of a claim, shared by the parser
 * (claims.c) and the evaluator (claims_eval.c). Private to src/lesson. */
#ifndef TF_LESSON_CLAIMS_AST_H
#define TF_LESSON_CLAIMS_AST_H

#include "lesson/claims.h"

#define CLAIM_MAX_ARGS 16

typedef enum { N_NUM, N_REF, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV, N_POW, N_CALL } ClaimNodeKind;

/* The functions, in one table: name, arity, and what they do (README). */
typedef enum {
    F_ABS, F_ISINF, F_MAX, F_MIN, F_MEAN, F_SUM, F_COUNT, F_STD, F_ROWSUM, F_ENTROPY, F_DISTANCE, F_NORM,
    F_JACOBIAN, F_ROWMAX, F_ARGMAX, F_DIAG, F_UPPER, F_LOWER, F_MASKED, F_UNMASKED, F_MAXDIFF, F_PERMUTE_ROWS, F_REVERSE_ROWS, F_ROWS, F_FIRST_BELOW,
    F_LINEFORM,
    F_COUNT_FNS
} ClaimFn;

typedef struct {
    const char *name;
    int min_args, max_args;
} ClaimFnInfo;

extern const ClaimFnInfo claim_fns[F_COUNT_FNS];

struct ClaimNode {
    ClaimNodeKind kind;
    int col;                     /* 1-based column where it starts, for messages */
    double num;                  /* N_NUM */
    ClaimRef ref;                /* N_REF */
    ClaimFn fn;                  /* N_CALL */
    int n_args;
    ClaimNode *args[CLAIM_MAX_ARGS];  /* N_CALL: arguments; N_NEG: [0]; binary: [0], [1] */
};

#endif
