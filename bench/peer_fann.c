/* peer_fann.c - FANN (libfann, float build) training and running a benchmark network
 * on MNIST, printing the same `key value` lines as the trainer's bench command.
 *
 * FANN has no mini-batches: fann_train() updates the weights after every sample
 * (incremental training), so the learning rate is the .net file's divided by its batch.
 * Hidden layers are FANN_SIGMOID or, for ReLU, FANN_LINEAR_PIECE: Debian's FANN 2.2 has
 * no FANN_LINEAR_PIECE_RECT (max(0, x), FANN 2.3), and LINEAR_PIECE, min(max(0, x), 1),
 * is the closest it has, at the same cost.  FANN has no softmax,
 * so the output layer is FANN_SIGMOID trained on one-hot targets with the linear (MSE)
 * error.  FANN has no batched inference either: only one fann_run() per sample.
 *
 *   cc -O2 -march=native peer_fann.c -lfloatfann -lm -o peer_fann
 *   peer_fann --layers 784,16,16,10 --hidden sigmoid --lr 0.3 --data data/mnist
 *             [--epochs 3] [--warmup 1] [--limit N] [--infer-samples N] [--seed 1]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <floatfann.h>

#define MAX_LAYERS 8
#define MIN_SECONDS 0.2          /* an inference repetition runs at least this long */

typedef struct options {
    unsigned int sizes[MAX_LAYERS];
    unsigned int n_layers;
    int relu;                   /* hidden activation: 1 ReLU, 0 sigmoid */
    float lr;
    const char *data;
    int epochs, warmup, limit, infer_samples;
    unsigned int seed;
} options;

/* MNIST as floats: x [n][n_in] in [0, 1], y [n][n_out] one-hot. */
typedef struct samples {
    int n, n_in, n_out;
    fann_type *x, *y;
    int *labels;
} samples;

static double now_seconds(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "peer_fann: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* The bytes of DIR/NAME after its IDX header (header_size bytes); count = first dimension. */
static unsigned char *read_idx(const char *dir, const char *name, long header_size,
                               unsigned long *count)
{
    char path[1024];
    unsigned char header[16], *body;
    long size = -1;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < header_size)
        die("cannot read", path);
    rewind(f);
    body = malloc((size_t)(size - header_size));
    if (!body || fread(header, 1, (size_t)header_size, f) != (size_t)header_size ||
        fread(body, 1, (size_t)(size - header_size), f) != (size_t)(size - header_size))
        die("cannot read", path);
    fclose(f);
    *count = be32(header + 4);
    return body;
}

static samples load(const char *dir, int test, int n_out, int limit)
{
    unsigned long n_img, n_lab, i, k;
    unsigned char *img = read_idx(dir, test ? "t10k-images-idx3-ubyte" :
                                  "train-images-idx3-ubyte", 16, &n_img);
    unsigned char *lab = read_idx(dir, test ? "t10k-labels-idx1-ubyte" :
                                  "train-labels-idx1-ubyte", 8, &n_lab);
    samples s;

    if (n_img != n_lab)
        die("images and labels differ in number", dir);
    s.n = limit > 0 && (unsigned long)limit < n_img ? limit : (int)n_img;
    s.n_in = 784;
    s.n_out = n_out;
    s.x = malloc((size_t)s.n * s.n_in * sizeof *s.x);
    s.y = calloc((size_t)s.n * s.n_out, sizeof *s.y);
    s.labels = malloc((size_t)s.n * sizeof *s.labels);
    if (!s.x || !s.y || !s.labels)
        die("out of memory", NULL);
    for (i = 0; i < (unsigned long)s.n; i++) {
        for (k = 0; k < (unsigned long)s.n_in; k++)
            s.x[i * s.n_in + k] = img[i * s.n_in + k] / 255.0f;
        s.labels[i] = lab[i];
        s.y[i * s.n_out + lab[i]] = 1;
    }
    free(img);
    free(lab);
    return s;
}

static void swap_rows(fann_type *a, int width, int i, int j, fann_type *tmp)
{
    size_t bytes = (size_t)width * sizeof *a;

    memcpy(tmp, a + (size_t)i * width, bytes);
    memcpy(a + (size_t)i * width, a + (size_t)j * width, bytes);
    memcpy(a + (size_t)j * width, tmp, bytes);
}

