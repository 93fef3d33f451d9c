#!/bin/bash
# netc build --mpi: the trainer under `mpirun -np 2` (loopback, --oversubscribe on small
# machines) trains the same network as one process with the same global batch: each
# rank computes its half of every mini-batch and MPI_Allreduce sums the gradients, so
# only the order of the additions differs (weights and outputs agree to float rounding).
# Rank 0 alone prints and writes; evaluation is split between ranks and summed; threads
# within ranks change nothing; an error on the ranks ends the run, no hang.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # CI runs as root
export NETC_PARALLEL_MIN_WORK=0     # threads within ranks: every part on every thread
# Under `make asan` the trainers are sanitized, and OpenMPI's own allocations (its
# plugins, unloaded by then; ompi_op_base_op_select) are still live at exit: LeakSanitizer
# would count them against us.  No leak checks here; ASan's other checks stay on, and
# sanitizers.sh checks the same runtime for leaks without MPI.
export ASAN_OPTIONS="${ASAN_OPTIONS}:detect_leaks=0"
mpi() { timeout 300 mpirun -np "$1" --oversubscribe "${@:2}"; }

"$netc" build --mpi samples/mnist.net -o "$work/m"
"$netc" build samples/mnist.net -o "$work/s"
train=(train --data data/mnist --limit 3000 --epochs 2)
"$work/s/mnist" "${train[@]}" --save "$work/single.safetensors" > "$work/single.out"
mpi 2 "$work/m/mnist" "${train[@]}" --save "$work/mpi.safetensors" --log "$work/mpi.csv" \
    > "$work/mpi.out"
cat "$work/mpi.out"
grep -q '2 processes' "$work/mpi.out" || fail "the run does not say it has 2 processes"
[ "$(grep -c '^saved ' "$work/mpi.out")" = 1 ] || fail "not exactly one rank saved the weights"
[ "$(grep -o 'epoch [12]/2  loss' "$work/mpi.out" | wc -l)" = 2 ] || fail "not exactly one rank printed the epochs"
[ "$(wc -l < "$work/mpi.csv")" = 3 ] || fail "the log is not one header and 2 epochs"

# the same network: outputs on the 10,000 test images within float rounding
for w in single mpi; do
    "$work/s/mnist" predict --raw --weights "$work/$w.safetensors" \
        data/mnist/t10k-images-idx3-ubyte > "$work/$w.raw"
done
d=$(max_abs_diff "$work/single.raw" "$work/mpi.raw")
awk -v d="$d" 'BEGIN { exit !(d <= 1e-5) }' || fail "2 ranks vs 1 process: outputs differ by $d"
cmp -s "$work/single.safetensors" "$work/mpi.safetensors" &&
    echo "(2 ranks gave the single process's weights bit for bit)"
echo "ok: mpirun -np 2 trains the single process's network: outputs within $d"

# evaluation split between 2 and 3 ranks: the same accuracy and loss as one process
"$work/s/mnist" eval --data data/mnist --weights "$work/single.safetensors" > "$work/eval1"
for p in 2 3; do
    mpi $p "$work/m/mnist" eval --data data/mnist --weights "$work/single.safetensors" \
        > "$work/eval$p"
    cmp "$work/eval1" "$work/eval$p" || fail "eval on $p ranks: $(cat "$work/eval$p")"
done
echo "ok: eval on 2 and 3 ranks: $(cat "$work/eval1")"

# threads within the ranks: the same bits as one thread per rank
short=(train --data data/mnist --limit 600 --epochs 1 --quiet)
mpi 2 "$work/m/mnist" "${short[@]}" --save "$work/t1.safetensors"
mpi 2 "$work/m/mnist" "${short[@]}" --threads 2 --save "$work/t2.safetensors"
cmp "$work/t1.safetensors" "$work/t2.safetensors" || fail "--threads 2 changed an MPI run"
echo "ok: 2 ranks x 2 threads = 2 ranks x 1 thread, bit for bit"

# a missing file: an error naming it, a non-zero exit, no hang
set +e
msg=$(mpi 2 "$work/m/mnist" train --train-images "$work/nothing" --train-labels "$work/nothing" \
      --save "$work/x.safetensors" 2>&1)
rc=$?
set -e
[ $rc != 0 ] && [ $rc != 124 ] || fail "missing data under mpirun: exit $rc"
grep -q "$work/nothing" <<<"$msg" || fail "missing data under mpirun: no message naming the file"
[ -e "$work/x.safetensors" ] && fail "a failed run wrote weights"
echo "ok: missing data under mpirun: exit $rc, message names the file"
