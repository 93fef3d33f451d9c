/* test_report.c - CUnit suite for what a trainer shows: the PNG writer (read back
 * with libpng), tile grids, the metrics CSV, the SVG plots and the progress bar.
 * Files go under one mkdtemp directory, removed by the suite cleanup. */
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "netc_runtime.h"
#include "test_util.h"

/* A 3 x 2 picture written as PNG reads back pixel for pixel. */
static void test_png_round_trip(void)
{
    static const unsigned char red[3] = { 255, 0, 0 }, blue[3] = { 0, 0, 255 };
    netc_image img;
    netc_error err;
    png_image back;
    unsigned char pixels[3 * 2 * 3];
    char path[256];

    CU_ASSERT_FATAL(netc_image_alloc(&img, 3, 2, 0x102030UL, &err) == 0);
    netc_image_rect(&img, 0, 0, 1, 1, red);
    netc_image_rect(&img, 2, 1, 5, 5, blue);     /* clipped to the last pixel */
    CU_ASSERT_FATAL(netc_png_write(test_path(path, sizeof path, "t.png"), &img, &err) == 0);
    memset(&back, 0, sizeof back);
    back.version = PNG_IMAGE_VERSION;
    CU_ASSERT_FATAL(png_image_begin_read_from_file(&back, path) != 0);
    CU_ASSERT_EQUAL(back.width, 3);
    CU_ASSERT_EQUAL(back.height, 2);
    back.format = PNG_FORMAT_RGB;
    CU_ASSERT_FATAL(png_image_finish_read(&back, NULL, pixels, 0, NULL) != 0);
    CU_ASSERT(memcmp(pixels, img.rgb, sizeof pixels) == 0);
    CU_ASSERT(memcmp(pixels, red, 3) == 0);
    CU_ASSERT(memcmp(pixels + 15, blue, 3) == 0);
    CU_ASSERT(pixels[3] == 0x10 && pixels[4] == 0x20 && pixels[5] == 0x30);
    netc_image_free(&img);
}

static void test_png_unwritable(void)
{
    netc_image img;
    netc_error err;

    CU_ASSERT_FATAL(netc_image_alloc(&img, 1, 1, 0, &err) == 0);
    CU_ASSERT(netc_png_write("/nonexistent-dir/x.png", &img, &err) == -1);
    CU_ASSERT(strstr(err.msg, "/nonexistent-dir/x.png") != NULL);
    netc_image_free(&img);
}

/* 16 tiles of 112 px in 4 columns with 4 px gaps: the weight grid of samples/mnist.net. */
static void test_grid_geometry(void)
{
    netc_grid g = netc_grid_make(16, 4, 112, 112, 4);
    int x, y;

    CU_ASSERT_EQUAL(g.rows, 4);
    CU_ASSERT_EQUAL(netc_grid_width(&g), 468);
    CU_ASSERT_EQUAL(netc_grid_height(&g), 468);
    netc_grid_origin(&g, 5, &x, &y);
    CU_ASSERT(x == 120 && y == 120);
    g = netc_grid_make(3, 8, 10, 20, 2);         /* fewer tiles than columns */
    CU_ASSERT(g.cols == 3 && g.rows == 1);
    CU_ASSERT_EQUAL(netc_grid_width(&g), 38);
    CU_ASSERT_EQUAL(netc_grid_height(&g), 24);
}

static netc_epoch_metrics row_of(int epoch, double test)
{
    netc_epoch_metrics r;

    r.epoch = epoch;
    r.train_loss = 0.5 / epoch;
    r.train_acc = 0.8 + 0.01 * epoch;
    r.test_loss = test;
    r.test_acc = test;
    r.learning_rate = 3;
    r.samples_per_s = 1e5;
    r.elapsed_s = epoch * 0.25;
    return r;
}

/* Rows written with --log read back the same; a missing figure is an empty cell. */
static void test_metrics_round_trip(void)
{
    netc_metrics mx, back;
    netc_epoch_metrics r1 = row_of(1, 0.25), r2 = row_of(2, NAN);
    netc_error err;
    char path[256], *text;
    size_t len;

    CU_ASSERT_FATAL(netc_metrics_open(&mx, test_path(path, sizeof path, "log.csv"), 0, &err) == 0);
    CU_ASSERT(netc_metrics_add(&mx, &r1, &err) == 0);
    CU_ASSERT(netc_metrics_add(&mx, &r2, &err) == 0);
    CU_ASSERT(netc_metrics_close(&mx, &err) == 0);
    CU_ASSERT_EQUAL(mx.n, 2);
    text = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT(len > 0 && strstr(text, NETC_METRICS_HEADER "\n1,0.5,0.81,0.25,0.25,3,100000,"
                                "0.25\n") == text);
    CU_ASSERT(strstr(text, "\n2,0.25,0.82,,,3,100000,0.5\n") != NULL);
    free(text);
    CU_ASSERT_FATAL(netc_metrics_read(path, &back, &err) == 0);
    CU_ASSERT_EQUAL_FATAL(back.n, 2);
    CU_ASSERT(back.rows[0].epoch == 1 && back.rows[0].test_acc == 0.25);
    CU_ASSERT(back.rows[1].epoch == 2 && isnan(back.rows[1].test_loss));
    CU_ASSERT(back.rows[1].elapsed_s == 0.5);
    netc_metrics_free(&back);
    netc_metrics_free(&mx);
}

