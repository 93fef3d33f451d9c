/* cli.c - the generated trainer's command line: options, defaults, usage screen.
 *
 * Options live in one table (name, kind, field); the parser is a loop over argv
 * that looks each one up.  Both "--epochs 5" and "--epochs=5" work. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/commands.h"
#include "model/pool.h"
#include "model/schedule.h"
#include "train/outputs.h"

enum opt_kind {
    OPT_PATH,           /* const char * field */
    OPT_INT,            /* int field within [min, max] */
    OPT_DOUBLE,         /* double field within (min, max] */
    OPT_U64,            /* uint64_t field within [0, max] (compared exactly) */
    OPT_SET,            /* int field = 1, no value */
    OPT_CLEAR,          /* int field = 0, no value */
    OPT_HEADER,         /* --header, --no-header: int field = min; header_given */
    OPT_DATA_DIR,       /* --data DIR */
    OPT_LABEL,          /* --label-column first|last|N */
    OPT_HOLDOUT,        /* --validation N|FRACTION */
    OPT_KEEP            /* --keep best|last */
};

/* What an option implies: a data format, or a training setting (fixed when resuming). */
enum opt_group { G_IDX = 1, G_CSV = 2, G_SETTING = 4 };

typedef struct opt_spec {
    const char *name;
    enum opt_kind kind;
    size_t field;
    double min, max;
    int group;          /* enum opt_group */
} opt_spec;

#define F(member) offsetof(netc_options, member)
static const opt_spec opt_table[] = {
    { "--data", OPT_DATA_DIR, 0, 0, 0, G_IDX },
    { "--train-images", OPT_PATH, F(train_images), 0, 0, G_IDX },
    { "--train-labels", OPT_PATH, F(train_labels), 0, 0, G_IDX },
    { "--test-images", OPT_PATH, F(test_images), 0, 0, G_IDX },
    { "--test-labels", OPT_PATH, F(test_labels), 0, 0, G_IDX },
    { "--train-csv", OPT_PATH, F(train_csv), 0, 0, G_CSV },
    { "--test-csv", OPT_PATH, F(test_csv), 0, 0, G_CSV },
    { "--label-column", OPT_LABEL, 0, 0, 0, 0 },
    { "--header", OPT_HEADER, F(csv.header), 1, 1, 0 },
    { "--no-header", OPT_HEADER, F(csv.header), 0, 0, 0 },
    { "--epochs", OPT_INT, F(epochs), 1, 1e6, G_SETTING },
    { "--lr", OPT_DOUBLE, F(lr), 0, 1e6, G_SETTING },
    { "--batch", OPT_INT, F(batch), 1, INT_MAX, G_SETTING },
    { "--seed", OPT_U64, F(seed), 0, 9007199254740992.0, G_SETTING },
    { "--init-weights", OPT_PATH, F(init_weights), 0, 0, G_SETTING },
    { "--no-shuffle", OPT_CLEAR, F(shuffle), 0, 0, G_SETTING },
    { "--limit", OPT_INT, F(limit), 1, INT_MAX, G_SETTING },
    { "--validation", OPT_HOLDOUT, F(validation), 0, INT_MAX, G_SETTING },
    { "--early-stop", OPT_INT, F(early_stop), 1, 1e6, G_SETTING },
    { "--keep", OPT_KEEP, F(keep_best), 0, 0, G_SETTING },
    { "--save", OPT_PATH, F(save), 0, 0, 0 },
    { "--checkpoint", OPT_PATH, F(checkpoint), 0, 0, 0 },
    { "--checkpoint-every", OPT_INT, F(checkpoint_every), 0, 1e9, 0 },
    { "--resume", OPT_PATH, F(resume), 0, 0, 0 },
    { "--overwrite", OPT_SET, F(overwrite), 0, 0, 0 },
    { "--keep-checkpoint", OPT_SET, F(keep_checkpoint), 0, 0, 0 },
    { "--quiet", OPT_SET, F(quiet), 0, 0, 0 },
    { "--threads", OPT_INT, F(threads), 1, NETC_MAX_THREADS, 0 },
    { "--weights", OPT_PATH, F(weights), 0, 0, 0 },
    { "--allow-other-network", OPT_SET, F(allow_other_network), 0, 0, 0 },
    { "--raw", OPT_SET, F(raw), 0, 0, 0 },
    { "--csv", OPT_SET, F(csv_output), 0, 0, 0 },
    { "--per-class", OPT_SET, F(per_class), 0, 0, 0 },
    { "--tolerance", OPT_DOUBLE, F(tolerance), 0, 1e6, 0 },
    { "--warmup", OPT_INT, F(warmup), 0, 1e6, 0 },
    { "--log", OPT_PATH, F(log), 0, 0, 0 },
    { "--report", OPT_PATH, F(report), 0, 0, 0 },
};
#undef F

