"""The site `make docs` builds from the notebooks (docs/build.py), checked as a reader meets it.

First the staging rules on tiny notebooks, then the built site: a page per notebook in file-name order, and the API each
chapter exports on its page. Then every page of _docs/ opened in headless Chromium: no console errors, every image loaded,
the math typeset, every local link resolving inside the site, and the search box finding pages; screenshots of the home page
and of a chapter go to _docs/screenshots/. The browser part needs Debian's chromium and chromium-driver (`.ci/run` installs
them) and is skipped, saying so, where they are missing.
"""
import ast, json, re, shutil, subprocess, sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import one_process_at_a_time

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / '_docs'
sys.path.insert(0, str(ROOT / 'docs'))
import build  # docs/build.py

# Without these flags Chromium reaches for the network (updates, sync, safe browsing) and, as root, refuses to start.
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--window-size=1400,1000']


def notebook(*cells) -> dict:
    return dict(nbformat=4, nbformat_minor=5, metadata={}, cells=[
        dict(cell_type=kind, metadata={}, source=src, **(dict(outputs=[], execution_count=None) if kind == 'code' else {}))
        for kind, src in cells])


def test_pages_are_in_file_name_order(tmp_path):
    "A new chapter (00b_thesis) takes its place by its name alone; subfolders (the experiment template) come last; checkpoints never."
    for name in ('index', '01_objectives', '00b_thesis', '00_data', '00a_datasets', 'experiments/train_eval', '.ipynb_checkpoints/00_data-checkpoint'):
        (tmp_path / f'{name}.ipynb').parent.mkdir(exist_ok=True)
        (tmp_path / f'{name}.ipynb').write_text('{}')
    order = [p.relative_to(tmp_path).as_posix() for p in build.pages(tmp_path)]
    assert order == ['index.ipynb', '00_data.ipynb', '00a_datasets.ipynb', '00b_thesis.ipynb', '01_objectives.ipynb', 'experiments/train_eval.ipynb']


def test_staging_shows_a_notebook_as_nbdev_does(tmp_path):
    "Hidden cells go, `#| export` code becomes its API, `#| exports` code stays with its API after it, links point at pages or files."
    nbs = tmp_path / 'nbs'; nbs.mkdir()
    (nbs / '01_b.ipynb').write_text('{}')
    src = nbs / '00_a.ipynb'
    src.write_text(json.dumps(notebook(
        ('code', '#| default_exp scores'),
        ('code', '#| hide\nsecret = 1'),
        ('code', '#| export\nimport torch\ndef latent_score(x): "doc"\ndef _helper(): pass'),
        ('code', '#| exports\nclass Passes:\n    def run(self): pass\n    def _private(self): pass'),
        ('code', '#| slow\n1 + 1'),
        ('markdown', 'See [B](01_b.ipynb#top), [the table](../results/tables/headline.md), ![a figure](../fig.png) and [a site](https://example.org).'))))
    stage = tmp_path / 'stage'
    staged = {p.resolve(): stage / p.name for p in (src, nbs / '01_b.ipynb')}
    cells = [(c['cell_type'], c['source']) for c in build.stage_notebook(src, stage / '00_a.ipynb', staged)['cells']]
    assert cells == [
        ('markdown', '```{api}\n.. autofunction:: ebgan_ad.scores.latent_score\n```'),
        ('code', 'class Passes:\n    def run(self): pass\n    def _private(self): pass'),
        ('markdown', '```{api}\n.. autoclass:: ebgan_ad.scores.Passes\n   :members: run\n```'),
        ('code', '1 + 1'),
        ('markdown', 'See [B](01_b.ipynb#top), [the table](path:../results/tables/headline.md), ![a figure](../fig.png) and [a site](https://example.org).')]


def test_index_links_are_relative_to_the_repository(tmp_path):
    "index.ipynb is also README.md, so its links start at the repository: `nbs/10_results.ipynb` is the page 10_results."
    stage = tmp_path / 'stage'
    staged = {(build.NBS / '10_results.ipynb').resolve(): stage / '10_results.ipynb'}
    text = build.relink('[results](nbs/10_results.ipynb), [runs](results/README.md)', build.ROOT, stage, staged)
    page, runs = re.findall(r'\]\(([^)]+)\)', text)
    assert page == '10_results.ipynb'
    assert runs.startswith('path:')   # a file, not a page: copied into the site as it is
    assert (stage / runs.removeprefix('path:')).resolve() == build.ROOT / 'results' / 'README.md'


