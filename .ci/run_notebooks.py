"""Execute notebooks in place so that readers see their outputs (figures, tables), then clean them with nbdev_clean.

    python .ci/run_notebooks.py                 # every nbs/*.ipynb (slow cells included)
    python .ci/run_notebooks.py 00_data 08_detector

Leave MPLBACKEND unset: with MPLBACKEND=Agg the kernels would not capture matplotlib figures as outputs.
"""
import subprocess, sys, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / 'nbs'


def as_terminal_shows(text: str) -> str:
    "What a terminal leaves of `text`: each '\\r' (tqdm's redraw) wipes its line, so a progress bar keeps only its last state."
    return '\n'.join(line.rstrip('\r').rsplit('\r', 1)[-1] for line in text.replace('\r\n', '\n').split('\n'))


def tidy_streams(nb):
    "Merge each cell's consecutive stdout/stderr outputs into one and keep what a terminal would show (one line per progress bar, not hundreds)."
    for cell in nb.cells:
        outs = []
        for o in cell.get('outputs', []):
            if o.output_type == 'stream' and outs and outs[-1].output_type == 'stream' and outs[-1].name == o.name:
                outs[-1].text += o.text
            else: outs.append(o)
        for o in outs:
            if o.output_type == 'stream': o.text = as_terminal_shows(o.text)
        if 'outputs' in cell: cell.outputs = outs
    return nb


def run(path: Path):
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=3600, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    nbformat.write(tidy_streams(nb), path)
    print(f'{path.name}: {time.perf_counter() - t0:.0f} s', flush=True)


if __name__ == '__main__':
    names = sys.argv[1:]
    paths = [NBS / f'{n}.ipynb' for n in names] if names else sorted(p for p in NBS.glob('*.ipynb') if p.name != 'index.ipynb')
    for p in paths:
        run(p)
        subprocess.run([str(Path(sys.executable).parent / 'nbdev_clean'), '--fname', str(p)], cwd=ROOT, check=True)
