"""The notebooks' saved outputs read as a terminal would show them: a progress bar is one line, not one output per redraw."""
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / '.ci'))
from run_notebooks import as_terminal_shows, tidy_streams


def test_a_progress_bar_keeps_its_last_state():
    assert as_terminal_shows('\rfit   0%\rfit  50%\rfit 100%\n\rscore 1/2\r') == 'fit 100%\nscore 1/2'
    assert as_terminal_shows('done\r\n') == 'done\n'
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output('stream', name='stderr', text='\rfit 0%'), nbformat.v4.new_output('stream', name='stderr', text='\rfit 100%\n'),
        nbformat.v4.new_output('stream', name='stdout', text='AUROC 0.7\n'), nbformat.v4.new_output('stream', name='stderr', text='\rscore 100%\n')])])
    outs = tidy_streams(nb).cells[0].outputs
    assert [(o.name, o.text) for o in outs] == [('stderr', 'fit 100%\n'), ('stdout', 'AUROC 0.7\n'), ('stderr', 'score 100%\n')]


def test_committed_notebooks_are_tidy():
    "`.ci/run_notebooks.py` tidies what it executes; a notebook saved another way must be tidied before it is committed."
    for path in sorted((ROOT / 'nbs').rglob('*.ipynb')):
        nb = nbformat.read(path, as_version=4)
        before = [(o.get('name'), o.get('text')) for c in nb.cells for o in c.get('outputs', [])]
        after = [(o.get('name'), o.get('text')) for c in tidy_streams(nb).cells for o in c.get('outputs', [])]
        assert before == after, f"{path.relative_to(ROOT)} has untidy stream outputs: run tidy_streams from .ci/run_notebooks.py on it"
