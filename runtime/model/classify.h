/* model/classify.h - the class a model's output row stands for. */
#ifndef NETC_MODEL_CLASSIFY_H
#define NETC_MODEL_CLASSIFY_H

/* Class of one output row: argmax, or output >= 0.5 (class 1) for a single output. */
int netc_predicted_class(const float *out, int n_output);

#endif
