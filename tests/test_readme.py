"""README.md is generated from nbs/index.ipynb and must be current, the numbers its prose quotes included."""
import json, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_is_generated_from_index():
    r = subprocess.run([sys.executable, str(ROOT / '.ci' / 'make_readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_readme_starts_with_the_two_commands():
    text = (ROOT / 'README.md').read_text()
    assert text.index('make experiment') < text.index('make test') < text.index('## Use it in your own code')


def test_prose_numbers_are_in_the_results_tables():
    "Every 'mean ± std' quoted in the README's prose appears in a table written by the results code, so prose cannot go stale silently."
    cells = json.loads((ROOT / 'nbs' / 'index.ipynb').read_text())['cells']
    prose = '\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'markdown')
    tables = '\n'.join(p.read_text() for d in ('tables', 'diagnostics') for p in sorted((ROOT / 'results' / d).glob('*.md')))
    quoted = re.findall(r'\d\.\d{3} ± \d\.\d{3}', prose)
    assert quoted, 'no mean ± std in the prose: has the pattern changed?'
    missing = [q for q in quoted if q not in tables]
    assert not missing, f"{missing} quoted in nbs/index.ipynb but in no results/tables/*.md: run make results and update the prose"