def test_a_changed_input_changes_the_digest(tmp_path):
    "The build is skipped only when its inputs are the same: a staged page, or a file one links to, changing makes a new digest."
    page, linked = tmp_path / 'stage' / 'a.ipynb', tmp_path / 'runs.md'
    page.parent.mkdir()
    page.write_text(json.dumps(notebook(('markdown', '[runs](path:../runs.md)'))))
    linked.write_text('one run')
    assert build.linked_files(page) == [linked]
    before = build.inputs_digest([page])
    assert build.inputs_digest([page]) == before
    linked.write_text('two runs')
    assert build.inputs_digest([page]) != before


@pytest.fixture(scope='module')
def site(tmp_path_factory) -> Path:
    """The site, built from the notebooks as they are now (or left as it is when the last successful build had the same inputs);
    one test process builds it while the others wait, then find it built."""
    with one_process_at_a_time(tmp_path_factory, 'site'):
        r = subprocess.run([sys.executable, str(ROOT / 'docs' / 'build.py')], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert 'WARNING' not in r.stderr, r.stderr[-3000:]
    return SITE


def html_pages(site: Path) -> list[Path]:
    "Every page of the site; the theme's template fragments in _static/ (webpack-macros.html) are not pages."
    return sorted(p for p in site.rglob('*.html') if p.relative_to(site).parts[0] != '_static')


def test_every_notebook_has_a_page_in_reading_order(site):
    nav = (site / 'index.html').read_text()
    nav = nav[nav.index('bd-docs-nav'):]
    nav = nav[:nav.index('</nav>')]
    listed = list(dict.fromkeys(re.findall(r'href="([^"#]+\.html)"', nav)))
    expected = [p.relative_to(build.NBS).with_suffix('.html').as_posix() for p in build.pages()[1:]]
    assert listed == expected


def test_home_page_shows_the_comparison_table(site):
    "index.ipynb includes results/tables/comparison_reduced.md for README.md; the home page shows it too."
    row = re.search(r'^\| ([^|]+?) \|', (ROOT / 'results' / 'tables' / 'comparison_reduced.md').read_text().split('|---', 1)[1], re.M).group(1)
    assert f'<td><p>{row}</p></td>' in (site / 'index.html').read_text()


def public_definitions(module: Path) -> list[str]:
    "The functions and classes a generated module exports (its `__all__`), as autodoc names them."
    tree = ast.parse(module.read_text())
    public = build.module_all(module.stem)
    names = []
    for n in tree.body:
        if isinstance(n, ast.ClassDef) and n.name in public: names.append(n.name)
        if isinstance(n, ast.FunctionDef) and n.name in public and not {getattr(d, 'id', None) for d in n.decorator_list} & {'classmethod', 'staticmethod'}:
            names.append(n.name)   # a classmethod is documented on its class (AnomalyDetector.load, checked below)
    return names


def test_each_chapter_shows_the_api_it_exports(site):
    "Each function and class in a module's __all__ has its signature and docstring on the page of the notebook that exports it."
    missing = []
    for nb in build.pages()[1:]:
        module = next((build.directives(''.join(c['source'])).get('default_exp') for c in json.loads(nb.read_text())['cells']
                       if c['cell_type'] == 'code' and 'default_exp' in build.directives(''.join(c['source']))), None)
        if module is None: continue
        page = (site / nb.relative_to(build.NBS).with_suffix('.html')).read_text()
        missing += [f'{nb.name}: {name}' for name in public_definitions(ROOT / 'ebgan_ad' / f'{module}.py')
                    if f'id="ebgan_ad.{module}.{name}"' not in page]
    assert not missing, missing
    assert 'id="ebgan_ad.anomaly_detector.AnomalyDetector.load"' in (site / '02c_anomaly_detector.html').read_text()   # a classmethod attached to its class


# ---------------------------------------------------------------- in a browser

@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    chromium, chromedriver = shutil.which('chromium'), shutil.which('chromedriver')
    if not (chromium and chromedriver):
        print('\nNOTE: Chromium or ChromeDriver is missing (apt-get install chromium chromium-driver): the site was built but not opened in a browser')
        pytest.skip('needs Debian chromium and chromium-driver')
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS + [f'--user-data-dir={tmp_path_factory.mktemp("chromium")}']: options.add_argument(flag)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromedriver))
    driver.set_script_timeout(120)   # only so that a broken page cannot hang the suite
    yield driver
    driver.quit()


