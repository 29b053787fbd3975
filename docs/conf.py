# Sphinx settings of the site `make docs` builds from the notebooks (docs/build.py stages them into _proc/docs first).
# Everything the pages need is in _docs/ itself: MathJax is bundled, nothing is fetched at build or view time.
# Why Sphinx with myst-nb: all of it installs from PyPI; myst-nb renders notebooks from their saved outputs without a kernel;
# autodoc shows each chapter's API from the module nbdev generated; and Sphinx's search index is a script, so the search box
# works on pages opened as files (MkDocs' search fetches a JSON index, which browsers refuse on file:// pages).
import configparser
from pathlib import Path

from docutils.parsers.rst import Parser as RSTParser
from docutils.utils import new_document
from fastcore.docments import docments
from sphinx.util.docutils import SphinxDirective

_settings = configparser.ConfigParser()
_settings.read(Path(__file__).resolve().parent.parent / 'settings.ini')
_ini = _settings['DEFAULT']

project = _ini['lib_name']
author = _ini['author']
copyright = _ini['copyright']
release = version = _ini['version']

extensions = [
    'myst_nb',                   # notebooks (and their committed outputs) as pages
    'sphinx.ext.autodoc',        # the exported API: signatures and docstrings
    'sphinx.ext.viewcode',       # [source] links to the generated modules
    'sphinx-mathjax-offline',    # MathJax 3 copied into _docs/_static, so math renders offline
]
root_doc = 'index'
exclude_patterns = ['**.ipynb_checkpoints']

# The committed outputs are the page: never execute a notebook here.
nb_execution_mode = 'off'
nb_render_markdown_format = 'myst'   # markdown outputs (the results tables) need tables
myst_enable_extensions = ['dollarmath', 'amsmath']
myst_dmath_double_inline = True     # $$...$$ inside a paragraph is display math, as in Jupyter
myst_heading_anchors = 3
suppress_warnings = ['myst.header']  # notebooks may skip heading levels; harmless on the page

autodoc_member_order = 'bysource'
autodoc_typehints = 'signature'

html_theme = 'sphinx_book_theme'
html_title = project
html_last_updated_fmt = None
html_copy_source = False             # the .ipynb sources are in the repository; no _sources/ copies
html_show_sourcelink = False
html_context = {'default_mode': 'light'}   # matplotlib's white figures; an empty mode is a console error on first visit
html_theme_options = {
    'show_toc_level': 2,
    'use_download_button': False,
    'use_fullscreen_button': False,
    'home_page_in_toc': True,
}


def add_docments(app, what, name, obj, options, lines):
    "Append nbdev's docments (the inline comments beside a function's parameters) to its docstring as :param: fields."
    if what not in ('function', 'method'): return   # a dataclass's section comments would read as field docs
    try: docs = docments(obj, full=True)
    except Exception: return                        # builtins and the like have no source to read
    fields = [f':param {p}: {d["docment"]}' for p, d in docs.items() if p != 'return' and d['docment']]
    if docs.get('return', {}).get('docment'): fields.append(f':returns: {docs["return"]["docment"]}')
    if fields: lines.extend([''] + fields)


class Api(SphinxDirective):
    """A ```{api}``` block holds autodoc directives, which write rST, so it is parsed as rST.
    MyST's own eval-rst would do the same, but it first pads the text with a blank line per line of the notebook above
    (myst-nb numbers a notebook's lines in the millions): that took the build from 20 seconds to a minute."""
    has_content = True

    def run(self):
        doc = new_document(self.state.document['source'], self.state.document.settings)
        doc.reporter = self.state.document.reporter
        RSTParser().parse('\n'.join(self.content), doc)
        return doc.children


def images_outside_the_site(app):
    "myst-nb writes output images to <site>/../jupyter_execute; keep that folder under _proc/ instead of the repository's root."
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(Path(app.srcdir).parent / 'jupyter_execute'))


def setup(app):
    app.add_directive('api', Api)
    app.connect('autodoc-process-docstring', add_docments)
    app.connect('builder-inited', images_outside_the_site, priority=900)   # after myst-nb's own builder-inited
