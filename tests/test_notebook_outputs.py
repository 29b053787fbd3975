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


# What a reader of the saved notebooks (on GitHub, or `make docs`) must see: `make notebooks` re-executes them all.
import ast, re

WARNING = re.compile(r'\b\w*Warning\b: ')
FIGURE = re.compile(r'plt\.subplots|plt\.figure|plt_subplots|\.imshow\(')


def _chapters():
    "The method and library chapters (not the papermill template in nbs/experiments, which each run executes)."
    return sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if p.name != 'index.ipynb')


def _code_cells(path):
    "The code cells of a notebook that are run without a GPU (a `#| gpu` cell keeps no output on a CPU-only machine)."
    for c in json.loads(path.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and not re.match(r'\s*#\|\s*gpu\b', src) and '#| eval: false' not in src: yield c, src


def _text(output) -> str:
    return ''.join(output.get('text', '')) + ''.join(output.get('data', {}).get('text/plain', '')) + ''.join(output.get('traceback', []))


def _displays_a_value(src:str) -> bool:
    "Whether the cell ends in an expression Jupyter shows: a name, tuple, dict, attribute (not a call, which may return None; not `;`-silenced)."
    lines = [l for l in src.splitlines() if not l.lstrip().startswith(('#|', '%', '!'))]
    if not lines or src.rstrip().endswith(';'): return False
    try: body = ast.parse('\n'.join(lines)).body
    except SyntaxError: return False
    return bool(body) and isinstance(body[-1], ast.Expr) and not isinstance(body[-1].value, (ast.Call, ast.Constant, ast.Await))


def test_saved_outputs_have_no_warnings_or_errors():
    for path in _chapters():
        for cell, _ in _code_cells(path):
            for o in cell.get('outputs', []):
                text = _text(o)
                assert o.get('output_type') != 'error', f"nbs/{path.name}, cell {cell['id']}: a saved error ({o.get('ename')}); re-execute it (make notebooks)"
                assert not WARNING.search(text), f"nbs/{path.name}, cell {cell['id']} shows a warning: {WARNING.search(text).group(0)}... in {text[:200]!r}"


def test_every_shown_value_and_figure_is_saved():
    "A cell that ends in a value has its output, and a chapter that draws a figure has its image: the notebooks were executed as they read."
    for path in _chapters():
        cells = list(_code_cells(path))
        for cell, src in cells:
            assert not _displays_a_value(src) or cell.get('outputs'), \
                f"nbs/{path.name}, cell {cell['id']} ends in a value but has no saved output: re-execute the notebook (make notebooks)"
        if any(FIGURE.search(src) for _, src in cells):
            assert any('image/png' in o.get('data', {}) for c, _ in cells for o in c.get('outputs', [])), \
                f"nbs/{path.name} draws figures but saves none: re-execute it (make notebooks)"


def test_the_output_checks_can_fail():
    assert _displays_a_value('x = 1\nx') and _displays_a_value('a, b') and not _displays_a_value('f(x)') and not _displays_a_value('x;')
    assert not _displays_a_value('#| export\ndef f(): pass') and _displays_a_value('#| slow\n{k: 1 for k in "ab"}')
    assert WARNING.search('/x/tqdm/auto.py:21: TqdmWarning: IProgress not found') and not WARNING.search('no warnings here')
