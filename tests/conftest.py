"""What several test files share: the tiny config, the console script, and one run of the GPU machine's plan
(scripts/device_run.sh) on that config in a clone of this repository. The plan's run folder is also the run that
test_experiments checks end to end, so the suite trains one tiny run for both."""
import contextlib, fcntl, json, os, shutil, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# tiny throughout: 2 iterations per stage, D's batch-norm statistics re-estimated from 2 batches (the default 50 batches
# of 256 patches would cost more than the whole rest of the run), 256 of the test patches, no full-image heatmaps
TINY = """\
model: sencebgan
dataset: nanotwice
protocol: quick
data: {crops_per_image: 32, n_test_images: 1}
quick_overrides:
  data: {crops_per_image: 32}
  model_config: {iters_per_epoch: 2, epochs_gan: 1, epochs_enc_g: 1, epochs_enc_r: 1, batch_size: 8, bn_recalibrate_batches: 2}
test_subset: 256
heatmap_images: 0
device: cpu
"""

# the plan as a CPU can run it: the same steps, a tiny config, one seed, a quick benchmark
PLAN_HERE = dict(PLAN_CONFIGS='tiny.yaml', PLAN_SEEDS='1', PLAN_RUN_ARGS='--quick', BENCH_OUT='runs/bench/cpu.json',
                 BENCH_ARGS='--device cpu --variants eager --train-modes eager --stages stage3 --seeds 1 --quick --scoring-patches 64 --large-batch 0')
PLAN_RUN = Path('runs/tiny-quick/652016')   # the plan's one run, in the clone


def ebgan_ad_command() -> list[str]:
    "The console script of this environment (or the repository's script)."
    script = shutil.which('ebgan-ad', path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, str(ROOT / 'scripts' / 'ebgan-ad')]


def device_run(clone:Path, out:Path, *args:str, limit:int=480, **env) -> subprocess.CompletedProcess:
    "scripts/device_run.sh in `clone`, its files going to `out` (the device tool's $OUT)."
    out.mkdir(exist_ok=True)
    env = os.environ | dict(OUT=str(out), RUN_LIMIT=str(limit), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}") | env
    return subprocess.run(['bash', 'scripts/device_run.sh', *args], cwd=clone, env=env, capture_output=True, text=True)


def clone_of_repo(parent:Path) -> Path:
    if not (ROOT / '.git').exists(): pytest.skip('needs a git checkout to clone')
    clone = parent / 'repo'
    subprocess.run(['git', 'clone', '-q', str(ROOT), str(clone)], check=True)
    return clone


@contextlib.contextmanager
def one_process_at_a_time(tmp_path_factory, name:str):
    """Hold the lock `name` that all test processes of this session share (pytest-xdist runs two), and give the folder they
    share: what one of them makes there under the lock, the others find made."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get('PYTEST_XDIST_WORKER') else base   # xdist: the session's folder, above each worker's
    with open(shared / f'{name}.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield shared


@pytest.fixture(scope='session')
def plan_run(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """The first call of the thesis plan on the tiny config, in a fresh clone: (clone, $OUT, the finished process). Made once
    for all test processes: the first one makes it, the others read its record."""
    with one_process_at_a_time(tmp_path_factory, 'plan') as shared:
        parent, record = shared / 'plan', shared / 'plan.json'
        if not record.is_file():
            parent.mkdir()
            clone = clone_of_repo(parent)
            (clone / 'tiny.yaml').write_text(TINY)
            r = device_run(clone, parent / 'out', 'thesis', **PLAN_HERE)
            record.write_text(json.dumps(dict(returncode=r.returncode, stdout=r.stdout, stderr=r.stderr)))
    return parent / 'repo', parent / 'out', subprocess.CompletedProcess(args=['scripts/device_run.sh', 'thesis'], **json.loads(record.read_text()))