static const struct { const char *name; enum netc_command cmd; } commands[] = {
    { "train", NETC_CMD_TRAIN }, { "eval", NETC_CMD_EVAL }, { "predict", NETC_CMD_PREDICT },
    { "gradcheck", NETC_CMD_GRADCHECK }, { "bench", NETC_CMD_BENCH }, { "help", NETC_CMD_HELP },
    { "--help", NETC_CMD_HELP }, { "-h", NETC_CMD_HELP }, { "report", NETC_CMD_REPORT },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Edit distance, for "did you mean" (names are short). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, row[64];

    if (la >= 63 || lb >= 63)
        return 99;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

static int unknown_option(const char *arg, netc_error *err)
{
    size_t i, best = 0, best_d = 99;

    for (i = 0; i < COUNT(opt_table); i++) {
        size_t d = distance(arg, opt_table[i].name);
        if (d < best_d)
            best_d = d, best = i;
    }
    if (best_d <= 2)
        return netc_fail(err, "unknown option '%s'\nhint: did you mean '%s'?", arg,
                         opt_table[best].name);
    return netc_fail(err, "unknown option '%s'\nhint: see --help for the options", arg);
}

static int parse_number(const opt_spec *s, const char *v, void *field, netc_error *err)
{
    char *end;
    double d;

    errno = 0;
    if (s->kind == OPT_U64) {
        unsigned long long u = strtoull(v, &end, 10);
        if (*v == '-' || end == v || *end || errno || u > (unsigned long long)s->max)
            return netc_fail(err, "%s: expected an integer from 0 to %.0f, found '%s'",
                             s->name, s->max, v);
        *(uint64_t *)field = u;
        return 0;
    }
    d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d) || strpbrk(v, "xX"))
        return netc_fail(err, "%s: expected a decimal number, found '%s'", s->name, v);
    if (s->kind == OPT_DOUBLE && (float)d == 0 && d != 0)
        return netc_fail(err, "%s: '%s' rounds to 0 as a float", s->name, v);
    if (s->kind == OPT_INT && (d != floor(d) || d < s->min || d > s->max))
        return netc_fail(err, "%s: expected an integer from %.0f to %.0f, found '%s'", s->name,
                         s->min, s->max, v);
    if (s->kind == OPT_DOUBLE && (d <= s->min || d > s->max))
        return netc_fail(err, "%s: expected a number above %.15g and at most %.15g, found '%s'",
                         s->name, s->min, s->max, v);
    if (s->kind == OPT_INT)
        *(int *)field = (int)d;
    else
        *(double *)field = d;
    return 0;
}

/* The label columns' words ("first", "last"); NULL for the one given by a number. */
static const char *const label_words[] = { NETC_LABEL_COLUMNS(NETC_WORD, ) };

static int parse_label_column(netc_options *o, const char *v, netc_error *err)
{
    char *end;
    long n;
    size_t k;

    o->label_given = 1;
    o->csv.has_label = 1;
    for (k = 0; k < sizeof label_words / sizeof *label_words; k++)
        if (label_words[k] && strcmp(v, label_words[k]) == 0) {
            o->csv.label_column = (enum netc_label_column)k;
            return 0;
        }
    n = strtol(v, &end, 10);
    if (end == v || *end || n < 0 || n > INT_MAX)
        return netc_fail(err, "--label-column: expected first, last or a 0-based column number,"
                         " found '%s'", v);
    o->csv.label_column = NETC_LABEL_INDEX;
    o->csv.label_index = (int)n;
    return 0;
}

