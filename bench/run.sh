#!/bin/sh
# run.sh - `make bench`: netc's trainers for W1-W4 against PyTorch and FANN, side by side
# in one run, and against this machine's FMA peak; netc's speed-up with 2 threads and with
# 2 MPI ranks; then the int8 export's inference against the float export's (int8.sh).
# See bench/README.md.
#
# Writes build/bench/ (trainers, peers, raw `key value` outputs) and bench/results/latest.md
# and latest.json; prints the Markdown table.  Settings (environment, defaults in brackets):
#   BENCH_EPOCHS [5]  timed epochs (W3, W4: 3) after BENCH_WARMUP [1] untimed ones
#   BENCH_QUICK=1     a smoke run: one short timed epoch each, small subsets
#   MPICC [mpicc]     for `netc build --mpi`; without it or mpirun, the MPI rows are n/a
#   BUILD [build]     the build tree whose netc is timed
#   BENCH_INT8=0      leave out the int8 inference table (bench/int8.sh, run after the rest)
set -eu
cd "$(dirname "$0")/.."

netc=${BUILD:-build}/netc
work=build/bench
raw=$work/raw
data=data/mnist
epochs=${BENCH_EPOCHS:-5}
warmup=${BENCH_WARMUP:-1}
infer_samples=2000      # single-sample inference of the peers: the first N test samples

# network  timed-epochs  training-limit (netc, PyTorch)  FANN limit  (0: all 60000;
# none: FANN has no such layers)
configs="w1 $epochs 0 0
w2 $epochs 0 10000
w3 3 20000 2000
w4 3 20000 none"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    configs="w1 1 6000 2000
w2 1 6000 1000
w3 1 2560 200
w4 1 2560 none"
    infer_samples=200
fi

# The peers are optional: run.sh measures what is installed (as root, deps.sh installs
# them; OpenBLAS is PyTorch's BLAS on Debian, without it torch uses the reference BLAS).
# Open MPI is for netc's `build --mpi` trainers.
tools/deps.sh python3-torch python3-numpy libfann-dev libopenblas0-pthread \
    libopenmpi-dev openmpi-bin ||
    echo "bench: some peers or MPI are missing; their rows will say so" >&2
[ -f $data/t10k-labels-idx1-ubyte ] || tools/fetch-data.sh mnist

rm -rf "$raw" && mkdir -p "$raw" bench/results
CC=${CC:-cc}

have_torch=0
/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null && have_torch=1
have_fann=0
if [ -f /usr/include/floatfann.h ]; then
    $CC -O2 -march=native -o $work/peer_fann bench/peer_fann.c -lfloatfann -lm && have_fann=1
fi
$CC -O2 -march=native -ffp-contract=fast -pthread -o $work/fma_peak bench/fma_peak.c

# MPI: netc's `build --mpi` trainers, timed by their `train` command under mpirun.
mpi_status=ok
if ! command -v "${MPICC:-mpicc}" >/dev/null 2>&1 || ! command -v mpirun >/dev/null 2>&1; then
    mpi_status="n/a (not installed)"
elif ! "$netc" --help | grep -q -- --mpi; then
    mpi_status="n/a (not implemented)"
fi
mpi_env=""      # Open MPI refuses to run as root without these
if [ "$(id -u)" = 0 ]; then
    mpi_env="OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
