"""scripts/device_run.sh, the GPU machine's one-call job, run here on the CPU in a clone of this repository: it runs
`ebgan-ad`, packs the run folders without their model files into pieces in $OUT, and stops at RUN_LIMIT."""
import os, subprocess, sys, tarfile
from pathlib import Path

import pytest

from test_experiments import ROOT, TINY

pytestmark = pytest.mark.skipif(not (ROOT / '.git').exists(), reason='needs a git checkout to clone')


def device_run(clone:Path, out:Path, *args:str, limit:int=480) -> subprocess.CompletedProcess:
    out.mkdir(exist_ok=True)
    env = os.environ | dict(OUT=str(out), RUN_LIMIT=str(limit), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(['bash', 'scripts/device_run.sh', *args], cwd=clone, env=env, capture_output=True, text=True, timeout=600)


def test_device_run_packs_the_runs(tmp_path):
    clone = tmp_path / 'repo'
    subprocess.run(['git', 'clone', '-q', str(ROOT), str(clone)], check=True)
    (clone / 'tiny.yaml').write_text(TINY)
    r = device_run(clone, tmp_path / 'out', 'run', 'tiny.yaml', '--quick')
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert 'latent AUROC' in (tmp_path / 'out' / 'ebgan-ad.log').read_text()
    parts = sorted((tmp_path / 'out').glob('runs.tgz.part-*'))
    assert [p.name for p in parts] == ['runs.tgz.part-aa']
    with tarfile.open(parts[0]) as tar: names = set(tar.getnames())
    assert {'runs/tiny-quick/652016/metrics.json', 'runs/tiny-quick/652016/environment.json'} <= names
    assert (clone / 'runs' / 'tiny-quick' / '652016' / 'model.pt').is_file() and not any(n.endswith('model.pt') for n in names)
    # stopped at its time limit: ebgan-ad's status is timeout's 124, and what is in runs/ is still packed
    r = device_run(clone, tmp_path / 'out2', 'run', 'tiny.yaml', '--quick', limit=1)
    assert r.returncode == 124, r.stdout[-3000:] + r.stderr[-3000:]
    assert sorted(p.name for p in (tmp_path / 'out2').glob('runs.tgz.part-*')) == ['runs.tgz.part-aa']
