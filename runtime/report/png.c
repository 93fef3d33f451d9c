/* png.c - RGB pictures, grids of tiles, and PNG files through libpng.
 *
 * libpng's simplified API (png_image_write_to_file, libpng >= 1.6) writes the whole
 * picture in one call and reports errors in the png_image, with no setjmp. */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "report/png.h"

int netc_image_alloc(netc_image *img, int width, int height, unsigned long rgb,
                     netc_error *err)
{
    size_t i, n;

    memset(img, 0, sizeof *img);
    if (width <= 0 || height <= 0)
        return netc_fail(err, "a picture of %d x %d pixels", width, height);
    n = (size_t)width * (size_t)height;
    img->rgb = netc_alloc(n, 3, "a picture", err);
    if (!img->rgb)
        return -1;
    img->width = width;
    img->height = height;
    for (i = 0; i < n; i++) {
        img->rgb[3 * i] = (unsigned char)(rgb >> 16);
        img->rgb[3 * i + 1] = (unsigned char)(rgb >> 8);
        img->rgb[3 * i + 2] = (unsigned char)rgb;
    }
    return 0;
}

void netc_image_free(netc_image *img)
{
    free(img->rgb);
    memset(img, 0, sizeof *img);
}

void netc_image_rect(netc_image *img, int x, int y, int w, int h, const unsigned char rgb[3])
{
    int px, py;

    for (py = y < 0 ? 0 : y; py < y + h && py < img->height; py++)
        for (px = x < 0 ? 0 : x; px < x + w && px < img->width; px++)
            memcpy(img->rgb + 3 * ((size_t)py * (size_t)img->width + (size_t)px), rgb, 3);
}

static int write_png(FILE *f, const void *ctx)
{
    const netc_image *img = ctx;
    png_image png;

    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    png.width = (png_uint_32)img->width;
    png.height = (png_uint_32)img->height;
    png.format = PNG_FORMAT_RGB;
    return png_image_write_to_stdio(&png, f, 0, img->rgb, 3 * img->width, NULL) ? 0 : -1;
}

int netc_png_write(const char *path, const netc_image *img, netc_error *err)
{
    return netc_write_atomic(path, write_png, img, err);
}

netc_grid netc_grid_make(int count, int cols, int tile_w, int tile_h, int gap)
{
    netc_grid g;

    g.count = count;
    g.cols = cols < 1 ? 1 : cols > count && count > 0 ? count : cols;
    g.rows = count > 0 ? (count + g.cols - 1) / g.cols : 0;
    g.tile_w = tile_w;
    g.tile_h = tile_h;
    g.gap = gap;
    return g;
}

void netc_grid_origin(const netc_grid *g, int i, int *x, int *y)
{
    *x = g->gap + (i % g->cols) * (g->tile_w + g->gap);
    *y = g->gap + (i / g->cols) * (g->tile_h + g->gap);
}

int netc_grid_width(const netc_grid *g)
{
    return g->gap + g->cols * (g->tile_w + g->gap);
}

int netc_grid_height(const netc_grid *g)
{
    return g->gap + g->rows * (g->tile_h + g->gap);
}