/* Fisher-Yates over the rows (inputs and targets together), before the clock starts. */
static void shuffle(samples *s, fann_type *tmp)
{
    int i;

    for (i = s->n - 1; i > 0; i--) {
        int j = (int)((double)rand() / ((double)RAND_MAX + 1) * (i + 1)), t;
        swap_rows(s->x, s->n_in, i, j, tmp);
        swap_rows(s->y, s->n_out, i, j, tmp);
        t = s->labels[i], s->labels[i] = s->labels[j], s->labels[j] = t;
    }
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Sorts r[0..n) and prints its median, min and max as KEY_median etc. */
static void print_stats(const char *key, double *r, int n)
{
    qsort(r, (size_t)n, sizeof *r, compare_double);
    printf("%s_median %.0f\n%s_min %.0f\n%s_max %.0f\n", key,
           n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2, key, r[0], key, r[n - 1]);
}

static struct fann *create(const options *o)
{
    struct fann *ann;

    srand(o->seed);             /* FANN's initial weights come from rand() */
    ann = fann_create_standard_array(o->n_layers, o->sizes);
    if (!ann)
        die("fann_create_standard_array failed", NULL);
    fann_set_activation_function_hidden(ann, o->relu ? FANN_LINEAR_PIECE : FANN_SIGMOID);
    fann_set_activation_steepness_hidden(ann, o->relu ? 1.0f : 0.5f);  /* 0.5: 1/(1+e^-x) */
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_activation_steepness_output(ann, 0.5f);
    fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(ann, o->lr);
    return ann;
}

/* Warm-up, then timed epochs of fann_train() sample by sample. */
static void bench_training(struct fann *ann, const options *o, samples *train)
{
    double *rate = malloc((size_t)o->epochs * sizeof *rate), mse = 0;
    fann_type *tmp = malloc((size_t)train->n_in * sizeof *tmp);
    int epoch, i;

    if (!rate || !tmp)
        die("out of memory", NULL);
    printf("train_samples %d\nwarmup_epochs %d\nepochs %d\nbatch 1\n", train->n, o->warmup,
           o->epochs);
    for (epoch = 0; epoch < o->warmup + o->epochs; epoch++) {
        double t0;
        shuffle(train, tmp);
        fann_reset_MSE(ann);
        t0 = now_seconds();
        for (i = 0; i < train->n; i++)
            fann_train(ann, train->x + (size_t)i * train->n_in,
                       train->y + (size_t)i * train->n_out);
        if (epoch >= o->warmup)
            rate[epoch - o->warmup] = train->n / (now_seconds() - t0);
        mse = fann_get_MSE(ann);
    }
    printf("train_samples_per_s_epochs");
    for (epoch = 0; epoch < o->epochs; epoch++)
        printf(" %.0f", rate[epoch]);
    printf("\ntrain_loss %.6f\n", mse);
    print_stats("train_samples_per_s", rate, o->epochs);
    free(rate);
    free(tmp);
}

/* One fann_run() per sample over the first n test samples; accuracy of the last pass. */
static void bench_inference(struct fann *ann, const options *o, const samples *test)
{
    double *rate = malloc((size_t)o->epochs * sizeof *rate);
    int n = o->infer_samples > 0 && o->infer_samples < test->n ? o->infer_samples : test->n;
    int r, i, k, correct = 0;

    if (!rate)
        die("out of memory", NULL);
    for (r = 0; r < o->epochs; r++) {
        double t0 = now_seconds(), secs;
        long done = 0;
        do {
            for (i = 0, correct = 0; i < n; i++) {
                fann_type *out = fann_run(ann, test->x + (size_t)i * test->n_in);
                int best = 0;
                for (k = 1; k < test->n_out; k++)
                    best = out[k] > out[best] ? k : best;
                correct += best == test->labels[i];
            }
            done += n;
            secs = now_seconds() - t0;
        } while (secs < MIN_SECONDS);
        rate[r] = done / secs;
    }
    printf("infer_single_samples %d\ntest_accuracy %.4f\n", n, (double)correct / n);
    print_stats("infer_single_samples_per_s", rate, o->epochs);
    free(rate);
}

static void parse_layers(options *o, const char *v)
{
    char *end;

    for (o->n_layers = 0; *v && o->n_layers < MAX_LAYERS; v = *end ? end + 1 : end) {
        o->sizes[o->n_layers++] = (unsigned int)strtoul(v, &end, 10);
        if (end == v)
            die("--layers: expected sizes like 784,16,16,10", NULL);
    }
}

static options parse_options(int argc, char **argv)
{
    options o = { { 0 }, 0, 0, 0.1f, NULL, 3, 1, 0, 0, 1 };
    int i;

    for (i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--layers")) parse_layers(&o, v);
        else if (!strcmp(k, "--hidden")) o.relu = !strcmp(v, "relu");
        else if (!strcmp(k, "--lr")) o.lr = strtof(v, NULL);
        else if (!strcmp(k, "--data")) o.data = v;
        else if (!strcmp(k, "--epochs")) o.epochs = atoi(v);
        else if (!strcmp(k, "--warmup")) o.warmup = atoi(v);
        else if (!strcmp(k, "--limit")) o.limit = atoi(v);
        else if (!strcmp(k, "--infer-samples")) o.infer_samples = atoi(v);
        else if (!strcmp(k, "--seed")) o.seed = (unsigned int)atoi(v);
        else die("unknown option", k);
    }
    if (i != argc || o.n_layers < 2 || !o.data || o.epochs < 1 || o.warmup < 0)
        die("usage: peer_fann --layers 784,16,16,10 --hidden sigmoid|relu --lr X --data DIR "
            "[--epochs N] [--warmup N] [--limit N] [--infer-samples N] [--seed N]", NULL);
    return o;
}

int main(int argc, char **argv)
{
    options o = parse_options(argc, argv);
    samples train = load(o.data, 0, (int)o.sizes[o.n_layers - 1], o.limit);
    samples test = load(o.data, 1, (int)o.sizes[o.n_layers - 1], 0);
    struct fann *ann = create(&o);

    printf("library libfloatfann, incremental training\n");
    bench_training(ann, &o, &train);
    bench_inference(ann, &o, &test);
    fann_destroy(ann);
    free(train.x), free(train.y), free(train.labels);
    free(test.x), free(test.y), free(test.labels);
    return 0;
}