WAIT_FOR_IMAGES = """
const done = arguments[arguments.length - 1];
const images = [...document.images];
images.forEach(i => { i.loading = 'eager'; });
Promise.all(images.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })))
  .then(() => done(images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'))));
"""

WAIT_FOR_MATH = """
const done = arguments[arguments.length - 1];
const math = document.querySelectorAll('.math');
const report = () => {
  const raw = [...math].filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80));
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
  const text = body.textContent;
  done({raw, dollars: text.includes('$$'), delimiters: /\\\\[(\\[]/.test(text), mathjax: !!(window.MathJax && MathJax.startup)});
};
if (!math.length) report();
else if (!(window.MathJax && MathJax.startup)) done({raw: ['MathJax did not load'], dollars: false, delimiters: false, mathjax: false});
else MathJax.startup.promise.then(report, e => done({raw: [String(e)], dollars: false, delimiters: false, mathjax: true}));
"""

LOCAL_REFERENCES = """
return [...document.querySelectorAll('a[href], link[href], script[src], img[src]')].map(e => e.href || e.src)
  .filter(u => u.startsWith('file:'));
"""


def ids(page: Path, cache: dict = {}) -> set[str]:
    if page not in cache: cache[page] = set(re.findall(r'\bid="([^"]+)"', page.read_text()))
    return cache[page]


def page_problems(driver, page: Path, site: Path) -> list[str]:
    "What is wrong with one page as Chromium shows it; empty when nothing is."
    driver.get(page.as_uri())
    where = page.relative_to(site).as_posix()
    problems = [f'{where}: image not loaded: {src}' for src in driver.execute_async_script(WAIT_FOR_IMAGES)]
    math = driver.execute_async_script(WAIT_FOR_MATH)
    problems += [f'{where}: math not typeset: {m!r}' for m in math['raw']]
    if math['dollars']: problems.append(f'{where}: a raw $$ is left in the text')
    if math['delimiters']: problems.append(f'{where}: a raw \\( or \\[ is left in the text')
    for url in driver.execute_script(LOCAL_REFERENCES):
        parts = urlsplit(url)
        target = Path(unquote(parts.path))
        if not target.exists(): problems.append(f'{where}: broken link {url}')
        elif site.resolve() not in target.resolve().parents: problems.append(f'{where}: link leaves the site: {url}')
        elif parts.fragment and target.suffix == '.html' and unquote(parts.fragment) not in ids(target):
            problems.append(f'{where}: no anchor #{parts.fragment} in {target.relative_to(site)}')
    problems += [f'{where}: console {e["level"]}: {e["message"][:300]}' for e in driver.get_log('browser') if e['level'] == 'SEVERE']
    return problems


def test_every_page_in_a_browser(site, browser):
    pages = html_pages(site)
    assert len(pages) > len(build.pages())
    problems = [p for page in pages for p in page_problems(browser, page, site)]
    assert not problems, '\n'.join(problems[:50])


def test_math_is_typeset(site, browser):
    "Guards the check above: a chapter with equations has MathJax's output, so an empty page cannot pass for typeset math."
    browser.get((site / '01_objectives.html').as_uri())
    browser.execute_async_script(WAIT_FOR_MATH)
    assert browser.execute_script("return document.querySelectorAll('mjx-container').length") > 5


def test_search_finds_pages(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get((site / 'search.html').as_uri() + '?q=margin')
    summary = WebDriverWait(browser, 120).until(   # Sphinx lists the hits one by one, then says it has finished
        lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, '.search-summary') if 'finished' in e.text])
    hits = {Path(urlsplit(a.get_attribute('href')).path).name for a in browser.find_elements(By.CSS_SELECTOR, '#search-results li a')}
    assert '04_ebgan.html' in hits, (summary, hits)


def test_screenshots(site, browser):
    shots = site / 'screenshots'
    shots.mkdir(exist_ok=True)
    for name, page in (('home', 'index.html'), ('chapter', '04_ebgan.html')):
        browser.get((site / page).as_uri())
        browser.execute_async_script(WAIT_FOR_MATH)
        assert browser.save_screenshot(str(shots / f'{name}.png'))
        assert (shots / f'{name}.png').stat().st_size > 10_000   # a blank page compresses to a few hundred bytes