fi
# The training set's size (IDX header, bytes 4-7), for the runs without --limit.
n_train=$(od -An -j4 -N4 -tu1 $data/train-images-idx3-ubyte |
    awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')

# What the run was made on (the report prints it).
{
    echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    changes=$(git diff --quiet HEAD 2>/dev/null || echo +changes)
    echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$changes"
    echo "cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
    echo "compiler $($CC --version | head -1)"
    echo "netc_cflags ${CFLAGS:-(netc build default: -O3 -march=native)}"
    torch_version=missing
    [ $have_torch = 1 ] &&
        torch_version=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')
    echo "torch $torch_version"
    echo "blas $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
    echo "fann $(dpkg-query -W -f '${Version}' libfann-dev 2>/dev/null || echo missing)"
    echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "quick ${BENCH_QUICK:-0}"
    mpi_version=missing
    command -v mpirun >/dev/null 2>&1 && mpi_version=$(mpirun --version 2>&1 | head -1)
    echo "mpi $mpi_version"
    echo "infer_samples_peers $infer_samples"
} > $raw/meta.txt

# The FMA peak is measured at the start and after each network: the best one counts.
echo "bench: FMA peak" >&2
$work/fma_peak > $raw/fma-start.txt

# The trainer's `--threads` exists once netc has threads; until then its 2-thread row is n/a.
run_netc() {    # NET THREADS EPOCHS LIMIT
    trainer=$work/$1/$1
    if [ "$2" -gt 1 ] && ! $trainer --help | grep -q -- --threads; then
        echo "status n/a (not implemented)" > "$raw/netc-$1-$2.txt"
        return
    fi
    threads_opt=""
    [ "$2" -gt 1 ] && threads_opt="--threads $2"
    limit_opt=""
    [ "$4" -gt 0 ] && limit_opt="--limit $4"
    # shellcheck disable=SC2086
    $trainer bench --data $data --epochs "$3" --warmup "$warmup" $limit_opt $threads_opt \
        > "$raw/netc-$1-$2.txt"
}

# The same trainer built with -DNETC_DENSE_INPUT=1: its first layer multiplies every input,
# zero or not (compiler/kernels/sparse.h), for the "zero inputs skipped" table; 1 thread,
# right after the default build's run.  A network whose first layer is not dense has
# nothing to skip.
run_netc_dense() {  # NET EPOCHS LIMIT
    if ! grep -q input_product "$work/$1/$1.c"; then
        echo "status n/a (the first layer is not dense)" > "$raw/netc_dense-$1-1.txt"
        return
    fi
    limit_opt=""
    [ "$3" -gt 0 ] && limit_opt="--limit $3"
    # shellcheck disable=SC2086
    $work/$1-dense/$1 bench --data $data --epochs "$2" --warmup "$warmup" $limit_opt \
        > "$raw/netc_dense-$1-1.txt"
}

# Under MPI, `bench` runs on rank 0 only: the rate is `train`'s samples/s column (--log),
# one row per epoch; the first WARMUP epochs are the warm-up and report.py leaves them out.
# Ranks are not pinned to cores (--bind-to none), like the trainer's threads.
run_mpi() {     # NET RANKS EPOCHS LIMIT
    out=$raw/mpi-$1-$2
    trainer=$work/$1-mpi/$1
    if [ "$mpi_status" != ok ]; then
        echo "status $mpi_status" > "$out.txt"
        return
    fi
    if [ ! -x "$trainer" ]; then
        echo "status n/a (netc build --mpi failed)" > "$out.txt"
        return
    fi
    limit_opt=""
    samples=$n_train
    if [ "$4" -gt 0 ]; then
        limit_opt="--limit $4"
        if [ "$4" -lt "$n_train" ]; then samples=$4; fi
    fi
    rm -f "$out.csv"
    rc=0
    # mpirun forwards its stdin to rank 0: </dev/null keeps it off the list of networks.
    # shellcheck disable=SC2086
    env $mpi_env mpirun -np "$2" --oversubscribe --bind-to none \
        "$trainer" train --data $data --epochs $(($3 + warmup)) $limit_opt --quiet \
        --log "$out.csv" --save "$work/$1-mpi/$1-np$2.safetensors" \
        < /dev/null > "$out.log" 2>&1 || rc=$?
    if [ $rc != 0 ] || [ ! -s "$out.csv" ]; then
        echo "status failed (mpirun exit $rc, see $out.log)" > "$out.txt"
        echo "bench: mpirun -np $2 $trainer failed, see $out.log" >&2
        return
    fi
    printf 'status ok\nranks %s\ntrain_samples %s\nepochs %s\nwarmup_epochs %s\n' \
        "$2" "$samples" "$3" "$warmup" > "$out.txt"
}

run_torch() {   # NET THREADS EPOCHS LIMIT
    if [ $have_torch = 0 ]; then
        echo "status n/a (python3-torch not installed)" > "$raw/torch-$1-$2.txt"
        return
    fi
    # PyTorch with Debian's OpenBLAS: the machine's OPENBLAS_* tuning is unset for it alone.
    # Passive OpenMP waits: on a loaded 2-core machine, threads spinning at torch's barriers
    # starve their partner and 2-thread training collapses (measured: 30 k/s -> 0.7 k/s).
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$2" OMP_NUM_THREADS="$2" \
        OMP_WAIT_POLICY=PASSIVE \
        /usr/bin/python3 bench/peer_torch.py bench/"$1".net --data $data --threads "$2" \
        --epochs "$3" --warmup "$warmup" --limit "$4" --infer-samples $infer_samples \
        > "$raw/torch-$1-$2.txt"
}

run_fann() {    # NET THREADS EPOCHS LIMIT
    if [ $have_fann = 0 ]; then
        echo "status n/a (libfann-dev not installed)" > "$raw/fann-$1-$2.txt"
    elif [ "$4" = none ]; then
        echo "status n/a (no convolutions in FANN)" > "$raw/fann-$1-$2.txt"
    elif [ "$2" -gt 1 ]; then
        echo "status n/a (single-threaded library)" > "$raw/fann-$1-$2.txt"
    else
        # shellcheck disable=SC2046
        $work/peer_fann $(python3 bench/netspec.py bench/"$1".net fann) --data $data \
            --epochs "$3" --warmup "$warmup" --limit "$4" --infer-samples $infer_samples \
            > "$raw/fann-$1-$2.txt"
    fi
}

echo "$configs" | while read -r net net_epochs limit fann_limit; do
    echo "load_$net $(cut -d' ' -f1-3 /proc/loadavg)" >> $raw/meta.txt
    "$netc" build "bench/$net.net" -o "$work/$net" > /dev/null
    CFLAGS="${CFLAGS:--O3 -march=native} -DNETC_DENSE_INPUT=1" \
        "$netc" build "bench/$net.net" -o "$work/$net-dense" > /dev/null
    rm -rf "$work/$net-mpi"
    if [ "$mpi_status" = ok ]; then
        "$netc" build --mpi "bench/$net.net" -o "$work/$net-mpi" > /dev/null ||
            echo "bench: netc build --mpi bench/$net.net failed" >&2
    fi
    for threads in 1 2; do
        echo "bench: $net, $threads thread(s): netc, PyTorch, FANN" >&2
        run_netc "$net" $threads "$net_epochs" "$limit"
        if [ "$threads" = 1 ]; then run_netc_dense "$net" "$net_epochs" "$limit"; fi
        run_torch "$net" $threads "$net_epochs" "$limit"
        run_fann "$net" $threads $((net_epochs < 3 ? net_epochs : 3)) "$fann_limit"
    done
    for ranks in 1 2; do
        echo "bench: $net, $ranks MPI rank(s): netc train under mpirun" >&2
        run_mpi "$net" $ranks "$net_epochs" "$limit"
    done
    $work/fma_peak > "$raw/fma-$net.txt"
done

echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >> $raw/meta.txt
python3 bench/report.py $raw bench/results/latest.md bench/results/latest.json
cat bench/results/latest.md

# The int8 export against the float export (inference only): bench/int8.sh, its own table.
if [ "${BENCH_INT8:-1}" != 0 ]; then
    echo
    bench/int8.sh
fi