/* DIR/train-images-idx3-ubyte and its three siblings. */
static int set_data_dir(netc_options *o, const char *dir, netc_error *err)
{
    static const char *const names[4] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
    const char **paths[4];
    int i;

    paths[0] = &o->train_images;
    paths[1] = &o->train_labels;
    paths[2] = &o->test_images;
    paths[3] = &o->test_labels;
    for (i = 0; i < 4; i++) {
        int n = snprintf(o->data_paths[i], sizeof o->data_paths[i], "%s/%s", dir, names[i]);
        if (n < 0 || (size_t)n >= sizeof o->data_paths[i])
            return netc_fail(err, "--data: directory name too long");
        *paths[i] = o->data_paths[i];
    }
    return 0;
}

/* --validation: a number of samples (1 or more), a fraction (above 0, below 1), or 0 for
 * none (overriding the data block's `validation`). */
static int parse_holdout(const opt_spec *s, const char *v, double *field, netc_error *err)
{
    char *end;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (end == v || *end || errno || !(d >= 0) || d > s->max || strpbrk(v, "xXnN") ||
        (d >= 1 && d != floor(d)))
        return netc_fail(err, "%s: expected a number of samples (1 or more), a fraction "
                         "between 0 and 1, or 0 for none, found '%s'", s->name, v);
    *field = d;
    return 0;
}

static int parse_keep(const opt_spec *s, const char *v, int *field, netc_error *err)
{
    if (strcmp(v, "best") != 0 && strcmp(v, "last") != 0)
        return netc_fail(err, "%s: expected best (the lowest validation loss's weights) or "
                         "last (the last epoch's), found '%s'", s->name, v);
    *field = strcmp(v, "best") == 0;
    return 0;
}

static int apply_option(netc_options *o, const opt_spec *s, const char *v, netc_error *err)
{
    void *field = (char *)o + s->field;

    switch (s->kind) {
    case OPT_PATH:
        if (!*v)    /* found now, not after a training run that cannot write its result */
            return netc_fail(err, "%s: the path is empty", s->name);
        *(const char **)field = v;
        return 0;
    case OPT_SET: *(int *)field = 1; return 0;
    case OPT_CLEAR: *(int *)field = 0; return 0;
    case OPT_HEADER: *(int *)field = (int)s->min; o->header_given = 1; return 0;
    case OPT_DATA_DIR: return set_data_dir(o, v, err);
    case OPT_LABEL: return parse_label_column(o, v, err);
    case OPT_HOLDOUT: o->validation_given = 1; return parse_holdout(s, v, (double *)field, err);
    case OPT_KEEP: return parse_keep(s, v, (int *)field, err);
    default: return parse_number(s, v, field, err);
    }
}

static const opt_spec *find_option(const char *arg, size_t len)
{
    size_t i;

    for (i = 0; i < COUNT(opt_table); i++)
        if (strlen(opt_table[i].name) == len && strncmp(opt_table[i].name, arg, len) == 0)
            return &opt_table[i];
    return NULL;
}

/* One "--name", "--name value" or "--name=value"; *i moves past what it used. */
static int parse_option(netc_options *o, int argc, char **argv, int *i, int *groups,
                        netc_error *err)
{
    const char *arg = argv[*i], *eq = strchr(arg, '='), *v;
    const opt_spec *s = find_option(arg, eq ? (size_t)(eq - arg) : strlen(arg));
    int takes_value;

    if (!s)
        return unknown_option(arg, err);
    takes_value = s->kind != OPT_SET && s->kind != OPT_CLEAR && s->kind != OPT_HEADER;
    if (!takes_value && eq)
        return netc_fail(err, "%s takes no value", s->name);
    v = eq ? eq + 1 : NULL;
    if (takes_value && !v) {
        if (*i + 1 >= argc)
            return netc_fail(err, "%s needs a value", s->name);
        v = argv[++*i];
    }
    *groups |= s->group;
    return apply_option(o, s, v, err);
}

