"""The experiment runner end to end on a tiny config, and the errors of config files and of the command line."""
import json, os, signal, subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ebgan_ad.cli import main
from ebgan_ad.config import ConfigError, ExperimentConfig, apply_overrides, load_config, resolve
from ebgan_ad.collect import RECORD_FILES, checkpoint_path
from ebgan_ad.experiments import (NOTEBOOK_PARAMETERS, experiment_notebook, notebook_parameters, run_experiment, run_folder, run_name,
                                  load_data, make_detector)

from conftest import PLAN_RUN, ROOT, TINY, ebgan_ad_command


def test_unknown_keys_are_named(tmp_path):
    path = tmp_path / 'c.yaml'
    path.write_text('model: sencebgan\nepoch: 3\nlr: 1\n')
    with pytest.raises(ConfigError, match=r"unknown ExperimentConfig keys: \['epoch', 'lr'\]") as e: load_config(path)
    assert str(path) in str(e.value)
    path.write_text('model: sencebgan\nmodel_config: {epoch_gan: 3}\n')
    with pytest.raises(ConfigError, match=r"unknown SencebganConfig keys: \['epoch_gan'\]"): load_config(path)
    path.write_text('model: bigan\nsweep: {a: {model_config: {epochs_gan: 3}}}\n')
    with pytest.raises(ConfigError, match=r"sweep.a: unknown BiganConfig keys: \['epochs_gan'\]"): load_config(path)


def test_bad_values_and_files(tmp_path):
    for text, message in [('model: gan\n', "model='gan' is not one of"), ('protocol: full\n', "protocol='full' is not one of"),
                          ('dataset: mnist\ndata: {crops_per_image: 4}\n', r"data: unknown keys \['crops_per_image'\]"),
                          ('model_config: {margin_reduction: sum}\n', "margin_reduction='sum'"),
                          ('[1, 2]\n', 'must be a mapping'), ('model: [\n', 'is not valid YAML')]:
        (tmp_path / 'c.yaml').write_text(text)
        with pytest.raises(ConfigError, match=message): load_config(tmp_path / 'c.yaml')
    with pytest.raises(ConfigError, match='config file not found'): load_config(tmp_path / 'missing.yaml')


def test_cli_reports_config_errors(tmp_path, capsys):
    assert main(['run', str(tmp_path / 'missing.yaml')]) == 2
    assert 'config file not found' in capsys.readouterr().err
    (tmp_path / 'c.yaml').write_text('modle: bigan\n')
    assert main(['run', str(tmp_path / 'c.yaml')]) == 2
    assert "unknown ExperimentConfig keys: ['modle']" in capsys.readouterr().err
    with pytest.raises(SystemExit): main(['run'])                 # argparse: the config is required


def test_every_config_is_valid():
    configs = sorted((ROOT / 'configs').glob('*.yaml'))
    assert len(configs) >= 6
    for path in configs:
        cfg = load_config(path)
        for name, overrides in (cfg.sweep or {None: {}}).items():
            variant = apply_overrides(cfg, overrides or {}) if name else cfg
            resolve(variant); resolve(variant, quick=True)


def test_notebook_takes_the_settings_as_run():
    params = notebook_parameters(experiment_notebook())
    assert sorted(params) == sorted(NOTEBOOK_PARAMETERS) == ['config', 'run_dir', 'run_name']
    assert resolve(ExperimentConfig.from_dict(params['config'])).protocol == 'quick'   # its own defaults are a valid quick run


