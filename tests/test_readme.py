"""README.md is generated from nbs/index.ipynb and must be current."""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_is_generated_from_index():
    r = subprocess.run([sys.executable, str(ROOT / '.ci' / 'make_readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_readme_starts_with_the_two_commands():
    text = (ROOT / 'README.md').read_text()
    assert text.index('make experiment') < text.index('make test') < text.index('## Use it in your own code')
