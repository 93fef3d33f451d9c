/* names.c - the names of the symbols generated for each layer: constants, functions,
 * arrays.  Every emitter asks here, so that a name is spelt in one place only and the
 * layer numbering (1-based, as in the comments) cannot drift between files. */
#include "emit/emit.h"

#include <stdio.h>

/* MNIST_L1_OUT: a constant of NAME.h */
void layer_constant(char buf[SYMBOL_MAX], const struct emit *e, int layer, const char *what)
{
    snprintf(buf, SYMBOL_MAX, "%s_L%d_%s", e->up, layer + 1, what);
}

/* layer1_forward: a static function of NAME.c */
static void function(char buf[SYMBOL_MAX], int layer, const char *what)
{
    snprintf(buf, SYMBOL_MAX, "layer%d_%s", layer + 1, what);
}

/* l1_z: an array of the trainer's model struct */
static void member(char buf[SYMBOL_MAX], int layer, const char *what)
{
    snprintf(buf, SYMBOL_MAX, "l%d_%s", layer + 1, what);
}

/* mnist_l1_wt: a constant array of the exported NAME.c */
static void constant_array(char buf[SYMBOL_MAX], const struct emit *e, int layer,
                           const char *what)
{
    snprintf(buf, SYMBOL_MAX, "%s_l%d_%s", e->name, layer + 1, what);
}

struct layer_names layer_names(const struct emit *e, int layer)
{
    struct layer_names n;
    layer_constant(n.in, e, layer, "IN");
    layer_constant(n.out, e, layer, "OUT");
    layer_constant(n.wt, e, layer, "WT");
    layer_constant(n.b, e, layer, "B");
    layer_constant(n.alpha, e, layer, "ALPHA");
    const int conv = e->net->layers[layer].kind == LAYER_CONV;
    layer_constant(n.units, e, layer, conv ? "OUT_C" : "OUT");
    layer_constant(n.fan_in, e, layer, conv ? "FAN_IN" : "IN");
    function(n.columns, layer, "columns");
    function(n.columns_back, layer, "columns_back");
    function(n.product, layer, "product");
    function(n.product_back, layer, "product_back");
    member(n.cols, layer, "cols");
    member(n.zt, layer, "zt");
    member(n.dcols, layer, "dcols");
    member(n.mask, layer, "mask");
    function(n.forward, layer, "forward");
    function(n.backward, layer, "backward");
    function(n.gradients, layer, "gradients");
    member(n.z, layer, "z");
    member(n.a, layer, "a");
    member(n.delta, layer, "delta");
    member(n.w, layer, "w");
    constant_array(n.weights, e, layer, "wt");
    constant_array(n.bias, e, layer, "bias");
    constant_array(n.wq, e, layer, "wq");
    constant_array(n.w_scale, e, layer, "w_scale");
    constant_array(n.x_scale, e, layer, "x_scale");
    constant_array(n.x_inv_scale, e, layer, "x_inv_scale");
    return n;
}

struct image_names image_names(const struct emit *e, int layer)
{
    struct image_names c;
    layer_constant(c.in_c, e, layer, "IN_C");
    layer_constant(c.in_h, e, layer, "IN_H");
    layer_constant(c.in_w, e, layer, "IN_W");
    layer_constant(c.out_c, e, layer, "OUT_C");
    layer_constant(c.out_h, e, layer, "OUT_H");
    layer_constant(c.out_w, e, layer, "OUT_W");
    layer_constant(c.kh, e, layer, "KH");
    layer_constant(c.kw, e, layer, "KW");
    layer_constant(c.sh, e, layer, "STRIDE_H");
    layer_constant(c.sw, e, layer, "STRIDE_W");
    layer_constant(c.ph, e, layer, "PAD_H");
    layer_constant(c.pw, e, layer, "PAD_W");
    layer_constant(c.fan_in, e, layer, "FAN_IN");
    layer_constant(c.pos, e, layer, "POS");
    return c;
}
