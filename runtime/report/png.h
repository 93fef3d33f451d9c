/* report/png.h - 8-bit RGB pictures, grids of tiles, and PNG files (through libpng). */
#ifndef NETC_REPORT_PNG_H
#define NETC_REPORT_PNG_H

#include "io/error.h"

/* An 8-bit RGB picture: width * height pixels of 3 bytes, row after row. */
typedef struct netc_image {
    int width, height;
    unsigned char *rgb;
} netc_image;

/* A picture filled with one colour (0xRRGGBB). */
int netc_image_alloc(netc_image *img, int width, int height, unsigned long rgb,
                     netc_error *err);
void netc_image_free(netc_image *img);
/* Paints the w x h pixels from (x, y) (clipped to the picture). */
void netc_image_rect(netc_image *img, int x, int y, int w, int h, const unsigned char rgb[3]);
int netc_png_write(const char *path, const netc_image *img, netc_error *err);

/* Tiles of tile_w x tile_h pixels in a grid of `cols` columns, `gap` pixels around
 * and between them: where tile i's top-left pixel lies, and the whole grid's size. */
typedef struct netc_grid {
    int count, cols, rows, tile_w, tile_h, gap;
} netc_grid;

netc_grid netc_grid_make(int count, int cols, int tile_w, int tile_h, int gap);
void netc_grid_origin(const netc_grid *g, int i, int *x, int *y);
int netc_grid_width(const netc_grid *g);
int netc_grid_height(const netc_grid *g);

#endif
