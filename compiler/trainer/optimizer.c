/* optimizer.c - the optimizer: its state, its constants and NAME_update.
 *
 * Both follow PyTorch exactly (torch.optim.SGD and torch.optim.Adam with
 * foreach=False), including the order of operations, so a step here and a step
 * there agree to rounding.  Weight decay is added to the gradient of every
 * parameter, biases too, as in torch's default parameter group.  Only the chosen
 * optimizer's code is emitted, and terms whose constant is zero are left out.
 */
#include "trainer/trainer_internal.h"

#include <stdio.h>

static int has_momentum(const struct network *net)
{
    return net->opt.kind == OPT_SGD && net->opt.momentum != 0.0;
}

/* "float NAME[N_PARAM] ALIGN;  /+ comment +/", lined up with the state's other members. */
static void member(const struct emit *e, const char *name, const char *comment)
{
    char text[256];
    snprintf(text, sizeof text, "float %s[%s_N_PARAM] %s_ALIGN;", name, e->up, e->up);
    pr_line(e->p, "%-52s /* %s */", text, comment);
}

void emit_optimizer_members(const struct emit *e)
{
    if (has_momentum(e->net))
        member(e, "momentum", "SGD momentum buffer, one per parameter");
    if (e->net->opt.kind == OPT_ADAM) {
        member(e, "adam_m", "Adam: running mean of gradients");
        member(e, "adam_v", "Adam: running mean of squared gradients");
    }
    pr_line(e->p, "%-52s /* %s */", "int64_t step;", "optimizer steps taken");
}

/* "#define NAME value  /+ comment +/" with a double literal. */
static void define(struct printer *p, const char *name, double value, const char *comment)
{
    char lit[LIT_MAX];
    pr_line(p, "#define %-13s %-10s /* %s */", name, lit_double(lit, value), comment);
}

void emit_optimizer_constants(const struct emit *e)
{
    const struct network *net = e->net;
    struct printer *p = e->p;
    if (!has_momentum(net) && net->opt.kind != OPT_ADAM && net->weight_decay == 0.0)
        return;
    pr_line(p, "/* Optimizer constants from the .net file (the learning rate is an argument). */");
    if (has_momentum(net)) {
        define(p, "SGD_MOMENTUM", net->opt.momentum, "μ");
        if (net->opt.dampening != 0.0)
            define(p, "SGD_DAMPENING", net->opt.dampening, "the new gradient counts 1 − dampening");
    } else if (net->opt.kind == OPT_ADAM) {
        define(p, "ADAM_BETA1", net->opt.beta1, "β1: decay of the mean of gradients");
        define(p, "ADAM_BETA2", net->opt.beta2, "β2: decay of the mean of squared gradients");
        define(p, "ADAM_EPS", net->opt.epsilon, "ε: keeps the denominator away from 0");
    }
    if (net->weight_decay != 0.0)
        define(p, "WEIGHT_DECAY", net->weight_decay, "λ, added to every gradient as λ·p");
    pr_blank(p);
}

static const char *decayed_gradient(const struct network *net)
{
    return net->weight_decay != 0.0 ? "grad[k] + (float)WEIGHT_DECAY * p[k]" : "grad[k]";
}

static void emit_sgd_plain(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* One step of gradient descent, as torch.optim.SGD:");
    if (e->net->weight_decay != 0.0)
        pr_line(p, " *   p = p − η·(∂C/∂p + λ·p) */");
    else
        pr_line(p, " *   p = p − η·∂C/∂p */");
    pr_line(p, "static void sgd_step(float *restrict p, const float *restrict grad, int n, float lr)");
    pr_block(p);
    pr_line(p, "for (int k = 0; k < n; k++)");
    if (e->net->weight_decay != 0.0)
        pr_line(p, "    p[k] -= lr * (%s);", decayed_gradient(e->net));
    else
        pr_line(p, "    p[k] -= lr * grad[k];");
    pr_close(p);
}

static void emit_sgd_momentum(const struct emit *e)
{
    struct printer *p = e->p;
    const struct optimizer_spec *o = &e->net->opt;
    pr_line(p, "/* One step of SGD with %smomentum, as torch.optim.SGD:", o->nesterov ? "Nesterov " : "");
    pr_line(p, " *   g   = ∂C/∂p%s", e->net->weight_decay != 0.0 ? " + λ·p" : "");
    pr_line(p, " *   buf = g on the first step, else μ·buf + %sg",
            o->dampening != 0.0 ? "(1 − dampening)·" : "");
    pr_line(p, " *   p   = p − η·%s */", o->nesterov ? "(g + μ·buf)" : "buf");
    pr_line(p, "static void sgd_step(float *restrict p, const float *restrict grad, "
            "float *restrict buf,");
    pr_line(p, "                     int n, int first, float lr)");
    pr_block(p);
    pr_line(p, "const float mu = (float)SGD_MOMENTUM;");
    if (o->dampening != 0.0)
        pr_line(p, "const float keep = (float)(1.0 - SGD_DAMPENING);");
    pr_open(p, "for (int k = 0; k < n; k++)");
    pr_line(p, "const float g = %s;", decayed_gradient(e->net));
    pr_line(p, "buf[k] = first ? g : mu * buf[k] + %s;", o->dampening != 0.0 ? "keep * g" : "g");
    pr_line(p, "p[k] -= lr * %s;", o->nesterov ? "(g + mu * buf[k])" : "buf[k]");
    pr_close(p);
    pr_close(p);
}

