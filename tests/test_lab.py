"""`make lab` starts JupyterLab on nbs/ with the project's kernel: the server answers on 127.0.0.1, its files are the
notebooks, its python3 kernel is .venv's python, and a kernel it starts imports ebgan_ad."""
import json, os, signal, socket, subprocess, sys, time
from pathlib import Path
from urllib.error import URLError
from urllib.request import Request, urlopen

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = 'ebgan-ad-test'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def api(port: int, path: str, method: str = 'GET', body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = Request(f'http://127.0.0.1:{port}{path}', data=data, method=method, headers={'Authorization': f'token {TOKEN}'})
    with urlopen(req, timeout=30) as r: return json.loads(r.read() or b'null')


def until(check, what: str, proc: subprocess.Popen, log: Path, patience: float = 180):
    "Poll `check` until it returns something; `patience` only keeps a broken server from hanging the suite."
    end = time.monotonic() + patience
    while time.monotonic() < end:
        assert proc.poll() is None, f'make lab exited with {proc.returncode} before {what}:\n' + log.read_text()[-3000:]
        try:
            if (found := check()): return found
        except (URLError, ConnectionError, OSError): pass
        time.sleep(0.5)
    pytest.fail(f'no {what} after {patience} s:\n' + log.read_text()[-3000:])


@pytest.fixture
def lab(tmp_path):
    port = free_port()
    env = os.environ | dict(JUPYTER_RUNTIME_DIR=str(tmp_path / 'runtime'), JUPYTER_CONFIG_DIR=str(tmp_path / 'config'))
    args = f'--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN} --ServerApp.port_retries=0'
    log = tmp_path / 'lab.log'
    with log.open('w') as out:
        proc = subprocess.Popen(['make', '-s', 'lab', f'LAB_ARGS={args}'], cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=out)
    try: yield port, proc, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)   # make and the server it started, by its own process group
            try: proc.wait(30)
            except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL)


def test_make_lab_serves_the_notebooks_with_the_project_kernel(lab):
    port, proc, log = lab
    until(lambda: api(port, '/api/status'), 'answer from JupyterLab', proc, log)
    with urlopen(f'http://127.0.0.1:{port}/lab?token={TOKEN}', timeout=30) as r:
        assert r.status == 200 and b'JupyterLab' in r.read()
    files = {f['name'] for f in api(port, '/api/contents')['content']}
    assert {'index.ipynb', '00_data.ipynb', '10_results.ipynb'} <= files     # the server's root is nbs/
    spec = api(port, '/api/kernelspecs')['kernelspecs']['python3']['spec']
    assert spec['argv'][0] == str(ROOT / '.venv' / 'bin' / 'python')   # not resolved: .venv's python links to the interpreter it was made from
    kernel = api(port, '/api/kernels', 'POST', dict(name='python3'))
    try: assert run_in_kernel(log.parent / 'runtime' / f'kernel-{kernel["id"]}.json', 'import sys, ebgan_ad; print(sys.executable)') == spec['argv'][0]
    finally: api(port, f'/api/kernels/{kernel["id"]}', 'DELETE')


def run_in_kernel(connection_file: Path, code: str) -> str:
    "What `code` prints in the kernel that `connection_file` describes, talking to it as a notebook would."
    from jupyter_client import BlockingKernelClient
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=180)
        printed = []
        reply = client.execute_interactive(code, timeout=180, output_hook=lambda m: printed.append(m['content'].get('text', '')))
        assert reply['content']['status'] == 'ok', reply['content']
        return ''.join(printed).strip()
    finally: client.stop_channels()
