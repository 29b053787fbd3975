"""Build the site `make docs` writes to _docs/: the notebooks as pages, from their committed outputs, with nothing executed.

The pages are nbs/index.ipynb (the home page), then every other notebook of nbs/ in file-name order (00_data, 00a_..., 00b_...,
01_..., so a new chapter appears without editing a list), then the notebooks of nbs/'s subfolders (the experiment template).
Each is staged into _proc/docs/ the way nbdev shows a notebook:
- `#| hide` and `#| default_exp` cells are left out, and the `#|` lines are taken off the code shown;
- an `#| export` cell is replaced by the API it exports (signature and docstring, by autodoc); an `#| exports` cell keeps
  its code and gets its API after it;
- `<!-- include: PATH -->` lines (index.ipynb's headline table) are replaced by the file, as in README.md;
- a link to another notebook points at its page; a link to any other file of the repository points at that file, which
  Sphinx copies into the site. Links are relative to the notebook's folder, except in index.ipynb, whose links are
  relative to the repository because it is also README.md.
Then Sphinx (settings in docs/conf.py) writes _docs/. The theme changes Sphinx's settings as it loads, so Sphinx rebuilds
every page every time (20-30 s on 2 cores); instead, a build that succeeded leaves a digest of its inputs in _docs/, and the
next one with the same inputs does nothing.
"""
import ast, hashlib, importlib.util, json, os, re, sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS, STAGE, OUT = ROOT / 'nbs', ROOT / '_proc' / 'docs', ROOT / '_docs'
LIB = 'ebgan_ad'

_readme = importlib.util.spec_from_file_location('make_readme', ROOT / '.ci' / 'make_readme.py')
make_readme = importlib.util.module_from_spec(_readme); _readme.loader.exec_module(make_readme)   # its include rule


def pages(nbs: Path = NBS) -> list[Path]:
    "The notebooks of the site in reading order: index first, then nbs/*.ipynb by file name, then those of nbs/'s subfolders."
    top = sorted(p for p in nbs.glob('*.ipynb') if p.name != 'index.ipynb')
    sub = sorted(p for p in nbs.glob('*/*.ipynb') if not p.parent.name.startswith(('.', '_')))
    return [nbs / 'index.ipynb'] + top + sub


def directives(src: str) -> dict[str, str]:
    "nbdev's `#| name value` lines at the top of a cell, as {name: value}."
    found = {}
    for line in src.splitlines():
        if not line.startswith('#|'): break
        name, _, value = line[2:].strip().partition(' ')
        found[name.rstrip(':')] = value.strip()
    return found


def without_directives(src: str) -> str:
    return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip('\n')


def module_all(module: str, lib: Path = ROOT / LIB) -> set[str]:
    "The names in `__all__` of the generated module `ebgan_ad.<module>` (read, not imported)."
    path = lib / f'{module}.py'
    if not path.is_file(): return set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == '__all__' for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def api_cell(code: str, module: str) -> dict | None:
    "A markdown cell with the autodoc directive of each public function and class that `code` defines; None if it defines none."
    try: body = ast.parse(code).body
    except SyntaxError: return None
    public = module_all(module)
    lines = [directive for n in body if getattr(n, 'name', None) in public and (directive := autodoc(n, code, f'{LIB}.{module}'))]
    return markdown_cell('```{api}\n' + '\n\n'.join(lines) + '\n```') if lines else None   # autodoc writes rST


def autodoc(node: ast.stmt, code: str, module: str) -> str | None:
    "The autodoc directive for one definition: a class with the public methods of its body, a function, or a classmethod that `code` attaches to a class."
    if isinstance(node, ast.ClassDef):
        methods = [n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and not n.name.startswith('_')]
        return f'.. autoclass:: {module}.{node.name}' + (f'\n   :members: {", ".join(methods)}' if methods else '')
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)): return None
    if any(getattr(d, 'id', None) in ('classmethod', 'staticmethod') for d in node.decorator_list):
        owner = re.search(rf'(\w+)\.{node.name}\b', code)   # `Detector.load = load`: autodoc reads it as Detector's method
        return f'.. automethod:: {module}.{owner.group(1)}.{node.name}' if owner else None
    return f'.. autofunction:: {module}.{node.name}'


def markdown_cell(text: str) -> dict:
    return dict(cell_type='markdown', metadata={}, source=text)


LINK = re.compile(r'(!?)(\[[^\]]*\]\()([^)\s]+)(\))')   # [text](target) and ![alt](target)
ANCHOR = re.compile(r'^(#+ +)?<a id="([^"]+)"></a>', re.M)   # an HTML anchor at the start of a line (of a heading)


def anchors_as_targets(text: str) -> str:
    "HTML anchors (`<a id=\"x\"></a>`, which Jupyter and GitHub follow) as MyST targets `(x)=`, which Sphinx can link to."
    return ANCHOR.sub(lambda m: f"({m.group(2)})=\n{m.group(1) or ''}", text)


