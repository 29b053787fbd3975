"""Write README.md from nbs/index.ipynb (nbdev_readme needs quarto, which this project does not install).

Markdown cells are copied; nbdev's `> summary` line stays a block quote; code cells become python blocks.
A line `<!-- include: PATH -->` in a markdown cell is replaced by the file at PATH (relative to the repository), so
tables that code writes (e.g. results/tables/headline.md) appear in the README exactly as generated.
`python .ci/make_readme.py --check` exits 1 when README.md is out of date (tests/test_readme.py runs it).
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


INCLUDE = re.compile(r'^<!-- include: (\S+) -->$', re.MULTILINE)


def include(text: str) -> str:
    "Replace each include line by the file it names; a missing file is an error naming it."
    def read(m):
        path = ROOT / m.group(1)
        if not path.is_file(): sys.exit(f"nbs/index.ipynb includes {m.group(1)}, which does not exist")
        return path.read_text().strip()
    return INCLUDE.sub(read, text)


def render(nb_path=ROOT / 'nbs' / 'index.ipynb') -> str:
    cells = json.loads(Path(nb_path).read_text())['cells']
    parts = []
    for cell in cells:
        src = ''.join(cell['source']).strip()
        if not src or src.startswith('#| hide'): continue
        parts.append(include(src) if cell['cell_type'] == 'markdown' else f'```python\n{src}\n```')
    header = '<!-- generated from nbs/index.ipynb by .ci/make_readme.py; edit the notebook, not this file -->\n\n'
    return header + '\n\n'.join(parts) + '\n'


if __name__ == '__main__':
    text, readme = render(), ROOT / 'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `make readme`')
    else:
        readme.write_text(text)
