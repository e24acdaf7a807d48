/*
 * A C host of Redline: compiles the three-always policy, loads Rules/sample, runs it as of
 * 2024-06-30 and prints the decisions (the same as `redline run Rules/three-always.rl --data
 * Rules/sample --as-of 2024-06-30`). Then, on stderr: an expression, an explanation, a rule file
 * with an error, data given as CSV text, bad arguments, and a check that no handle is left.
 *
 *   Scripts/build-libredline
 *   cc -Wall -Werror -I include Examples/c/host.c -L .build/lib -lredline -Wl,-rpath,$PWD/.build/lib -o /tmp/redline-host
 *   /tmp/redline-host Rules/three-always.rl Rules/sample
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "redline.h"

static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, file) != (size_t)size) { free(text); text = NULL; }
    if (text) text[size] = '\0';
    fclose(file);
    return text;
}

/* Prints the failure of a call and frees its message; returns 1 if the call failed. */
static int failed(const char *what, redline_status status, char *error) {
    if (status == REDLINE_OK) return 0;
    fprintf(stderr, "%s: %s\n%s", what, redline_status_name(status), error ? error : "");
    redline_free_string(error);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s RULES.rl DATA-DIR\n", argv[0]); return 2; }
    char *rules = read_file(argv[1]);
    if (!rules) { fprintf(stderr, "cannot read %s\n", argv[1]); return 2; }

    const char *names[] = { argv[1] };
    const char *texts[] = { rules };
    redline_program *program = NULL;
    char *error = NULL;
    redline_status status = redline_compile(names, texts, 1, &program, &error);
    free(rules);
    if (failed("compile", status, error)) { redline_free_program(program); return 1; }

    redline_dataset *dataset = NULL;
    status = redline_load_directory(program, argv[2], NULL, &dataset, &error);
    if (failed("load", status, error)) { redline_free_program(program); return 1; }

    redline_limits limits = { 0 };
    limits.timeout_seconds = 60;
    char *report = NULL;
    status = redline_run(program, dataset, "2024-06-30", "table", &limits, NULL, &report, &error);
    if (failed("run", status, error)) { redline_free_string(report); return 1; }
    fputs(report, stdout);
    redline_free_string(report);

    /* An expression over the data, and one subject explained. */
    char *value = NULL;
    status = redline_evaluate(program, dataset, "count h in hazards where h.level == \"major\"", "2024-06-30", NULL, NULL, &value, &error);
    if (failed("evaluate", status, error)) return 1;
    fprintf(stderr, "major hazards: %s\n", value);
    redline_free_string(value);
    char *explanation = NULL;
    status = redline_explain(program, dataset, "E007", "2024-06-30", "zh", NULL, NULL, &explanation, &error);
    if (failed("explain", status, error)) return 1;
    fprintf(stderr, "%s", explanation);
    redline_free_string(explanation);

    /* Cancelled before it starts: the run says it was stopped and gives no report. */
    redline_cancel *cancel = redline_cancel_new();
    redline_cancel_request(cancel);
    status = redline_run(program, dataset, "2024-06-30", "csv", NULL, cancel, &report, &error);
    fprintf(stderr, "cancelled run: %s (%s), report %s\n", redline_status_name(status), error, report ? "given" : "absent");
    redline_free_string(error);
    redline_free_cancel(cancel);

    /* A rule file with an error: diagnostics as JSON. */
    const char *bad_names[] = { "bad.rl" };
    const char *bad_texts[] = { "table t key id { id: text }\nrule r for x in t when x.idd == 1 then flag x\n" };
    redline_program *bad = NULL;
    status = redline_compile(bad_names, bad_texts, 1, &bad, &error);
    fprintf(stderr, "bad rules: %s\n%s", redline_status_name(status), error);
    redline_free_string(error);
    char *json = NULL;
    if (redline_diagnostics(bad, "json", "en", &json, NULL) == REDLINE_OK) fprintf(stderr, "%s\n", json);
    redline_free_string(json);
    redline_free_program(bad);

    /* Tables as CSV text in memory. */
    const char *tables[] = { "enterprises", "hazards", "orders", "inspections" };
    const char *csv[] = {
        "id,name,industry,county,owner,status,employees\nE1,甲煤矿,coal,,,operating,10\n",
        "id,enterprise_id,level,category,found_on,deadline,rectified_on,responsible_unit\nH1,E1,major,瓦斯,2024-05-01,2024-06-01,,\n",
        "id,enterprise_id,kind,issued_on\n",
        "id,enterprise_id,date,producing\n",
    };
    redline_dataset *memory = NULL;
    status = redline_load_csv(program, tables, csv, 4, "none", &memory, &error);
    if (failed("load csv", status, error)) return 1;
    status = redline_run(program, memory, "2024-06-30", "csv", NULL, NULL, &report, &error);
    if (failed("run csv", status, error)) return 1;
    fprintf(stderr, "%s", report);
    redline_free_string(report);

    /* Bad arguments are errors, not crashes. */
    int refused = 0;
    refused += redline_run(NULL, dataset, "2024-06-30", "csv", NULL, NULL, &report, NULL) == REDLINE_INVALID_ARGUMENT;
    refused += redline_run(program, (redline_dataset *)program, "2024-06-30", "csv", NULL, NULL, &report, NULL) == REDLINE_INVALID_ARGUMENT;
    refused += redline_run(program, dataset, "30/06/2024", "csv", NULL, NULL, &report, NULL) == REDLINE_INVALID_ARGUMENT;
    refused += redline_run(program, dataset, "2024-06-30", "pdf", NULL, NULL, &report, NULL) == REDLINE_INVALID_ARGUMENT;
    refused += redline_run(program, (redline_dataset *)(void *)0x7, "2024-06-30", "csv", NULL, NULL, &report, NULL) == REDLINE_INVALID_ARGUMENT;
    refused += redline_evaluate(program, NULL, "\xff\xfe", "2024-06-30", NULL, NULL, &value, NULL) == REDLINE_INVALID_ARGUMENT;
    refused += redline_compile(NULL, NULL, 1, &bad, NULL) == REDLINE_INVALID_ARGUMENT;
    refused += redline_explain(program, dataset, "E999", "2024-06-30", NULL, NULL, NULL, &explanation, NULL) == REDLINE_NOT_FOUND;
    refused += redline_cancel_request(NULL) == REDLINE_INVALID_ARGUMENT;
    fprintf(stderr, "refused bad arguments: %d of 9\n", refused);
    redline_free_program((redline_program *)(void *)0x7);  /* not a handle: nothing happens */

    redline_free_dataset(memory);
    redline_free_dataset(dataset);
    redline_free_program(program);
    long long live = (long long)redline_live_handles();
    fprintf(stderr, "live handles: %lld\n", live);
    return refused == 9 && live == 0 ? 0 : 1;
}
