"""Every reference to a section of nbs/00b_thesis.ipynb (the thesis chapter) lands on a heading of that chapter, and the
project cites nothing outside the repository in place of the chapter."""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / 'nbs' / '00b_thesis.ipynb'
REFERENCE = re.compile(r'00b_thesis\.ipynb#([A-Za-z0-9_-]+)')   # `[defect 4](00b_thesis.ipynb#defect-4)` or `nbs/00b_thesis.ipynb#defect-4`
SAME_PAGE = re.compile(r'\]\(#([A-Za-z0-9_-]+)\)')                # a link inside the chapter: `[defect 4](#defect-4)`
ANCHOR = re.compile(r'<a id="([A-Za-z0-9_-]+)"></a>')             # each section heading carries one


def project_files():
    "The files a reader of the project reads: notebooks, the library, configs, scripts, tests, READMEs and results tables."
    globs = ('nbs/**/*.ipynb', 'ebgan_ad/*.py', 'configs/*.yaml', 'scripts/*', 'tests/*.py', 'results/tables/*.md')
    files = [p for g in globs for p in ROOT.glob(g) if p.is_file()]
    return sorted(files + [ROOT / 'README.md', ROOT / 'results' / 'README.md'])


def chapter_anchors() -> set[str]:
    "The anchors of the chapter's headings (markdown lines starting with '#')."
    cells = json.loads(CHAPTER.read_text())['cells']
    lines = [l for c in cells if c['cell_type'] == 'markdown' for l in ''.join(c['source']).splitlines() if l.startswith('#')]
    return {a for l in lines for a in ANCHOR.findall(l)}


def test_chapter_has_a_heading_per_defect():
    anchors = chapter_anchors()
    assert {f'defect-{k}' for k in range(1, 19)} <= anchors
    assert {'data-protocol', 'our-protocol', 'training', 'scores', 'metrics', 'test-choices', 'reported-results', 'defects', 'ablation'} <= anchors


def test_references_to_the_chapter_resolve():
    anchors, dead = chapter_anchors(), []
    for path in project_files():
        for anchor in REFERENCE.findall(path.read_text(errors='replace')):
            if anchor not in anchors: dead.append(f'{path.relative_to(ROOT)}: #{anchor}')
    for anchor in SAME_PAGE.findall(CHAPTER.read_text()):   # sources and outputs (the defects table is an output)
        if anchor not in anchors: dead.append(f'{CHAPTER.relative_to(ROOT)}: #{anchor}')
    assert not dead, f'references to sections the chapter does not have: {dead}'


def test_no_citation_of_the_team_spec():
    "The spec the project was built from is not part of it: the project cites its own chapter instead."
    spec = 'METHOD' + '.md'                                  # spelled apart so that this file does not cite it
    section = re.compile('§' + r'\d+-\d+')                   # its defect numbering: the section sign, then e.g. 8-4
    found = [str(p.relative_to(ROOT)) for p in project_files() if spec in (t := p.read_text(errors='replace')) or section.search(t)]
    assert not found, f'{spec} or its section numbers cited in {found}: cite nbs/00b_thesis.ipynb#<section> instead'