static void emit_adam(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* One step of Adam, as torch.optim.Adam (its order of operations):");
    pr_line(p, " *   g = ∂C/∂p%s", e->net->weight_decay != 0.0 ? " + λ·p" : "");
    pr_line(p, " *   m = β1·m + (1 − β1)·g");
    pr_line(p, " *   v = β2·v + (1 − β2)·g²");
    pr_line(p, " *   p = p − (η / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)");
    pr_line(p, " * step_size = η / (1 − β1^t) and bc2_sqrt = √(1 − β2^t) come from the caller. */");
    pr_line(p, "static void adam_step(float *restrict p, const float *restrict grad, "
            "float *restrict m,");
    pr_line(p, "                      float *restrict v, int n, float step_size, float bc2_sqrt)");
    pr_block(p);
    pr_line(p, "const float beta1 = (float)ADAM_BETA1, one_minus_beta1 = (float)(1.0 - ADAM_BETA1);");
    pr_line(p, "const float beta2 = (float)ADAM_BETA2, one_minus_beta2 = (float)(1.0 - ADAM_BETA2);");
    pr_open(p, "for (int k = 0; k < n; k++)");
    pr_line(p, "const float g = %s;", decayed_gradient(e->net));
    pr_line(p, "m[k] = beta1 * m[k] + one_minus_beta1 * g;");
    pr_line(p, "v[k] = beta2 * v[k] + one_minus_beta2 * g * g;");
    pr_line(p, "const float denom = sqrtf(v[k]) / bc2_sqrt + (float)ADAM_EPS;");
    pr_line(p, "p[k] -= step_size * m[k] / denom;");
    pr_close(p);
    pr_close(p);
}

void emit_optimizer_step(const struct emit *e)
{
    if (e->net->opt.kind == OPT_ADAM)
        emit_adam(e);
    else if (has_momentum(e->net))
        emit_sgd_momentum(e);
    else
        emit_sgd_plain(e);
}

void emit_update(const struct emit *e)
{
    struct printer *p = e->p;
    const char *n = e->name;
    pr_line(p, "/* Thread t of T: its share of one optimizer step from m->grad, with learning");
    pr_line(p, " * rate lr (whole cache lines of the parameters; every element on its own). */");
    pr_line(p, "void %s_part_update(%s_model *m, float lr, int t, int T)", n, n);
    pr_block(p);
    pr_line(p, "int lo, hi;");
    pr_line(p, "share(%s_N_PARAM, 16, t, T, &lo, &hi);", e->up);
    if (e->net->opt.kind == OPT_ADAM) {
        pr_line(p, "/* bias corrections for this step, t = m->step + 1, in double as torch computes");
        pr_line(p, " * them in Python */");
        pr_line(p, "const double bc1 = 1.0 - pow(ADAM_BETA1, (double)(m->step + 1));");
        pr_line(p, "const double bc2 = 1.0 - pow(ADAM_BETA2, (double)(m->step + 1));");
        pr_line(p, "adam_step(m->param + lo, m->grad + lo, m->adam_m + lo, m->adam_v + lo, hi - lo,");
        pr_line(p, "          (float)(lr / bc1), (float)sqrt(bc2));");
    } else if (has_momentum(e->net)) {
        pr_line(p, "sgd_step(m->param + lo, m->grad + lo, m->momentum + lo, hi - lo, m->step == 0, lr);");
    } else {
        pr_line(p, "sgd_step(m->param + lo, m->grad + lo, hi - lo, lr);");
    }
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* Counts the step, once every thread's part of it is done. */");
    pr_line(p, "void %s_update_end(%s_model *m)", n, n);
    pr_block(p);
    pr_line(p, "m->step++;");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* One optimizer step from m->grad, with learning rate lr. */");
    pr_line(p, "void %s_update(%s_model *m, float lr)", n, n);
    pr_block(p);
    pr_line(p, "%s_part_update(m, lr, 0, 1);", n);
    pr_line(p, "%s_update_end(m);", n);
    pr_close(p);
}
