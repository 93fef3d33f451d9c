/* netc_enums.h - the words of a .net file that name a choice (an activation, a loss, a
 * data format, ...): one list per choice, the one place its values and their order and
 * spelling are written.
 *
 * netc's network description (compiler/check/network.h: ACT_RELU, LOSS_MSE, ...) and
 * the runtime's (netc_model.h: NETC_LOSS_MSE, ...) both make their enums from these
 * lists, netc its tables of words, and NAME_main.c the runtime's constants' names, so
 * a value means the same on both sides without a table mapping one to the other.
 *
 * A list NETC_THINGS(X, prefix) expands to X(prefix, NAME, "word") for each value in
 * order, the word as a .net file spells it (NULL: the value has no word of its own).
 * The helpers below turn a list into an enum's constants, the words, the constants'
 * names as strings, or its length:
 *     enum netc_loss { NETC_LOSSES(NETC_ENUMERATOR, NETC_LOSS_) };
 *     static const char *const words[] = { NETC_LOSSES(NETC_WORD, ) };
 */
#ifndef NETC_ENUMS_H
#define NETC_ENUMS_H

/* the layers */
#define NETC_LAYER_KINDS(X, prefix) \
    X(prefix, DENSE, "dense") X(prefix, CONV, "conv") X(prefix, MAXPOOL, "maxpool") \
    X(prefix, AVGPOOL, "avgpool") X(prefix, DROPOUT, "dropout")
#define NETC_ACTIVATIONS(X, prefix) \
    X(prefix, SIGMOID, "sigmoid") X(prefix, RELU, "relu") X(prefix, LEAKY_RELU, "leaky_relu") \
    X(prefix, TANH, "tanh") X(prefix, LINEAR, "linear") X(prefix, SOFTMAX, "softmax")
#define NETC_INITS(X, prefix) \
    X(prefix, UNIFORM, "uniform") X(prefix, NORMAL, "normal") X(prefix, XAVIER, "xavier") \
    X(prefix, HE, "he")

/* the train block */
#define NETC_LOSSES(X, prefix) \
    X(prefix, MSE, "mse") X(prefix, CROSS_ENTROPY, "cross_entropy") \
    X(prefix, BINARY_CROSS_ENTROPY, "binary_cross_entropy")
#define NETC_OPTIMIZERS(X, prefix) X(prefix, SGD, "sgd") X(prefix, ADAM, "adam")   /* netc only */
#define NETC_SCHEDULES(X, prefix) \
    X(prefix, CONSTANT, "constant") X(prefix, STEP, "step") X(prefix, COSINE, "cosine") \
    X(prefix, EXPONENTIAL, "exponential") X(prefix, PLATEAU, "plateau")

/* the data block */
#define NETC_DATA_FORMATS(X, prefix) \
    X(prefix, NONE, NULL) X(prefix, IDX, "idx") X(prefix, CSV, "csv")    /* NONE: no data block */
#define NETC_LABEL_COLUMNS(X, prefix) \
    X(prefix, FIRST, "first") X(prefix, LAST, "last") X(prefix, INDEX, NULL)  /* INDEX: a number */
#define NETC_SCALINGS(X, prefix) \
    X(prefix, NONE, "none") X(prefix, UNIT, "unit") X(prefix, STANDARDIZE, "standardize")
#define NETC_TARGET_KINDS(X, prefix) X(prefix, ONE_HOT, "one_hot") X(prefix, VALUE, "value")

/* The helpers. */
#define NETC_ENUMERATOR(prefix, NAME, word) prefix##NAME,       /* NETC_LOSS_MSE, */
#define NETC_WORD(prefix, NAME, word) word,                     /* "mse", */
#define NETC_ENUMERATOR_NAME(prefix, NAME, word) #prefix #NAME, /* "NETC_LOSS_" "MSE", */
#define NETC_COUNT(prefix, NAME, word) + 1

#endif
