"""README.md is generated from nbs/index.ipynb and must be current, the numbers its prose quotes included."""
import json, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_is_generated_from_index():
    r = subprocess.run([sys.executable, str(ROOT / '.ci' / 'make_readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_readme_starts_with_what_to_run_for_what():
    "The first section says which command reads (docs), works in (lab), runs (experiment) and tests the project."
    text = (ROOT / 'README.md').read_text()
    first = text[:text.index('\n## ', text.index('\n## ') + 1)]
    assert first.index('make docs') < first.index('make lab') < first.index('make experiment') < first.index('make test'), first


def test_readme_fits_on_a_screen():
    "The long explanations live in the notebooks (the results chapter); the README is what this is, the commands, an example, the headline."
    assert (ROOT / 'README.md').stat().st_size < 10_000


def test_readme_cites_no_team_notes():
    assert "METHOD" + ".md" not in (ROOT / "README.md").read_text()   # spelled apart: this file must not cite it either


def test_prose_numbers_are_in_the_results_tables():
    "Every 'mean ± std' quoted in the prose of the README and of the results chapter appears in a table written by code, so prose cannot go stale silently."
    cells = [c for nb in ('index', '10_results') for c in json.loads((ROOT / 'nbs' / f'{nb}.ipynb').read_text())['cells']]
    prose = '\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'markdown')
    tables = '\n'.join(p.read_text() for d in ('tables', 'diagnostics') for p in sorted((ROOT / 'results' / d).glob('*.md')))
    quoted = re.findall(r'\d\.\d{3} ± \d\.\d{3}', prose)
    assert quoted, 'no mean ± std in the prose: has the pattern changed?'
    missing = [q for q in quoted if q not in tables]
    assert not missing, f"{missing} quoted in nbs/index.ipynb or nbs/10_results.ipynb but in no results/tables/*.md: run make results and update the prose"


def test_local_links_resolve():
    "Every file that README.md and results/README.md link to or show is in the repository: collecting runs with fewer figures cannot leave dead links."
    dead = []
    for page in (ROOT / 'README.md', ROOT / 'results' / 'README.md'):
        for target in re.findall(r'\]\(([^)#\s]+)\)', page.read_text()):
            if '://' not in target and not (page.parent / target).exists(): dead.append(f'{page.relative_to(ROOT)}: {target}')
    assert not dead, f'links to missing files: {dead}'


def test_results_stay_small():
    "results/ is committed, so it holds records, tables and some figures, not model files: a few MB: one set of figures per model (eight models, about 0.3 MB each), records for every seed."
    files = [p for p in (ROOT / 'results').rglob('*') if p.is_file()]
    assert not [p for p in files if p.suffix in ('.pt', '.pth', '.ckpt')], 'model files in results/'
    assert sum(p.stat().st_size for p in files) < 8_000_000, 'results/ is over 8 MB: collect sweep variants with --records-only'
