/* netc_runtime.h - the runtime library that generated trainers link (libnetcrt.a).
 *
 * Layers, bottom up:
 *   error        netc_error: a message buffer every fallible call fills (no globals)
 *   atomic       files replaced atomically (temporary file, fsync, rename); memory checks
 *   rng          seeded, deterministic random numbers (xoshiro256** seeded by splitmix64)
 *   idx / csv    readers for MNIST IDX files and numeric CSV files
 *   dataset      samples as float[n][n_input] + integer labels; targets; input scaling
 *   safetensors  strict reader and atomic writer of .safetensors weight files
 *   trainer      netc_trainer_main() (declared in netc_model.h): train/eval/predict/gradcheck/
 *                bench/report (progress, metrics and the report: netc_report.h;
 *                checkpoints: netc_checkpoint.h)
 *
 * Conventions: functions that can fail return 0 on success and -1 on failure, after
 * filling `err` with "FILE: PLACE: what was expected, what was found" and, where it
 * helps, a second line "hint: ...".  Objects are owned by the caller and released
 * with the matching _free function (which accepts a zeroed object).
 */
#ifndef NETC_RUNTIME_H
#define NETC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netc_model.h"

#if defined(__GNUC__) || defined(__clang__)
#define NETC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NETC_PRINTF(fmt, args)
#endif

/* ---- error ------------------------------------------------------------------ */

typedef struct netc_error {
    char msg[1024];
} netc_error;

/* Formats the message into err (truncating if long) and returns -1, so that
 * `return netc_fail(err, "%s: byte %zu: ...", path, off);` reads naturally. */
int netc_fail(netc_error *err, const char *fmt, ...) NETC_PRINTF(2, 3);

/* Prepends "context: " to the message already in err; returns -1. */
int netc_fail_context(netc_error *err, const char *fmt, ...) NETC_PRINTF(2, 3);

/* malloc(count * size) with an overflow check; on failure fills err naming `what`
 * and the number of bytes, and returns NULL. */
void *netc_alloc(size_t count, size_t size, const char *what, netc_error *err);

/* Reads a whole file into a malloc'd buffer (*size bytes, plus a terminating NUL
 * that is not counted).  Refuses files larger than max_size bytes. */
int netc_read_file(const char *path, size_t max_size, unsigned char **data, size_t *size,
                   netc_error *err);

/* Fills an open file; returns 0, or -1 after a failed write (errno set). */
typedef int (*netc_writer)(FILE *out, const void *ctx);
/* Replaces path atomically (runtime/atomic.c): write(out, ctx) fills a temporary file in
 * the same directory, which is flushed, fsync'd and renamed over path; then the directory
 * is fsync'd.  On failure path is left as it was and the message names it. */
int netc_write_atomic(const char *path, netc_writer write, const void *ctx, netc_error *err);

/* Fails, naming `what` (printf-style) and both sizes, when one allocation of `bytes`
 * cannot succeed: more than the machine's memory or the process's ulimit. */
int netc_check_memory(double bytes, netc_error *err, const char *fmt, ...) NETC_PRINTF(3, 4);

/* ---- rng -------------------------------------------------------------------- */

typedef struct netc_rng {
    uint64_t s[4];
} netc_rng;

