#!/usr/bin/env bash
# One call of the device tool (a GPU machine without internet or git, whose files come back only from $OUT: at most
# 8 files of 16 MiB) runs `ebgan-ad` and brings the records back. On that machine, in the repository root, with .whl
# carried (scripts/fetch_gpu_wheels.sh fetches it here):
#
#     EBGAN_AD_GIT_COMMIT=<commit> scripts/device_run.sh thesis
#
# runs the thesis plan, the same command in every call until it exits 0:
#   1. once: the benchmark of the training modes on this GPU (eager and CUDA graphs, 1 and 3 seeds side by side, with
#      launches and waits per iteration) into runs/bench/cuda.json (results/bench/cuda.json once collected);
#   2. configs/nanotwice_sencebgan.yaml at the thesis protocol, 3 seeds side by side, then configs/nanotwice_bigan.yaml,
#      3 seeds one after another, each with --resume: a run stopped by the time limit continues from its checkpoint in
#      the next call on the same (still warm) machine, and finished runs are left alone.
# Any other arguments go to `ebgan-ad` as they are, for one command:
#     EBGAN_AD_GIT_COMMIT=<commit> scripts/device_run.sh run configs/nanotwice_sencebgan.yaml --seeds 3 --resume
#     scripts/device_run.sh bench --train-modes eager,graph --seeds 1,3 --profile --out runs/bench/cuda.json
# It installs the carried wheels into /tmp/site, runs for at most RUN_LIMIT seconds (default 480, so that what finished
# still comes back inside the tool's 10-minute limit), and packs runs/, without model files and checkpoints (*.pt), into
# $OUT/runs.tgz.part-aa, -ab, ... (15 MiB each), with the log in $OUT/ebgan-ad.log.
# Back here:  cat <files_at>/runs.tgz.part-* | tar xzf -   then  ebgan-ad collect runs/<run>/<seed>  and  make results.
# The exit status: 0 when everything asked for is done; 124 when the time limit stopped it (call it again: it resumes);
# otherwise ebgan-ad's.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${OUT:?OUT is not set: run this through the device tool, or set OUT to a folder for the results}"
[ -n "${EBGAN_AD_GIT_COMMIT:-}" ] || echo "note: EBGAN_AD_GIT_COMMIT is not set, so the runs record no commit (git is absent there)" >&2

if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONUNBUFFERED=1
deadline=$(( $(date +%s) + ${RUN_LIMIT:-480} ))
status=0

# step CMD...: run `ebgan-ad CMD...` in the time left; 124 once the deadline has passed
step() {
  local left=$(( deadline - $(date +%s) ))
  if [ "$left" -le 5 ]; then echo "== time limit reached before: ebgan-ad $*" | tee -a "$OUT/ebgan-ad.log"; return 124; fi
  echo "== ebgan-ad $* (${left} s left)" | tee -a "$OUT/ebgan-ad.log"
  timeout "$left" python3 scripts/ebgan-ad "$@" 2>&1 | tee -a "$OUT/ebgan-ad.log"
  return "${PIPESTATUS[0]}"
}

if [ "${1:-}" = thesis ]; then
  # the plan; PLAN_CONFIGS, PLAN_SEEDS, PLAN_RUN_ARGS, BENCH_ARGS and BENCH_OUT change it (the CPU dry run of tests/ does)
  bench_out=${BENCH_OUT:-runs/bench/cuda.json}
  if [ ! -f "$bench_out" ]; then
    # shellcheck disable=SC2086
    step bench ${BENCH_ARGS:---device cuda --variants eager --train-modes eager,graph --stages stage1,stage2,stage3,bigan --seeds 1,3 --profile --iters 30 --repeats 3 --large-batch 0} --out "$bench_out"
    status=$?
    [ "$status" -eq 124 ] || { [ "$status" -eq 0 ] || echo "== the benchmark failed (status $status): the runs go on" | tee -a "$OUT/ebgan-ad.log"; status=0; }
  fi
  for config in ${PLAN_CONFIGS:-configs/nanotwice_sencebgan.yaml configs/nanotwice_bigan.yaml}; do
    [ "$status" -eq 0 ] || break
    # shellcheck disable=SC2086
    step run "$config" --seeds "${PLAN_SEEDS:-3}" --resume ${PLAN_RUN_ARGS:-}
    status=$?
  done
  [ "$status" -eq 0 ] && echo "== the plan is done: collect the runs (see README)" | tee -a "$OUT/ebgan-ad.log"
else
  step "$@"
  status=$?
fi

if [ -d runs ]; then
  tar czf - --exclude='*.pt' runs | split -b 15m - "$OUT/runs.tgz.part-"
  ls -l "$OUT"/runs.tgz.part-* >&2
fi
exit "$status"