@pytest.mark.xdist_group('plan')   # shares the plan's run (conftest.plan_run) with test_device_run
def test_runner_end_to_end(plan_run, tmp_path):
    """The tiny config's run (the GPU plan's, run here in a clone) leaves a complete run folder; the same run stopped inside
    stage 2 and `--resume`d ends with the same metrics.json, byte for byte; the console script leaves a finished run alone,
    and after an edit of its config starts it afresh, and names the notebook where it failed."""
    clone, _, plan = plan_run
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-3000:]
    assert 'latent AUROC' in plan.stdout
    run = clone / PLAN_RUN
    assert sorted(p.name for p in run.parent.iterdir()) == ['652016']
    names = {p.name for p in run.iterdir()}
    assert {'config.yaml', 'metrics.json', 'history.json', 'environment.json', 'train_eval.ipynb', 'model.pt', 'done.json',
            'roc_pr.png', 'histograms.png', 'reconstructions.png', 'losses.png'} <= names
    assert not any(n.startswith('checkpoint-') for n in names)          # a finished run keeps its model file, not its checkpoint
    assert 'heatmaps.png' not in names                                   # heatmap_images: 0
    m = json.loads((run / 'metrics.json').read_text())
    assert list(m)[:9] == ['model', 'dataset', 'protocol', 'seed', 'score', 'auroc', 'auprc', 'f1', 'precision']
    assert (m['model'], m['dataset'], m['protocol'], m['seed'], m['score']) == ('sencebgan', 'nanotwice', 'quick', 652016, 'latent')
    assert 0 <= m['auroc'] <= 1 and m['threshold'] == m['scores']['latent']['val_q95']['threshold']
    assert {'latent', 'image', 'energy'} <= set(m['scores']) and 'pixel' not in m
    assert (m['n_test'], 0 < m['n_anomalous'] < 256) == (256, True)      # test_subset: 256, both classes
    env = json.loads((run / 'environment.json').read_text())
    assert {'git', 'versions', 'device_name', 'wall_time_s'} <= set(env) and env['wall_time_s']['train_ebgan'] > 0
    assert env['score_precision'] in ('bf16', 'fp32')
    history = json.loads((run / 'history.json').read_text())
    assert set(history) == {'ebgan', 'enc_g', 'enc_r'}
    # the settings as run load back, and the notebook shows the injected parameters
    ran = load_config(run / 'config.yaml')
    assert (ran.protocol, ran.seed, ran.model_config['iters_per_epoch'], ran.test_subset) == ('quick', 652016, 2, 256)
    nb = json.loads((run / 'train_eval.ipynb').read_text())
    assert any('injected-parameters' in c['metadata'].get('tags', []) for c in nb['cells'])
    # the same run stopped inside stage 2, its checkpoint left behind (as if killed there), then resumed: as if never stopped
    config = tmp_path / 'tiny.yaml'
    config.write_text(TINY)
    r = resolve(load_config(config), quick=True)
    stopped = run_folder(tmp_path / 'runs', run_name(config, quick=True), r.config.seed)
    splits, _ = load_data(r)
    make_detector(r).fit(splits.train, splits.val, checkpoint=checkpoint_path(stopped, r), stop_after=('enc_g', 1))
    assert checkpoint_path(stopped, r).is_file() and not (stopped / 'metrics.json').exists()
    resumed = run_experiment(config, quick=True, runs_dir=tmp_path / 'runs', resume=True, log_output=False)[0]
    assert resumed == stopped and (resumed / 'metrics.json').read_bytes() == (run / 'metrics.json').read_bytes()
    assert run_experiment(config, quick=True, runs_dir=tmp_path / 'runs', resume=True, log_output=False) == [stopped]   # finished: left alone
    # the console script with --skip-done: left alone; with the config edited, the edit is noticed and the folder starts
    # empty, so a run that then fails leaves nothing of the earlier one that could pass for its result; the error names
    # the executed notebook, where the traceback is
    command = ebgan_ad_command() + ['run', str(config), '--quick', '--skip-done', '--runs-dir', str(tmp_path / 'runs')]
    p = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0 and 'already finished' in p.stdout, p.stdout[-3000:] + p.stderr[-3000:]
    config.write_text(TINY.replace('crops_per_image: 32}', 'crops_per_image: 32, patch_size: 4096}', 1))
    p = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 1 and 'DataError' in p.stderr and 'patch size 4096' in p.stderr, p.stdout[-3000:] + p.stderr[-3000:]
    assert str(stopped / 'train_eval.ipynb') in p.stderr
    assert not {'done.json', 'metrics.json', 'model.pt', 'environment.json'} & {f.name for f in stopped.iterdir()}


