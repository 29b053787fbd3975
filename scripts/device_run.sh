#!/usr/bin/env bash
# One call of the device tool (a GPU machine without internet or git, whose files come back only from $OUT: at most
# 8 files of 16 MiB) runs `ebgan-ad` and brings the run folders back. On that machine, in the repository root, with
# .whl carried (scripts/fetch_gpu_wheels.sh fetches it here):
#     EBGAN_AD_GIT_COMMIT=<commit> scripts/device_run.sh run configs/nanotwice_sencebgan.yaml --seeds 1
#     scripts/device_run.sh bench --variants eager --stages stage1,stage2,stage3 --out $OUT/cuda.json   # it/s per stage
# It installs the carried wheels into /tmp/site, runs `ebgan-ad` with the arguments given (for at most RUN_LIMIT
# seconds, default 480, so that what finished still comes back inside the tool's 10-minute limit), and packs runs/,
# without the model files, into $OUT/runs.tgz.part-aa, -ab, ... (15 MiB each), with the log in $OUT/ebgan-ad.log.
# Back here:  cat <files_at>/runs.tgz.part-* | tar xzf -   then  ebgan-ad collect runs/<run>/<seed>  and  make results.
# The exit status is ebgan-ad's (124: stopped at RUN_LIMIT; the runs that finished before are in the archive).
set -uo pipefail
cd "$(dirname "$0")/.."
: "${OUT:?OUT is not set: run this through the device tool, or set OUT to a folder for the results}"
[ -n "${EBGAN_AD_GIT_COMMIT:-}" ] || echo "note: EBGAN_AD_GIT_COMMIT is not set, so the runs record no commit (git is absent there)" >&2

if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONUNBUFFERED=1
timeout "${RUN_LIMIT:-480}" python3 scripts/ebgan-ad "$@" 2>&1 | tee "$OUT/ebgan-ad.log"
status=${PIPESTATUS[0]}

if [ -d runs ]; then
  tar czf - --exclude=model.pt runs | split -b 15m - "$OUT/runs.tgz.part-"
  ls -l "$OUT"/runs.tgz.part-* >&2
fi
exit "$status"
