#!/usr/bin/env python3
"""Diagnostic: what do SENCEBGAN's test-patch scores respond to, and why does the latent score rank below chance?

For each finished SENCEBGAN run given, scores every anomalous test patch and a fixed random sample of normal ones, and
reports the AUROC of the pre-registered latent score A_L = ‖E_G(x) − E_R(G(E_G(x)))‖ beside quantities that explain it:

  code length      ‖E_G(x)‖, the length of the code A_L measures a difference of;
  latent/length    A_L / ‖E_G(x)‖, the same difference relative to the code's length (not a pre-registered score);
  energy           stage 1's ‖Dec(Enc(x)) − x‖, for reference;
  brightness       the patch's mean intensity, and
  contrast         its standard deviation: two statistics of the pixels alone, no model.

On the validation normals it also gives Spearman's rank correlation of A_L and of the code length with the contrast.
This reads test labels *to describe* the scores; it selects nothing (the headline score and every setting stay as
they were pre-registered).

    python scripts/score_factors.py runs/nanotwice_sencebgan-quick/652016 [...] results/diagnostics/score_factors
"""
import argparse, sys, time
from pathlib import Path

import torch
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ebgan_ad.detector import Detector
from ebgan_ad.config import load_config, resolve
from ebgan_ad.experiments import load_data
from ebgan_ad.provenance import environment_record
from ebgan_ad.metrics import auroc
from ebgan_ad.results import mean_std, fmt
from ebgan_ad.scores import forward_passes, latent_score, energy_score, per_sample_norm
from ebgan_ad.training import atomic_write_json, atomic_write_text
from encoder_budget import stratified_sample

COLUMNS = dict(latent='A_L (headline)', code_length='code length', latent_relative='A_L / code length', energy='energy',
               brightness='brightness', contrast='contrast')


@torch.no_grad()
def factors(nets, x:torch.Tensor, batch_size:int=4096) -> dict[str, torch.Tensor]:
    "Each quantity of COLUMNS for every patch of `x` (model range), computed batch by batch."
    out = {k: [] for k in COLUMNS}
    for b in x.split(batch_size):
        p = forward_passes(nets, b)
        latent, length = latent_score(p), per_sample_norm(p.z)
        for k, v in dict(latent=latent, code_length=length, latent_relative=latent / length.clamp_min(1e-8), energy=energy_score(p),
                         brightness=b.flatten(1).mean(1), contrast=b.flatten(1).std(1)).items():
            out[k].append(v)
    return {k: torch.cat(v) for k, v in out.items()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('runs', type=Path, nargs='+', help='SENCEBGAN run folders holding config.yaml and model.pt')
    p.add_argument('out', type=Path, help='output path without suffix: writes OUT.json and OUT.md')
    p.add_argument('--n-normal', type=int, default=20000, help='normal test patches in the sample (all anomalous ones are kept)')
    a = p.parse_args(argv)
    t_start = time.perf_counter()
    env = environment_record('cpu')
    rows = []
    for run in a.runs:
        for f in ('config.yaml', 'model.pt'):
            if not (run / f).is_file(): p.error(f"{run / f} not found: each RUN must be a finished SENCEBGAN run folder")
        r = resolve(load_config(run / 'config.yaml'))
        if r.config.model != 'sencebgan': p.error(f"{run} is a {r.config.model!r} run; this diagnostic needs 'sencebgan'")
        splits, _ = load_data(r)
        det = Detector.load(run / 'model.pt', device='cpu')
        nets = det.model.inference_nets(det.cfg.use_ema)
        idx = stratified_sample(splits.test_labels, a.n_normal, r.config.seed)
        y = splits.test_labels[idx]
        test, val = factors(nets, splits.test[idx]), factors(nets, splits.val)
        row = dict(run=str(run), seed=r.config.seed, protocol=r.protocol, anomalous=int(y.sum()), normal=int((~y).sum()),
                   **{f'auroc_{k}': round(auroc(v, y), 4) for k, v in test.items()},
                   **{f'mean_normal_{k}': round(float(v[~y].mean()), 4) for k, v in test.items()},
                   **{f'mean_anomalous_{k}': round(float(v[y].mean()), 4) for k, v in test.items()},
                   val_spearman_latent_contrast=round(float(spearmanr(val['latent'], val['contrast'])[0]), 4),
                   val_spearman_length_contrast=round(float(spearmanr(val['code_length'], val['contrast'])[0]), 4))
        rows.append(row); print(row, flush=True)

    pixels, labels = splits.test.flatten(1), splits.test_labels          # every test patch of the last run's split
    whole = dict(patches=len(labels), anomalous=int(labels.sum()),
                 auroc_brightness=round(auroc(pixels.mean(1), labels), 4), auroc_contrast=round(auroc(pixels.std(1), labels), 4))
    env['wall_time_s'] = round(time.perf_counter() - t_start, 1)
    atomic_write_json(dict(runs=[str(r) for r in a.runs], n_normal=a.n_normal, environment=env, rows=rows, whole_test_set=whole),
                      a.out.with_suffix('.json'))
    cell = lambda key: fmt(mean_std([q[key] for q in rows]))
    lines = [f"## What the scores respond to: {len(rows)} SENCEBGAN run(s), {rows[0]['protocol']} protocol",
             '', f"Test sample per run: all {rows[0]['anomalous']} anomalous and {rows[0]['normal']} random normal patches; "
             f"mean ± std over the runs' seeds ({', '.join(str(q['seed']) for q in rows)}). Pixels as the model sees them "
             f"(input_norm {r.model_config.input_norm}). "
             f"Wall time {env['wall_time_s'] / 60:.0f} min on {env.get('device_name', 'cpu')}; commit {env['git']['commit'][:7]}.",
             '', 'Runs: ' + ', '.join(f"`{run.parent.name}/{run.name}`" for run in a.runs) + '.',
             '', '| quantity | AUROC | mean, normal test | mean, anomalous test |', '|---|---|---|---|']
    lines += [f"| {name} | {cell(f'auroc_{k}')} | {cell(f'mean_normal_{k}')} | {cell(f'mean_anomalous_{k}')} |" for k, name in COLUMNS.items()]
    lines += ['', f"Spearman's rank correlation on the validation normals: A_L with contrast {cell('val_spearman_latent_contrast')}, "
              f"code length with contrast {cell('val_spearman_length_contrast')}.",
              '', f"Over the whole test set ({whole['patches']} patches, {whole['anomalous']} anomalous), the pixels alone rank "
              f"anomalous patches with an AUROC of {whole['auroc_brightness']:.3f} by brightness and {whole['auroc_contrast']:.3f} by contrast."]
    atomic_write_text('\n'.join(lines) + '\n', a.out.with_suffix('.md'))
    print(f"wrote {a.out.with_suffix('.json')}, .md")


if __name__ == '__main__': main()
