"""The notebooks' saved outputs read as a terminal shows them: a progress bar is one line, not one output per redraw."""
import json
from pathlib import Path

from ebgan_ad.collect import tidy_streams

ROOT = Path(__file__).resolve().parent.parent


def _streams(nb):
    return [(o['name'], ''.join(o['text'])) for c in nb['cells'] for o in c.get('outputs', []) if o.get('output_type') == 'stream']


def test_committed_notebooks_are_tidy():
    "`.ci/run_notebooks.py` tidies what it executes (`tidy_streams`); a notebook saved another way must be tidied before it is committed."
    for path in sorted((ROOT / 'nbs').rglob('*.ipynb')):
        nb = json.loads(path.read_text())
        before = _streams(nb)                  # a copy: tidy_streams changes nb in place
        assert before == _streams(tidy_streams(nb)), \
            f"{path.relative_to(ROOT)} has untidy stream outputs (one per progress-bar redraw): run .ci/run_notebooks.py on it, or tidy_streams"
