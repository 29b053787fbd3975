#!/usr/bin/env bash
# Fetch papermill, nbformat, nbclient and ipykernel, with the dependencies that the GPU machine's image lacks, as wheels
# into .whl/ (git-ignored), so that `ebgan-ad run` can execute the experiment notebook on a machine without internet.
#
# Here (a machine with pip and internet), in the repository root:
#     scripts/fetch_gpu_wheels.sh
# On the GPU machine (Python 3.12, x86-64; its image already holds torch, torchvision, numpy, scikit-learn, scipy,
# matplotlib, pyyaml, tqdm, pillow), with .whl carried along, in the repository root:
#     python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
#       && export PYTHONPATH=/tmp/site || exit
#     EBGAN_AD_GIT_COMMIT=<commit> python3 scripts/ebgan-ad run configs/nanotwice_sencebgan.yaml --seeds 3
# or, in one batch job that also packs the run folders to bring back: scripts/device_run.sh (see its header).
# (scripts/ebgan-ad is the `ebgan-ad` command without an install; git is absent there, so the commit comes from the
# variable.) Set PYTHON_VERSION or PLATFORMS to fetch for another target.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON_VERSION=${PYTHON_VERSION:-3.12}
PLATFORMS=${PLATFORMS:-"manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_26_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux_2_12_x86_64 manylinux2010_x86_64 manylinux_2_5_x86_64 manylinux1_x86_64"}
# the versions this repository's .venv uses
WANTED="papermill==2.7.0 nbformat==5.11.1 nbclient==0.11.0 ipykernel==7.4.0"
# already in the GPU image (device README, KINDS.md package list of 2026-11-17): not carried, so that one version of each is used
IN_IMAGE="aiohttp attrs certifi charset-normalizer click filelock fsspec idna jinja2 markupsafe packaging psutil pygments
python-dateutil pyyaml requests six tqdm typing-extensions urllib3 wheel setuptools pip numpy matplotlib"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
platform_args=(); for p in $PLATFORMS; do platform_args+=(--platform "$p"); done
python3 -m pip download -q --only-binary=:all: --python-version "$PYTHON_VERSION" --implementation cp "${platform_args[@]}" \
  -d "$tmp" $WANTED

norm() { echo "$1" | tr 'A-Z_.' 'a-z--'; }
skip=" $(for n in $IN_IMAGE; do norm "$n"; done | tr '\n' ' ') "
mkdir -p .whl
rm -f .whl/*.whl
for whl in "$tmp"/*.whl; do
  name=$(norm "$(basename "$whl" | cut -d- -f1)")
  if [[ "$skip" == *" $name "* ]]; then echo "skip (in the image): $(basename "$whl")"; else mv "$whl" .whl/; fi
done
grep -qx '/.whl/' .gitignore 2>/dev/null || echo "note: add /.whl/ to .gitignore (or .git/info/exclude)"
echo "$(ls .whl | wc -l) wheels, $(du -sh .whl | cut -f1), in .whl/: carry it with the run (carry: ['.whl'])"