/* Defaults from the model's .net file. */
static void set_defaults(const netc_model *m, netc_options *o)
{
    memset(o, 0, sizeof *o);
    o->train_images = m->data.train_images;
    o->train_labels = m->data.train_labels;
    o->test_images = m->data.test_images;
    o->test_labels = m->data.test_labels;
    o->train_csv = m->data.train_csv;
    o->test_csv = m->data.test_csv;
    o->format = m->data.format;
    o->csv.header = m->data.header;
    o->csv.has_label = 1;
    o->csv.label_column = m->data.label_column;
    o->csv.label_index = m->data.label_index;
    o->csv.n_target = netc_is_regression(m) ? m->n_output : 0;
    o->epochs = m->epochs;
    o->batch = m->batch;
    o->lr = m->learning_rate;
    o->seed = m->seed;
    o->validation = m->data.validation;
    o->tolerance = NAN;         /* gradcheck picks it for the network */
    o->warmup = 1;
    o->threads = 1;
    o->shuffle = 1;
    o->checkpoint_every = 60;
    snprintf(o->save_default, sizeof o->save_default, "%s.safetensors", m->name);
    o->save = o->save_default;
}

/* Early stopping, keeping the best epoch and the plateau schedule watch the validation
 * loss: they need --validation (a resumed run has the checkpoint's). */
static int check_validation(const netc_model *m, const netc_options *o, netc_error *err)
{
    char schedule[96];
    const char *what = o->early_stop ? "--early-stop" : o->keep_best ? "--keep best" : NULL;

    if (o->validation > 0 || o->resume)
        return 0;
    if (what)
        return netc_fail(err, "%s watches the validation loss, but no samples are held out for "
                         "validation\nhint: add --validation N (samples) or --validation 0.1 "
                         "(a fraction of the training set)", what);
    if (m->schedule == NETC_SCHED_PLATEAU)
        return netc_fail(err, "schedule %s lowers the rate when the validation loss stops "
                         "falling, but no samples are held out for validation\nhint: add "
                         "--validation N (samples) or --validation 0.1 (a fraction of the "
                         "training set)", netc_schedule_text(m, schedule, sizeof schedule));
    return 0;
}

/* What the command needs that the options do not give. */
static int check_options(const netc_model *m, const netc_options *o, netc_error *err)
{
    if (o->batch > m->batch)
        return netc_fail(err, "--batch %d is larger than network '%s' allows: its batch is "
                         "compiled in as %d\nhint: pass --batch %d or less, or raise `batch` in "
                         "the .net file and recompile", o->batch, m->name, m->batch, m->batch);
    if (o->command == NETC_CMD_PREDICT && !o->input)
        return netc_fail(err, "predict needs an INPUT file (IDX images or CSV features)");
    if ((o->command == NETC_CMD_EVAL || o->command == NETC_CMD_PREDICT ||
         o->command == NETC_CMD_REPORT) && o->weights == o->save_default &&
        access(o->weights, F_OK) != 0)
        return netc_fail(err, "no --weights given and no %s here\nhint: train first (it saves "
                         "%s), or pass --weights FILE", o->weights, o->weights);
    if (o->command == NETC_CMD_REPORT && !o->report)
        return netc_fail(err, "report needs -o DIR\nhint: %s report --weights "
                         "%s.safetensors --log LOG --data DIR -o DIR", m->name, m->name);
    if (o->command == NETC_CMD_REPORT && netc_check_report(o, NULL, err) < 0)
        return -1;
    if (o->command == NETC_CMD_TRAIN && check_validation(m, o, err) < 0)
        return -1;
    if (o->command == NETC_CMD_TRAIN)
        return netc_check_outputs(o, err);
    return 0;
}