static void test_metrics_bad_file(void)
{
    netc_metrics mx;
    netc_error err;
    char path[256];
    FILE *f = fopen(test_path(path, sizeof path, "bad.csv"), "w");

    CU_ASSERT_FATAL(f != NULL);
    fputs(NETC_METRICS_HEADER "\n1,2,3\n", f);
    fclose(f);
    CU_ASSERT(netc_metrics_read(path, &mx, &err) == -1);
    CU_ASSERT(strstr(err.msg, "bad.csv:2: expected 8 comma-separated numbers") != NULL);
    f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("a,b\n", f);
    fclose(f);
    CU_ASSERT(netc_metrics_read(path, &mx, &err) == -1);
    CU_ASSERT(strstr(err.msg, "bad.csv:1: expected the header") != NULL);
    /* NaN and huge values used to reach the charts as '-nan' (issue 19, item 14) */
    f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(NETC_METRICS_HEADER "\n1,0.5,0.5,0.5,0.5,0.1,10,1\n2,0.5,nan,0.5,0.5,0.1,10,2\n", f);
    fclose(f);
    CU_ASSERT(netc_metrics_read(path, &mx, &err) == -1);
    CU_ASSERT(strstr(err.msg, "bad.csv:3:7: 'nan' is not a finite number") != NULL);
    f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(NETC_METRICS_HEADER "\n1,-1e308,0.5,0.5,0.5,0.1,10,1\n", f);
    fclose(f);
    CU_ASSERT(netc_metrics_read(path, &mx, &err) == -1);
    CU_ASSERT(strstr(err.msg, "bad.csv:2:3: '-1e308' is not a finite number") != NULL);
}

/* A plot with a missing point and a title that needs escaping is whole SVG. */
static void test_svg_curves(void)
{
    double a[3] = { 0.3, 0.2, 0.1 }, b[3] = { NAN, 0.25, 0.15 };
    netc_series s[2] = { { "training", "#58C4DD", a }, { "test", "#FFD54F", b } };
    netc_error err;
    char path[256], *text;
    size_t len;

    CU_ASSERT_FATAL(netc_svg_curves(test_path(path, sizeof path, "c.svg"), "loss <&>", 3, s, 2, 0,
                                    &err) == 0);
    text = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT(strncmp(text, "<?xml", 5) == 0);
    CU_ASSERT(strstr(text, "loss &lt;&amp;&gt;") != NULL);
    CU_ASSERT(len > 7 && strcmp(text + len - 7, "</svg>\n") == 0);
    CU_ASSERT(strstr(text, "nan") == NULL);
    free(text);
}

static void test_svg_confusion(void)
{
    long counts[4] = { 5, 1, 0, 4 };
    netc_error err;
    char path[256], *text;
    size_t len;

    CU_ASSERT_FATAL(netc_svg_confusion(test_path(path, sizeof path, "m.svg"), counts, 2, NULL, &err) == 0);
    text = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT(strstr(text, "<title>5</title>") != NULL);
    CU_ASSERT(strstr(text, "<title>1</title>") != NULL);
    free(text);
}

static void test_progress_format(void)
{
    netc_progress p;
    char line[256];

    netc_progress_init(&p, 0);
    netc_progress_begin(&p, 1, 5, 1000);
    netc_progress_step(&p, 500, 0.25);
    CU_ASSERT_EQUAL(p.done, 500);
    netc_progress_format(&p, 2.0, line, sizeof line);
    CU_ASSERT(strcmp(line, "epoch 2/5 [====>   ]  50%  250 samples/s  ETA 0:02 run 0:14  "
                     "loss 0.250000") == 0);
}

void report_register(void)
{
    CU_pSuite s = CU_add_suite("report", test_scratch_init, test_scratch_cleanup);

    CU_add_test(s, "png_round_trip", test_png_round_trip);
    CU_add_test(s, "png_unwritable", test_png_unwritable);
    CU_add_test(s, "grid_geometry", test_grid_geometry);
    CU_add_test(s, "metrics_round_trip", test_metrics_round_trip);
    CU_add_test(s, "metrics_bad_file", test_metrics_bad_file);
    CU_add_test(s, "svg_curves", test_svg_curves);
    CU_add_test(s, "svg_confusion", test_svg_confusion);
    CU_add_test(s, "progress_format", test_progress_format);
}
