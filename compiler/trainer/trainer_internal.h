/* trainer_internal.h - what the trainer back end's printers share: model.c (the
 * driver, NAME.h and NAME.c's whole-network functions) calls loss.c, optimizer.c,
 * init.c and trainer_main.c, which print with emit/ like the inference export does.
 */
#ifndef NETC_TRAINER_INTERNAL_H
#define NETC_TRAINER_INTERNAL_H

#include "emit/emit.h"

/* Loss (loss.c): the value, and the output error δ^L. */
int loss_reads_logits(const struct network *net);        /* row_losses(loss, z, y, B), not a */
int output_delta_needs_z(const struct network *net);     /* output_delta(delta, a, z, y, B, scale) */
void emit_row_losses(const struct emit *e);
void emit_output_delta(const struct emit *e);

/* Optimizer (optimizer.c): its state members, constants, and NAME_part_update,
 * NAME_update_end and NAME_update. */
void emit_optimizer_members(const struct emit *e);
void emit_optimizer_constants(const struct emit *e);
void emit_optimizer_step(const struct emit *e);
void emit_update(const struct emit *e);

/* Initialisation (init.c): the RNG and NAME_init. */
void emit_rng(const struct emit *e);
void emit_init(const struct emit *e);

/* NAME_main.c (trainer_main.c). */
void emit_main(const struct emit *e);

#endif