/* Seeds the four words of state from `seed` with splitmix64 (any seed is fine). */
void netc_rng_seed(netc_rng *rng, uint64_t seed);
/* Next 64 random bits (xoshiro256**). */
uint64_t netc_rng_next(netc_rng *rng);
/* Uniform float in [0, 1), 24 random bits. */
float netc_rng_uniform(netc_rng *rng);
/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint32_t netc_rng_below(netc_rng *rng, uint32_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void netc_rng_shuffle(netc_rng *rng, int *idx, int n);

/* ---- idx -------------------------------------------------------------------- */

/* An IDX file of unsigned bytes: dims[0] items of dims[1] x ... x dims[rank-1] bytes. */
typedef struct netc_idx {
    int rank;                   /* 1 for labels, 3 for MNIST images */
    int dims[4];
    size_t n;                   /* dims[0] */
    size_t item_size;           /* bytes per item: product of dims[1..rank) */
    unsigned char *data;        /* n * item_size bytes */
} netc_idx;

/* Reads an IDX file of unsigned bytes with exactly `rank` dimensions (1: labels,
 * magic 0x00000801; 3: images, magic 0x00000803).  Checks the magic, the type byte
 * and that the declared sizes match the file size before allocating. */
int netc_idx_read(const char *path, int rank, netc_idx *idx, netc_error *err);
void netc_idx_free(netc_idx *idx);
/* 1 if the first bytes of the file look like an IDX header (used by predict). */
int netc_idx_sniff(const char *path);

/* ---- csv -------------------------------------------------------------------- */

typedef struct netc_csv_options {
    int header;                         /* skip the first row */
    int has_label;                      /* one column holds the label */
    enum netc_label_column label_column;
    int label_index;                    /* 0-based, for NETC_LABEL_INDEX */
} netc_csv_options;

/* ---- dataset ---------------------------------------------------------------- */

typedef struct netc_dataset {
    char *source;               /* file the features came from (for messages) */
    char *label_source;         /* file the labels came from (== source for CSV) */
    int n;                      /* samples */
    int n_input;                /* floats per sample */
    int rank, shape[3];         /* shape of one sample, e.g. 28x28 (rank 2) */
    float *x;                   /* n * n_input, row-major */
    int *labels;                /* n class labels, or NULL when the file has none */
} netc_dataset;

/* Images (+ labels, may be NULL) from IDX files; unit_scale: bytes / 255, else raw.
 * Checks that both files hold the same number of items. */
int netc_dataset_load_idx(netc_dataset *ds, const char *images, const char *labels,
                          int unit_scale, netc_error *err);
/* Numeric CSV: one sample per row (see netc_csv_options for label and header). */
int netc_dataset_load_csv(netc_dataset *ds, const char *path, const netc_csv_options *opt,
                          netc_error *err);
void netc_dataset_free(netc_dataset *ds);
/* Keeps only the first n samples (no-op when n <= 0 or n >= ds->n). */
void netc_dataset_limit(netc_dataset *ds, int n);

/* Checks that a sample has the network's n_input floats. */
int netc_dataset_check_input(const netc_dataset *ds, const netc_model *model, netc_error *err);
/* Checks every label (if any) is usable with `targets` and n_output
 * (one-hot: label < n_output; value: n_output == 1). */
int netc_dataset_check_labels(const netc_dataset *ds, int n_output, enum netc_targets targets,
                              netc_error *err);

/* Copies samples idx[0..n) into x (n * n_input floats). */
void netc_dataset_gather(const netc_dataset *ds, const int *idx, int n, float *x);
/* Starts loading samples idx[0..n) into the caches (a hint; nothing else changes). */
void netc_dataset_prefetch(const netc_dataset *ds, const int *idx, int n);
/* Targets of samples idx[0..n) into y (n * n_output floats): one-hot rows, or the
 * label value itself (n_output == 1).  Fails naming file and sample on a bad label. */
int netc_dataset_targets(const netc_dataset *ds, const int *idx, int n, int n_output,
                         enum netc_targets kind, float *y, netc_error *err);

/* Per-feature input scaling with statistics from the training set:
 * unit: (x - min) / (max - min); standardize: (x - mean) / std.  A constant
 * feature gets range / std 1. */
typedef struct netc_scaler {
    enum netc_scaling kind;     /* NETC_SCALE_NONE: nothing to apply */
    int n;                      /* features */
    float *a, *b;               /* unit: min, max; standardize: mean, std */
} netc_scaler;

/* 1 if `scale` on data of `format` needs statistics (CSV unit scaling, standardize). */
/* The scaling for data of this format: the .net file's data block decides; without
 * one, IDX pixels are scaled to [0, 1] and CSV features are used as they are. */
enum netc_scaling netc_scaling_for(const netc_model *m, enum netc_data_format format);
int netc_scaling_needs_stats(enum netc_data_format format, enum netc_scaling scale);
int netc_scaler_fit(netc_scaler *s, enum netc_scaling kind, const netc_dataset *train,
                    netc_error *err);
void netc_scaler_apply(const netc_scaler *s, netc_dataset *ds);
void netc_scaler_free(netc_scaler *s);
/* Tensor names in the weights file: "input.min"/"input.max" or "input.mean"/"input.std". */
const char *netc_scaler_name(enum netc_scaling kind, int second);

/* ---- safetensors ------------------------------------------------------------ */

#define NETC_ST_MAX_RANK 4
#define NETC_ST_MAX_HEADER (100u * 1024 * 1024)

/* A tensor as found in a file (always F32 once read). */
typedef struct netc_st_entry {
    char *name;
    int rank;
    int64_t shape[NETC_ST_MAX_RANK];
    size_t begin, end;          /* byte offsets within the data section */
    size_t header_pos;          /* file offset of the entry's name, for messages */
} netc_st_entry;

typedef struct netc_st_file {
    char *path;
    int n_tensor;
    netc_st_entry *tensors;
    int n_meta;
    char **meta_keys, **meta_values;
    unsigned char *data;        /* data section (points into the file buffer) */
    size_t data_size;
    unsigned char *buffer;      /* the whole file */
} netc_st_file;

/* Reads and validates a safetensors file: header JSON grammar, UTF-8, F32 only,
 * offsets inside the data, contiguous, not overlapping, matching shape x 4 bytes. */
int netc_st_read(const char *path, netc_st_file *f, netc_error *err);
void netc_st_free(netc_st_file *f);
/* The tensor called name, or NULL. */
const netc_st_entry *netc_st_find(const netc_st_file *f, const char *name);
/* The value of metadata key, or NULL. */
const char *netc_st_meta(const netc_st_file *f, const char *key);
/* Decodes a tensor's little-endian floats into dst (numel floats). */
void netc_st_get_f32(const netc_st_file *f, const netc_st_entry *e, float *dst);

/* A tensor to write.  transposed: data is [shape[1]][shape[0]] in memory and is
 * written transposed, as [shape[0]][shape[1]] (rank 2 only). */
typedef struct netc_st_out {
    const char *name;
    int rank;
    int64_t shape[NETC_ST_MAX_RANK];
    const float *data;
    int transposed;
} netc_st_out;

/* Writes tensors (in order, contiguous, F32 little-endian) and metadata pairs
 * atomically: a temporary file in the same directory, fsync, rename.  On failure
 * an existing file at path is left untouched. */
int netc_st_write(const char *path, const netc_st_out *tensors, int n_tensor,
                  const char *const *meta_keys, const char *const *meta_values, int n_meta,
                  netc_error *err);

/* Saves the model's parameters (and the scaler's statistics, if any) with metadata
 * {"network": name, "netc_version": version}. */
int netc_weights_save(const char *path, const netc_model *model, const float *params,
                      const netc_scaler *scaler, netc_error *err);
/* Loads every model tensor (shapes must match; no unknown tensors except input.*)
 * into params; fills scaler from input.* tensors if present (else kind NONE). */
int netc_weights_load(const char *path, const netc_model *model, float *params,
                      netc_scaler *scaler, netc_error *err);

/* ---- threads (pool.c) and the model on them (engine.c) ------------------------- */

enum { NETC_MAX_THREADS = 256 };

/* T threads (the caller and T - 1 workers) that run one task at a time, together. */
typedef struct netc_pool netc_pool;
typedef void (*netc_task)(void *ctx, int t, int T);
netc_pool *netc_pool_new(int threads, netc_error *err);
/* Calls task(ctx, t, T) on every thread t = 0 .. T-1 (0 is the caller); returns when all
 * have returned. */
void netc_pool_run(netc_pool *pool, netc_task task, void *ctx);
int netc_pool_size(const netc_pool *pool);
void netc_pool_free(netc_pool *pool);

/* A model's state and the threads that share its work: the model's entry points, split
 * between the threads when the model has parts (model->part_*) and threads > 1, with the
 * same results bit for bit. */
typedef struct netc_engine {
    const netc_model *m;
    void *state;
    netc_pool *pool;            /* NULL: one thread, the model's entry points */
    double min_work;            /* smaller parts run on one thread (engine.c) */
} netc_engine;
int netc_engine_init(netc_engine *e, const netc_model *m, void *state, int threads,
                     netc_error *err);
void netc_engine_free(netc_engine *e);
/* The model's forward (out), forward and mean loss (eval: out and the returned loss),
 * forward_backward and update. */
void netc_engine_forward(netc_engine *e, const float *x, float *out, int n);
float netc_engine_eval(netc_engine *e, const float *x, const float *y, float *out, int n);
float netc_engine_forward_backward(netc_engine *e, const float *x, const float *y, int n);
void netc_engine_update(netc_engine *e, float lr);

/* ---- several processes training one network (MPI: runtime/mpi/netc_mpi.c) ------ */

/* The processes (ranks) of a data-parallel run: each computes the gradient of its part
 * of every mini-batch; sum() adds a buffer across all of them, in place, the same
 * result on every rank.  Rank 0 alone prints, saves weights and writes checkpoints. */
typedef struct netc_comm {
    int rank, size;
    void (*sum_floats)(const struct netc_comm *comm, float *buf, size_t n);
    void (*sum_doubles)(const struct netc_comm *comm, double *buf, size_t n);
} netc_comm;

/* ---- trainer ---------------------------------------------------------------- */

/* "NAME: error: MESSAGE" on stderr; a process of comm other than rank 0 adds its rank. */
void netc_print_error(const netc_model *m, const netc_comm *comm, const netc_error *err);

/* netc_trainer_main() for one of the processes of comm (NULL: the only one). */
int netc_trainer_run(const netc_model *model, int argc, char **argv, const netc_comm *comm);

enum netc_command { NETC_CMD_HELP, NETC_CMD_TRAIN, NETC_CMD_EVAL, NETC_CMD_PREDICT,
                    NETC_CMD_GRADCHECK, NETC_CMD_BENCH, NETC_CMD_REPORT };

/* The trainer's command line, defaults filled from the model. */
typedef struct netc_options {
    enum netc_command command;
    const char *train_images, *train_labels, *test_images, *test_labels;
    const char *train_csv, *test_csv;
    enum netc_data_format format;
    netc_csv_options csv;
    int label_given;            /* --label-column was passed (predict reads labels) */
    int epochs, batch, limit;
    int warmup;                 /* bench: untimed epochs before the timed ones */
    int threads;                /* threads sharing each batch's work (same results for any) */
    const netc_comm *comm;      /* the processes training together; NULL: this one alone */
    double lr, tolerance;
    uint64_t seed;
    const char *init_weights, *weights, *save, *input;
    const char *checkpoint;     /* train: NULL for the default (see netc_checkpoint_path) */
    const char *resume;         /* train: the checkpoint to continue from */
    int checkpoint_every;       /* seconds between checkpoints within an epoch; 0: none */
    int shuffle, quiet, raw;
    const char *log;            /* train: write the per-epoch CSV; report: read it */
    const char *report;         /* train --report DIR, report -o DIR */
    char save_default[256];     /* "NAME.safetensors" */
    char data_paths[4][1024];   /* storage for --data DIR/... */
} netc_options;

/* Parses argv into o.  Returns 0, or -1 with a message in err (usage error, exit 2). */
int netc_parse_options(const netc_model *model, int argc, char **argv, netc_options *o,
                       netc_error *err);
/* Prints the usage screen, defaults in brackets. */
void netc_usage(const netc_model *model, FILE *out);

/* The commands; each returns an exit status (0 ok, 1 error in data or files). */
int netc_cmd_train(const netc_model *model, const netc_options *o);
int netc_cmd_eval(const netc_model *model, const netc_options *o);
int netc_cmd_predict(const netc_model *model, const netc_options *o);
int netc_cmd_gradcheck(const netc_model *model, const netc_options *o);
/* Training and inference samples/s on real data, as `key value` lines (runtime/bench.c). */
int netc_cmd_bench(const netc_model *model, const netc_options *o);
/* index.html and pictures of what the network learned (runtime/report.c). */
int netc_cmd_report(const netc_model *model, const netc_options *o);

/* Class of one output row: argmax, or output >= 0.5 (class 1) for a single output. */
int netc_predicted_class(const float *out, int n_output);

/* Learning rate for epoch (counted from 0) under the model's schedule. */
double netc_schedule_lr(const netc_model *model, double lr, int epoch, int epochs);
/* The schedule as the .net file writes it, e.g. "cosine(min_lr = 1e-05)"; returns buf. */
const char *netc_schedule_text(const netc_model *model, char *buf, size_t n);

/* The model's state: state_size bytes aligned to NETC_ALIGN (free with free()). */
void *netc_state_alloc(const netc_model *model, netc_error *err);

/* Loads the training (test = 0) or test (test = 1) data the options name, checked
 * against the model (sample size, labels).  Returns 1 when the options name no
 * such data, else 0 or -1. */
int netc_load_split(const netc_model *model, const netc_options *o, int test,
                    netc_dataset *ds, netc_error *err);
/* Training (required) and test (optional, n = 0 when absent) data as `train` uses
 * them: --limit applied, scaled with the training set's statistics, which go into
 * scaler (zeroed by the caller). */
int netc_load_train_test(const netc_model *m, const netc_options *o, netc_dataset *train,
                         netc_dataset *test, netc_scaler *scaler, netc_error *err);

/* A fresh state holding the weights from path, and the scaling statistics stored with
 * them (required when the network's scaling of `format` data needs them). */
int netc_load_trained(const netc_model *model, const char *path, enum netc_data_format format,
                      void **state, netc_scaler *s, netc_error *err);

#endif
