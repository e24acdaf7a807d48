/*
 * redline.h — the C interface to Redline, a rules language for work-safety regulators.
 *
 * Link with libredline.so, which `Scripts/build-libredline` builds into .build/lib (it is SwiftPM's
 * product RedlineC, libRedlineC.so, copied under that name). Usable from C, C++, Python (ctypes),
 * Java (JNA/FFM), Go (cgo): every type is an opaque handle, a fixed-size struct of plain fields,
 * or a NUL-terminated UTF-8 string.
 *
 * Ownership
 *   - Every handle made by a redline_* function (program, dataset, cancel) is the caller's until it
 *     is given to its matching redline_free_* function. Freeing NULL does nothing; freeing a handle
 *     twice, or a pointer that is not a live handle, does nothing and is reported by
 *     redline_live_handles() not going down.
 *   - Every `char *` the library writes into an out parameter was allocated with malloc and is the
 *     caller's: release it with redline_free_string (or free). Strings the caller passes in stay
 *     the caller's; the library copies what it keeps.
 *   - redline_version() and redline_status_name() return static strings: never free them.
 *   - A dataset keeps its program alive: either may be freed first.
 *
 * Errors
 *   Every function that can fail returns a redline_status. REDLINE_OK is 0. On any other status,
 *   if `error` is not NULL, *error is set to a message (caller frees); on REDLINE_OK *error is set
 *   to NULL. Out parameters are set to NULL before any work, so they are safe to free afterwards
 *   whatever the status.
 *   NULL where a value is required, a pointer that is not a live handle of the right kind, text
 *   that is not UTF-8, or an unknown option is REDLINE_INVALID_ARGUMENT, never a crash. (A pointer
 *   to freed or unmapped memory passed as a string cannot be detected by any C library.)
 *
 * Threads
 *   Every function may be called from any thread. A program and a dataset may be used by many
 *   threads at once (one compiled program and one dataset evaluated from 8 threads give exactly
 *   the decisions of one). redline_cancel_request may be called from another thread while an
 *   evaluation watching that flag runs; the evaluation then returns REDLINE_STOPPED.
 *
 * Dates are ISO text, "2024-06-30". Languages are "en" or "zh" (NULL is "en"). Formats of reports
 * are "table", "csv" or "json"; of diagnostics "text" or "json".
 */
#ifndef REDLINE_H
#define REDLINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum redline_status {
    REDLINE_OK = 0,
    /* NULL, a dead or wrong handle, text that is not UTF-8, a bad date, an unknown format. */
    REDLINE_INVALID_ARGUMENT = 1,
    /* The rule files have errors (see redline_diagnostics). */
    REDLINE_COMPILE_ERROR = 2,
    /* The data could not be loaded (the message lists the data errors). */
    REDLINE_DATA_ERROR = 3,
    /* An expression failed, or some rule outcomes of a run failed (the report is still given). */
    REDLINE_EVALUATION_ERROR = 4,
    /* A limit (steps, deadline, cancellation) stopped the evaluation; no report is given. */
    REDLINE_STOPPED = 5,
    /* explain: no subject has that key. */
    REDLINE_NOT_FOUND = 6
} redline_status;

/* A compiled rule set. Immutable; safe to share between threads. */
typedef struct redline_program redline_program;
/* Tables loaded for a program. Immutable; safe to share between threads. */
typedef struct redline_dataset redline_dataset;
/* A cancellation flag an evaluation watches. */
typedef struct redline_cancel redline_cancel;

/* Limits of one evaluation. A zero field means the library's default (steps 5,000,000,000;
 * list size 50,000,000; workdays 100,000; no deadline). Pass NULL for all defaults. */
typedef struct redline_limits {
    int64_t max_steps;
    double timeout_seconds;
    int64_t max_list_size;
    int64_t max_workdays;
} redline_limits;

/* "0.10.0": the library's version (static). */
const char *redline_version(void);
/* "REDLINE_OK", "REDLINE_INVALID_ARGUMENT", …; "?" for an unknown value (static). */
const char *redline_status_name(int status);

/* Compiles `count` rule files given as (name, text) pairs; names appear in diagnostics.
 * On REDLINE_OK and on REDLINE_COMPILE_ERROR *program is set: free it either way (with compile
 * errors it can only give its diagnostics). *error then holds the diagnostics as text. */
redline_status redline_compile(const char *const *names, const char *const *texts, size_t count,
                               redline_program **program, char **error);

/* The program's diagnostics (errors and warnings) as text, or as a JSON array, in a language. */
redline_status redline_diagnostics(const redline_program *program, const char *format, const char *language,
                                   char **out, char **error);

/* Loads DIR/T.csv (or .json, .jsonl) for every declared table T. `calendar` is NULL for the
 * built-in Chinese calendar, "none" for Monday to Friday, or the path of a calendar CSV. */
redline_status redline_load_directory(const redline_program *program, const char *directory, const char *calendar,
                                      redline_dataset **dataset, char **error);

/* Loads every declared table from CSV text in memory: tables[i] is a table's name, csv[i] its text. */
redline_status redline_load_csv(const redline_program *program, const char *const *tables, const char *const *csv,
                                size_t count, const char *calendar, redline_dataset **dataset, char **error);

/* Evaluates every rule for every subject as of `as_of` and renders the report ("table", "csv",
 * "json"). *report is set on REDLINE_OK and REDLINE_EVALUATION_ERROR (failed outcomes are in it). */
redline_status redline_run(const redline_program *program, const redline_dataset *dataset, const char *as_of,
                           const char *format, const redline_limits *limits, redline_cancel *cancel,
                           char **report, char **error);

/* Every rule's outcome for the subject with key `subject`, and why, as text in `language`. */
redline_status redline_explain(const redline_program *program, const redline_dataset *dataset, const char *subject,
                               const char *as_of, const char *language, const redline_limits *limits,
                               redline_cancel *cancel, char **text, char **error);

/* Evaluates one expression (`dataset` may be NULL); *value is its literal form ("2024-07-01",
 * "\"text\"", "[1, 2]", "missing", "unknown" for a condition that is missing). */
redline_status redline_evaluate(const redline_program *program, const redline_dataset *dataset, const char *expression,
                                const char *as_of, const redline_limits *limits, redline_cancel *cancel,
                                char **value, char **error);

/* A new, unset cancellation flag (NULL only if memory runs out). */
redline_cancel *redline_cancel_new(void);
/* Asks every evaluation watching the flag to stop. */
redline_status redline_cancel_request(redline_cancel *cancel);

void redline_free_program(redline_program *program);
void redline_free_dataset(redline_dataset *dataset);
void redline_free_cancel(redline_cancel *cancel);
void redline_free_string(char *text);

/* How many handles are live (made and not yet freed): a host's leak check. */
int64_t redline_live_handles(void);

#ifdef __cplusplus
}
#endif

#endif /* REDLINE_H */
