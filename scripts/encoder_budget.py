#!/usr/bin/env python3
"""Diagnostic: does SENCEBGAN's latent score A_L move towards the thesis's number when its encoders train longer?

Starts from a finished SENCEBGAN run (its model.pt holds the networks and the optimiser states), keeps stage 1 (G, D)
fixed and trains the encoders further, scoring a fixed stratified sample of the test patches after each block:

  phase A: E_G as trained by the run; E_R trained on for `--blocks` blocks of `--block` iterations.
  phase B: E_G trained on for `--blocks` blocks (A_R needs E_G only), then E_R for `--blocks` more blocks on the new codes.

This reads test labels *to describe* how the scores evolve with the budget; it selects nothing (the headline score
and the budgets of every protocol stay as they were pre-registered).

    python scripts/encoder_budget.py runs/nanotwice_sencebgan_reduced/652016 results/diagnostics/encoder_budget
"""
import argparse, sys, time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ebgan_ad.detector import Detector
from ebgan_ad.encoders import train_encoder
from ebgan_ad.config import load_config, resolve
from ebgan_ad.experiments import load_data
from ebgan_ad.provenance import environment_record
from ebgan_ad.figures import plt_subplots, save_figure
from ebgan_ad.metrics import auroc
from ebgan_ad.training import atomic_write_json, atomic_write_text

SCORES = ('latent', 'image', 'embedding', 'energy')


def stratified_sample(labels:torch.Tensor, n_normal:int, seed:int) -> torch.Tensor:
    "Indices of every anomalous test patch and `n_normal` random normal ones (AUROC is unbiased under this sampling)."
    g = torch.Generator().manual_seed(seed)
    normal, anomalous = (~labels).nonzero().squeeze(1), labels.nonzero().squeeze(1)
    return torch.cat([anomalous, normal[torch.randperm(len(normal), generator=g)[:n_normal]]])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('run', type=Path, help='a SENCEBGAN run folder holding config.yaml and model.pt')
    p.add_argument('out', type=Path, help='output path without suffix: writes OUT.json, OUT.md, OUT.png')
    p.add_argument('--block', type=int, default=1600, help='iterations between two evaluations')
    p.add_argument('--blocks', type=int, default=3, help='blocks per phase and encoder')
    p.add_argument('--n-normal', type=int, default=20000, help='normal test patches in the sample (all anomalous ones are kept)')
    a = p.parse_args(argv)
    for f in ('config.yaml', 'model.pt'):
        if not (a.run / f).is_file(): p.error(f"{a.run / f} not found: RUN must be a finished SENCEBGAN run folder")
    t_start = time.perf_counter()
    env = environment_record('cpu')
    r = resolve(load_config(a.run / 'config.yaml'))
    if r.config.model != 'sencebgan': p.error(f"{a.run} is a {r.config.model!r} run; this diagnostic needs 'sencebgan'")
    splits, _ = load_data(r)
    det = Detector.load(a.run / 'model.pt', device='cpu')
    idx = stratified_sample(splits.test_labels, a.n_normal, r.config.seed)
    x, y = splits.test[idx], splits.test_labels[idx]
    train = splits.train.to(det.device)
    done = dict(det.done)                                     # iterations per stage so far
    rows = []

    def evaluate(phase:str, note:str=''):
        s = det.score(x)
        row = dict(phase=phase, enc_g_iters=done['enc_g'], enc_r_iters=done['enc_r'], note=note,
                   **{f'auroc_{k}': round(auroc(s[k], y), 4) for k in SCORES},
                   loss_enc_g=det.history['enc_g'].epochs[-1]['loss_enc_g'],
                   loss_enc_r=det.history['enc_r'].epochs[-1]['loss_enc_r'])
        rows.append(row); print(row, flush=True)

    def train_more(stage:str):
        steps = range(done[stage], done[stage] + a.block)
        train_encoder(stage, det.model, det.optimizers[stage], train, det.cfg, det.rng, steps, det.history[stage])
        done[stage] += a.block

    evaluate('run', 'as trained by the run')
    for _ in range(a.blocks): train_more('enc_r'); evaluate('A', 'E_R trained on')
    for _ in range(a.blocks):
        train_more('enc_g'); evaluate('B', 'E_G trained on; E_R stale (fit to older codes)')
    for _ in range(a.blocks): train_more('enc_r'); evaluate('B', 'E_R trained on the new codes')

    env['wall_time_s'] = round(time.perf_counter() - t_start, 1)
    record = dict(run=str(a.run), run_config=r.config.to_dict(), block=a.block, blocks=a.blocks,
                  sample=dict(anomalous=int(y.sum()), normal=int((~y).sum()), seed=r.config.seed),
                  environment=env, rows=rows)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(record, a.out.with_suffix('.json'))
    header = '| phase | E_G iters | E_R iters | ' + ' | '.join(f'AUROC {k}' for k in SCORES) + ' | loss E_G | loss E_R | note |'
    lines = [f"## Encoder budget: {r.config.protocol} run `{a.run}`, encoders trained on",
             '', f"Test sample: all {int(y.sum())} anomalous and {int((~y).sum())} random normal patches. "
             f"Wall time {env['wall_time_s'] / 60:.0f} min on {env.get('device_name', 'cpu')}; commit {env['git']['commit'][:7]}.",
             '', header, '|' + '---|' * (header.count('|') - 1)]
    lines += [f"| {q['phase']} | {q['enc_g_iters']} | {q['enc_r_iters']} | " + ' | '.join(f"{q[f'auroc_{k}']:.3f}" for k in SCORES)
              + f" | {q['loss_enc_g']:.2f} | {q['loss_enc_r']:.2f} | {q['note']} |" for q in rows]
    atomic_write_text('\n'.join(lines) + '\n', a.out.with_suffix('.md'))
    fig, ax = plt_subplots(figsize=(6, 3.5))
    for k in SCORES: ax.plot(range(len(rows)), [q[f'auroc_{k}'] for q in rows], marker='o', label=k)
    ax.axhline(0.5, color='grey', lw=0.8, ls='--')
    ax.set_xticks(range(len(rows)), [f"{q['enc_g_iters']}/{q['enc_r_iters']}" for q in rows], rotation=45, fontsize=7)
    ax.set_xlabel('E_G / E_R iterations'); ax.set_ylabel('test AUROC (sample)'); ax.legend(fontsize=7)
    save_figure(fig, a.out.with_suffix('.png'))
    print(f"wrote {a.out.with_suffix('.json')}, .md, .png")


if __name__ == '__main__': main()