def relink(text: str, base: Path, staged_dir: Path, staged: dict[Path, Path]) -> str:
    """Point the relative links of markdown `text` (written relative to `base`) at the staged page of a notebook, or at the
    repository's file: an image is copied into the site; any other file (`path:`) is copied as a download, even a .md one."""
    def fix(m):
        image, opening, target, closing = m.groups()
        if re.match(r'^[a-z][a-z0-9+.-]*:|^#|^/', target): return m.group(0)   # a URL, an anchor on the page, an absolute path
        path, hash_, anchor = target.partition('#')
        real = (base / path).resolve()
        if real in staged: new = os.path.relpath(staged[real], staged_dir) + hash_ + anchor
        else: new = ('' if image else 'path:') + os.path.relpath(real, staged_dir)
        return image + opening + new + closing
    return LINK.sub(fix, text)


def stage_notebook(src: Path, dest: Path, staged: dict[Path, Path]) -> dict:
    "The notebook `src` as its page shows it (see the module's docstring)."
    nb = json.loads(src.read_text())
    base = ROOT if src == NBS / 'index.ipynb' else src.parent
    module, cells = None, []
    for cell in nb['cells']:
        text = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown':
            cells.append(markdown_cell(anchors_as_targets(relink(make_readme.include(text), base, dest.parent, staged))))
            continue
        if cell['cell_type'] != 'code': continue
        flags = directives(text)
        if 'default_exp' in flags: module = flags['default_exp']
        if 'hide' in flags or 'default_exp' in flags or not text.strip(): continue
        code = without_directives(text)
        exported = flags.get('export', flags.get('exports'))
        api = api_cell(code, exported or module) if exported is not None and (exported or module) else None
        if 'exports' in flags or exported is None:
            cells.append(cell | dict(source=code, metadata={}))
        if api: cells.append(api)
    kernel = dict(kernelspec=dict(name='python3', display_name='Python 3', language='python'),
                  language_info=dict(name='python', pygments_lexer='ipython3'))
    return dict(nb, cells=cells, metadata=kernel, nbformat=4, nbformat_minor=5)


def toctree(caption: str, docs: list[str]) -> dict:
    return markdown_cell(f'```{{toctree}}\n:hidden:\n:caption: {caption}\n\n' + '\n'.join(docs) + '\n```')


def write_if_changed(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text: path.write_text(text)


def stage(nbs: Path = NBS, stage_dir: Path = STAGE) -> list[Path]:
    "Stage every page into `stage_dir`, with the sidebar's toctree on the home page; drop staged pages whose notebook is gone."
    srcs = pages(nbs)
    staged = {p.resolve(): stage_dir / p.relative_to(nbs) for p in srcs}
    for src in srcs:
        nb = stage_notebook(src, staged[src.resolve()], staged)
        if src.name == 'index.ipynb' and src.parent == nbs:
            docs = [p.relative_to(nbs).with_suffix('').as_posix() for p in srcs[1:]]
            chapters = [d for d in docs if '/' not in d]
            templates = [d for d in docs if '/' in d]
            nb['cells'] += [toctree('Chapters', chapters)] + ([toctree('Templates', templates)] if templates else [])
        for i, cell in enumerate(nb['cells']): cell['id'] = f'cell-{i}'
        write_if_changed(staged[src.resolve()], json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    for old in stage_dir.rglob('*.ipynb'):
        if old not in staged.values(): old.unlink()
    return list(staged.values())


def linked_files(page: Path) -> list[Path]:
    "The repository files that the markdown cells of a staged page link to or show (relink's targets that are not pages)."
    text = '\n'.join(c['source'] for c in json.loads(page.read_text())['cells'] if c['cell_type'] == 'markdown')
    return [(page.parent / target.removeprefix('path:')).resolve() for image, _, target, _ in LINK.findall(text)
            if target.startswith('path:') or (image and not re.match(r'^[a-z][a-z0-9+.-]*:|^/', target))]


def inputs_digest(staged: list[Path]) -> str:
    "A digest of what the site is made of: the staged pages and the files they link, the library whose API they show, the build's code and tools."
    files = sorted(staged) + sorted({f for p in staged for f in linked_files(p)}) + sorted((ROOT / LIB).glob('*.py'))
    h = hashlib.sha256(' '.join(version(p) for p in ('sphinx', 'myst-nb', 'sphinx-book-theme', 'sphinx-mathjax-offline')).encode())
    for f in files + [ROOT / 'docs' / 'conf.py', Path(__file__).resolve()]:
        h.update(os.path.relpath(f, ROOT).encode()); h.update(f.read_bytes() if f.is_file() else b'missing')
    return h.hexdigest()


def build(out: Path = OUT) -> int:
    "Write the site to `out`; 0 when it has no warning. Nothing to do when the last successful build had the same inputs."
    from sphinx.cmd.build import build_main
    digest, done = inputs_digest(stage()), out / '.inputs-digest'
    if done.is_file() and done.read_text() == digest:
        print(f'{out.relative_to(ROOT)}/ is up to date with the notebooks')
        return 0
    done.unlink(missing_ok=True)
    # -W --keep-going: a warning (a dead link, an API that cannot be imported) fails the build, after the whole site is written
    rc = build_main(['-b', 'html', '-q', '-W', '--keep-going', '-c', str(ROOT / 'docs'), '-d', str(ROOT / '_proc' / 'doctrees'), str(STAGE), str(out)])
    if rc == 0: done.write_text(digest)
    return rc


if __name__ == '__main__':
    sys.exit(build())