int netc_parse_options(const netc_model *m, int argc, char **argv, netc_options *o,
                       netc_error *err)
{
    int i, groups = 0;
    size_t c;

    set_defaults(m, o);
    o->program = argc > 0 ? argv[0] : m->name;
    if (argc < 2)
        return 0;
    for (c = 0; c < COUNT(commands) && strcmp(argv[1], commands[c].name) != 0; c++)
        ;
    if (c == COUNT(commands))
        return netc_fail(err, "unknown command '%s'\nhint: commands are train, eval, predict, "
                         "gradcheck, bench, report and help", argv[1]);
    o->command = commands[c].cmd;
    for (i = 2; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
            if (parse_option(o, argc, argv, &i, &groups, err) < 0)
                return -1;
        } else if (o->command == NETC_CMD_REPORT && strcmp(argv[i], "-o") == 0) {
            if (++i >= argc)
                return netc_fail(err, "-o needs a directory");
            o->report = argv[i];
        } else if (o->command == NETC_CMD_PREDICT && !o->input) {
            o->input = argv[i];
        } else {
            return netc_fail(err, "unexpected argument '%s'", argv[i]);
        }
    }
    o->save_given = o->save != o->save_default;
    if (!o->weights)            /* eval, predict, report: what train saves by default */
        o->weights = o->save_default;
    if (o->resume && (groups & G_SETTING))
        return netc_fail(err, "--resume continues with the checkpoint's settings\nhint: drop "
                         "--epochs, --lr, --batch, --seed, --limit, --no-shuffle, "
                         "--validation, --early-stop, --keep and --init-weights when resuming");
    groups &= G_IDX | G_CSV;
    if (groups == (G_IDX | G_CSV))
        return netc_fail(err, "both IDX and CSV data options given; use one kind of data");
    if (groups)
        o->format = groups == G_IDX ? NETC_DATA_IDX : NETC_DATA_CSV;
    return check_options(m, o, err);
}

static const char *or_none(const char *s)
{
    return s ? s : "none";
}

static const char *label_text(const netc_data_defaults *d, char *buf, size_t size)
{
    if (d->label_column == NETC_LABEL_INDEX)
        snprintf(buf, size, "%d", d->label_index);
    else
        snprintf(buf, size, "%s", label_words[d->label_column]);
    return buf;
}

