#!/bin/sh
# two_models.sh GENDIR1 GENDIR2 - two generated models link into one program.
#
# Only NAME_-prefixed symbols are public, so both models' .c files link together
# with a main that trains each one step.  Needs: cc (or $CC).  Exit 0 = pass.
set -eu
d1=${1:?usage: two_models.sh GENDIR1 GENDIR2}
d2=${2:?usage: two_models.sh GENDIR1 GENDIR2}
n1=$(basename "$(ls "$d1"/*_main.c)" _main.c)
n2=$(basename "$(ls "$d2"/*_main.c)" _main.c)
[ "$n1" != "$n2" ] || { echo "two_models.sh: give two different models"; exit 1; }
cc=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
u1=$(echo "$n1" | tr a-z A-Z)
u2=$(echo "$n2" | tr a-z A-Z)
cat >"$work/both.c" <<EOC
#include <stdio.h>
#include <stdlib.h>
#include "$n1.h"
#include "$n2.h"

/* One training step of a model on a zero batch: the loss must be a number. */
#define STEP(name, NAME) do { \\
        static name##_model m; \\
        static float x[NAME##_N_INPUT], y[NAME##_N_OUTPUT]; \\
        name##_init(&m, 1); \\
        float loss = name##_forward_backward(&m, x, y, 1); \\
        name##_update(&m, 0.1f); \\
        printf("%s: one step, loss %g\n", #name, (double)loss); \\
        if (loss != loss) return 1; \\
    } while (0)

int main(void)
{
    STEP($n1, $u1);
    STEP($n2, $u2);
    return 0;
}
EOC
$cc -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -I"$d1" -I"$d2" \
    "$work/both.c" "$d1/$n1.c" "$d2/$n2.c" -o "$work/both" -lm
"$work/both"
echo "$n1 + $n2: link into one program: OK"