def test_runner_on_your_own_folder(tmp_path):
    "`dataset: folder` runs end to end on an MVTec-layout folder, with heatmaps and pixel metrics from its masks."
    rng = np.random.default_rng(0)
    def save(path, array): path.parent.mkdir(parents=True, exist_ok=True); Image.fromarray(array).save(path)
    for i in range(4): save(tmp_path / 'mine' / 'train' / 'good' / f'{i}.png', rng.integers(0, 256, (64, 96), np.uint8))
    save(tmp_path / 'mine' / 'test' / 'good' / '0.png', rng.integers(0, 256, (64, 96), np.uint8))
    mask = np.zeros((64, 96), np.uint8); mask[10:40, 20:60] = 255
    save(tmp_path / 'mine' / 'test' / 'crack' / '0.png', np.maximum(rng.integers(0, 256, (64, 96), np.uint8), mask))
    save(tmp_path / 'mine' / 'ground_truth' / 'crack' / '0_mask.png', mask)
    config = tmp_path / 'mine.yaml'
    config.write_text(f"model: sencebgan\ndataset: folder\ndata_root: {tmp_path / 'mine'}\ndevice: cpu\n"
                      "model_config: {iters_per_epoch: 2, epochs_gan: 1, epochs_enc_g: 1, epochs_enc_r: 1, batch_size: 8, bn_recalibrate_batches: 2}\n")
    assert main(['run', str(config), '--runs-dir', str(tmp_path / 'runs')]) == 0
    run = tmp_path / 'runs' / 'mine' / '652016'
    m = json.loads((run / 'metrics.json').read_text())
    assert (m['dataset'], m['n_test'], set(m['pixel'])) == ('folder', 2 * 15, {'pixel_auroc', 'pro'})   # 3 x 5 tiles an image
    assert (run / 'heatmaps.png').is_file()
    # collected into results/: the figures with the records, or the records alone
    assert main(['collect', str(run), '--results-dir', str(tmp_path / 'results')]) == 0
    assert {'heatmaps.png', 'metrics.json'} <= {p.name for p in (tmp_path / 'results' / 'mine' / '652016').iterdir()}
    assert main(['collect', str(run), '--results-dir', str(tmp_path / 'results'), '--records-only']) == 0
    assert sorted(p.name for p in (tmp_path / 'results' / 'mine' / '652016').iterdir()) == sorted(RECORD_FILES)


@pytest.mark.skipif(os.name != 'posix', reason='sends SIGINT to a process group')
def test_ctrl_c_says_where_the_unfinished_run_is(tmp_path):
    "Ctrl-C (SIGINT to the foreground process group, as a terminal sends it) during training: one line naming the unfinished run, status 130, no kernel left."
    config = tmp_path / 'long.yaml'
    config.write_text(TINY.replace('epochs_gan: 1,', 'epochs_gan: 100000,'))   # hours of training: only Ctrl-C ends it
    folder = tmp_path / 'runs' / 'long-quick' / '652016'
    p = subprocess.Popen(ebgan_ad_command() + ['run', str(config), '--quick', '--runs-dir', str(tmp_path / 'runs')], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))   # a shell's background job inherits SIGINT ignored
    try:
        assert p.stdout.readline() == f"== long-quick seed 652016 -> {folder}\n"
        seen = []
        for line in p.stderr:                                  # the kernel's output, echoed; '\r' ends a line here too
            seen.append(line)
            if 'stage 1 (EBGAN)' in line: break                # training has started
        else: pytest.fail('the run ended before training:\n' + ''.join(seen))
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate()
    finally:
        if p.poll() is None: os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 130, err
    assert 'Traceback' not in err and err.strip().splitlines()[-1] == f"ebgan-ad run: interrupted: run long-quick seed 652016 is unfinished in {folder} (continue with --resume)", err
    assert not (folder / 'environment.json').exists()
    if Path('/proc/self/environ').is_file():                   # Linux: no kernel of this run is alive
        def environ(pid_dir):
            try: return (pid_dir / 'environ').read_bytes()
            except OSError: return b''
        kernels = [d.name for d in Path('/proc').iterdir() if d.name.isdigit() and f'JPY_PARENT_PID={p.pid}\0'.encode() in environ(d)]
        assert kernels == []
