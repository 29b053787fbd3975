"""environment.yml and settings.ini must name the same pip dependencies (conda is not run here, so this is the check)."""
from configparser import ConfigParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def settings(path=ROOT / 'settings.ini'):
    cfg = ConfigParser(delimiters=['='])
    cfg.read(path, encoding='utf-8')
    return cfg['DEFAULT']


def environment(path=ROOT / 'environment.yml') -> tuple[str, set[str]]:
    "(the python pin, the pip requirements other than the editable install)"
    deps = yaml.safe_load(Path(path).read_text())['dependencies']
    python = next(d for d in deps if isinstance(d, str) and d.startswith('python'))
    pip = next(d['pip'] for d in deps if isinstance(d, dict) and 'pip' in d)
    return python, {p for p in pip if not p.startswith('-e')}


def mismatch(env_path=ROOT / 'environment.yml', settings_path=ROOT / 'settings.ini') -> list[str]:
    "What differs between the two files, as readable lines; empty when they agree."
    s = settings(settings_path)
    python, pip = environment(env_path)
    expected = set(s['requirements'].split()) | set(s['dev_requirements'].split())
    problems = [f"only in environment.yml: {p}" for p in sorted(pip - expected)]
    problems += [f"only in settings.ini: {p}" for p in sorted(expected - pip)]
    if python != f"python={s['min_python']}": problems.append(f"environment.yml pins {python}, settings.ini min_python={s['min_python']}")
    return problems


def test_environment_matches_settings():
    assert mismatch() == []


def test_mismatch_is_reported(tmp_path):
    text = (ROOT / 'environment.yml').read_text().replace('      - tqdm>=4.66\n', '').replace('python=3.11', 'python=3.12')
    (tmp_path / 'environment.yml').write_text(text)
    assert mismatch(tmp_path / 'environment.yml') == ['only in settings.ini: tqdm>=4.66',
                                                      'environment.yml pins python=3.12, settings.ini min_python=3.11']
