"""scripts/device_run.sh, the GPU machine's one-call job, run here on the CPU in a clone of this repository: its thesis plan
(benchmark once, then each config's seeds with --resume) on a tiny config, called twice as a GPU session would call it,
and its time limit, on a command that cannot finish."""
import tarfile

import pytest

from conftest import PLAN_HERE, PLAN_RUN, clone_of_repo, device_run


@pytest.mark.xdist_group('plan')   # shares the plan's run (conftest.plan_run) with test_experiments
def test_thesis_plan_runs_and_packs(plan_run, tmp_path):
    clone, out, r = plan_run
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    log = (out / 'ebgan-ad.log').read_text()
    assert 'latent AUROC' in log and '== the plan is done' in log
    parts = sorted(out.glob('runs.tgz.part-*'))
    assert [p.name for p in parts] == ['runs.tgz.part-aa']
    with tarfile.open(parts[0]) as tar: names = set(tar.getnames())
    run = str(PLAN_RUN)
    assert {f'{run}/metrics.json', f'{run}/environment.json', f'{run}/done.json', 'runs/bench/cpu.json'} <= names
    assert (clone / run / 'model.pt').is_file() and not any(n.endswith('.pt') for n in names)   # model files stay there
    assert not list((clone / run).glob('checkpoint-*.pt'))                                     # a finished run keeps no checkpoint
    # the next call of the same command: the benchmark is not repeated, the finished run is left alone
    r = device_run(clone, tmp_path / 'out2', 'thesis', **PLAN_HERE)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    log = (tmp_path / 'out2' / 'ebgan-ad.log').read_text()
    assert 'ebgan-ad bench' not in log and 'already finished' in log


def test_time_limit_stops_and_still_packs(tmp_path):
    "A command that cannot finish (it sleeps) is stopped at RUN_LIMIT with timeout's 124, and what is in runs/ is still packed."
    clone = clone_of_repo(tmp_path)
    (clone / 'scripts' / 'ebgan-ad').write_text('import time; time.sleep(600)\n')
    (clone / 'runs' / 'x' / '1').mkdir(parents=True); (clone / 'runs' / 'x' / '1' / 'metrics.json').write_text('{}')
    r = device_run(clone, tmp_path / 'out', 'run', 'whatever.yaml', limit=8)
    assert r.returncode == 124, r.stdout[-3000:] + r.stderr[-3000:]
    with tarfile.open(tmp_path / 'out' / 'runs.tgz.part-aa') as tar: assert 'runs/x/1/metrics.json' in tar.getnames()
