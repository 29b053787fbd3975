"""Execute notebooks in place so that readers see their outputs (figures, tables), then clean them with nbdev_clean.

    python .ci/run_notebooks.py                 # every nbs/*.ipynb (slow cells included; gpu cells only where CUDA is)
    python .ci/run_notebooks.py 00_data 08_detector

Leave MPLBACKEND unset: with MPLBACKEND=Agg the kernels would not capture matplotlib figures as outputs.
"""
import re, subprocess, sys, time
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient

from ebgan_ad.collect import tidy_streams   # each progress bar's last state, not one output per redraw

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / 'nbs'


def _flagged_gpu(cell) -> bool:
    return cell.cell_type == 'code' and bool(re.match(r'\s*#\|\s*gpu\b', cell.source))


def run(path: Path):
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    skipped = {} if torch.cuda.is_available() else {i: c.source for i, c in enumerate(nb.cells) if _flagged_gpu(c)}
    for i in skipped: nb.cells[i].source = '# (a #| gpu cell: not run without a GPU)'
    NotebookClient(nb, timeout=3600, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    for i, source in skipped.items(): nb.cells[i].update(source=source, outputs=[], execution_count=None)
    nbformat.write(nbformat.from_dict(tidy_streams(nb)), path)
    print(f'{path.name}: {time.perf_counter() - t0:.0f} s', flush=True)


if __name__ == '__main__':
    names = sys.argv[1:]
    paths = [NBS / f'{n}.ipynb' for n in names] if names else sorted(p for p in NBS.glob('*.ipynb') if p.name != 'index.ipynb')
    for p in paths:
        run(p)
        subprocess.run([str(Path(sys.executable).parent / 'nbdev_clean'), '--fname', str(p)], cwd=ROOT, check=True)