void netc_usage(const netc_model *m, FILE *out)
{
    const netc_data_defaults *d = &m->data;
    char label[32], schedule[96], lr_note[160] = "", validation[32] = "none";

    if (d->validation > 0)
        snprintf(validation, sizeof validation, "%g", d->validation);
    if (m->schedule != NETC_SCHED_CONSTANT)
        snprintf(lr_note, sizeof lr_note, "\n                           of the first epoch; "
                 "then schedule %s", netc_schedule_text(m, schedule, sizeof schedule));
    fprintf(out, "usage: %s COMMAND [options]\n\n", m->name);
    fprintf(out, "commands:\n"
            "  train                    train network '%s' and save its weights\n"
            "  eval                     test accuracy and mean loss (--per-class: precision,\n"
            "                           recall and F1 of each class)\n"
            "  predict INPUT            predicted class per sample of INPUT (IDX images or CSV,\n"
            "                           with or without the label column)\n"
            "  gradcheck                compare gradients with central differences\n"
            "  bench                    training and inference samples/s (--epochs timed\n"
            "                           epochs after --warmup ones), as `key value` lines\n"
            "  report -o DIR            DIR/index.html: curves (--log FILE), weights, confusion\n"
            "                           matrix, mistakes on the test data\n"
            "  help                     this screen\n\n", m->name);
    if (netc_is_regression(m))
        fprintf(out, "'%s' is a regression network (targets value, loss mse): eval, the epoch\n"
                "lines and --log give the mean absolute error, RMSE and R2 instead of an\n"
                "accuracy, predict prints the output values, and report draws the predictions\n"
                "against the true values instead of a confusion matrix; its %d target column%s\n"
                "start%s at --label-column.\n\n", m->name, m->n_output, m->n_output > 1 ? "s" : "",
                m->n_output > 1 ? "" : "s");
    fprintf(out, "data, IDX (MNIST) files:\n"
            "  --data DIR               DIR holding train-images-idx3-ubyte, train-labels-idx1-"
            "ubyte,\n                           t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte\n"
            "  --train-images FILE      [%s]\n  --train-labels FILE      [%s]\n"
            "  --test-images FILE       [%s]\n  --test-labels FILE       [%s]\n\n",
            or_none(d->train_images), or_none(d->train_labels), or_none(d->test_images),
            or_none(d->test_labels));
    fprintf(out, "data, CSV files:\n"
            "  --train-csv FILE         [%s]\n  --test-csv FILE          [%s]\n"
            "  --label-column WHERE     first, last or a 0-based index [%s]\n"
            "  --header, --no-header    files start with a header row, or not [%s]\n\n",
            or_none(d->train_csv), or_none(d->test_csv), label_text(d, label, sizeof label),
            d->header ? "yes" : "no");
    fprintf(out, "training:\n"
            "  --epochs N               [%d]\n  --lr X                   learning rate [%g]%s\n"
            "  --batch N                mini-batch size, at most %d [%d]\n"
            "  --seed N                 [%llu]\n"
            "  --init-weights FILE      start from these weights, not random ones\n"
            "  --no-shuffle             keep the training samples in file order\n"
            "  --limit N                use only the first N training samples\n"
            "  --validation N|F         hold out N training samples (or the fraction F < 1),\n"
            "                           chosen by the seed, to measure after each epoch [%s]\n"
            "  --early-stop N           stop after N epochs without a lower validation loss\n"
            "  --keep best|last         save the weights of the lowest validation loss's\n"
            "                           epoch, or of the last epoch [last]\n"
            "  --save FILE              [%s.safetensors]\n"
            "  --checkpoint FILE        where to keep the run's checkpoint, written every\n"
            "                           epoch, on SIGINT/SIGTERM and every --checkpoint-every\n"
            "                           seconds [the --save file with .ckpt for .safetensors]\n"
            "  --checkpoint-every S     seconds between checkpoints within an epoch (0: only\n"
            "                           at the end of each epoch) [60]\n"
            "  --resume FILE            continue the run saved in checkpoint FILE, with its\n"
            "                           settings and --save (give the same data options)\n"
            "  --overwrite              start afresh even if the checkpoint holds an\n"
            "                           unfinished run, replacing it\n"
            "  --keep-checkpoint        keep a finished run's checkpoint (else removed)\n"
            "  --quiet                  no progress bar or lines\n"
            "  --log FILE               per-epoch metrics as CSV (report: read them)\n"
            "  --report DIR             a report, DIR/index.html, after each epoch and at the end\n"
            "  --threads N              threads sharing each mini-batch's work (train, eval,\n"
            "                           predict, bench): the same results for every N [1]\n\n",
            m->epochs, m->learning_rate, lr_note, m->batch, m->batch, (unsigned long long)m->seed,
            validation, m->name);
    fprintf(out, "eval, predict, gradcheck, bench:\n"
            "  --weights FILE           the weights to use [%s.safetensors]\n"
            "  --validation N|F         eval: on the samples train held out (the same --seed\n"
            "                           and --limit) instead of the test data\n"
            "  --allow-other-network    take weights saved by another network (same shapes;\n"
            "                           eval, predict, report, and train --init-weights)\n"
            "  --raw                    predict: print the output vectors instead of classes\n"
            "  --csv                    predict: CSV with a header row, the sample's 0-based\n"
            "                           index in INPUT (id) first\n"
            "  --per-class              eval: the per-class table also for a network without\n"
            "                           class names\n"
            "  --tolerance X            gradcheck: largest relative error [0.01; conv: 0.03]\n"
            "  --warmup N               bench: untimed epochs first [1]\n", m->name);
}
