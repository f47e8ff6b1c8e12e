"""A class on JupyterHub: N students at once log in, start a kernel and run a notebook's cells.

    /usr/bin/python3 kernel/src/test/python/reliability/class_load.py [--students 20]
        [--ramp 10,20,30] [--notebook notebooks/00-welcome.ipynb] [--mem-limit 3G] [--cpu-limit 1]
        [--cell-timeout 600] [--keep-logs DIR]

As root, on this machine: this checkout's kernel goes into a temporary shared copy (as
./install.sh setup --system makes it, with a kernelspec of its own), and Debian's JupyterHub starts
on it with deploy/jupyterhub/jupyterhub_config.py in try-it mode (free ports, a temporary state
folder, an API token for this test). Each student is made through the Hub's REST API (an account of
this machine, named classload-NN), gets a token, starts a server, starts a kernel through the
server's REST API and, once every kernel answers, runs the notebook's code cells over the kernel's
websocket with execute_request messages, as a browser does, all students at once.

Prints per-kernel resident memory (VmRSS and Pss of each kernel's java process), the machine's
memory in use (MemTotal - MemAvailable) before and while the class runs, cell round trips p50/p95
while everybody runs, and every failure: an error reply (but in a cell tagged raises-exception), a
timeout, a closed websocket, a kernel outside its student's limits, a server or kernel not on the
ports the hub gave its student. Any failure makes the exit code
1. --ramp runs a class of each size in turn, stops at the first that fails and prints the largest
that held. Everything it made (servers, hub, accounts, homes, cgroups) is removed at the end, also
after a failure or Ctrl-C.
"""
import argparse
import asyncio
import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

import nbformat
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, *[os.pardir] * 5))
sys.path.insert(0, os.path.join(REPO, "kernel", "src", "main", "python"))
from run_notebooks import may_raise, plain  # noqa: E402  the notebook runner's rule for errors

CONFIG = os.path.join(REPO, "deploy", "jupyterhub", "jupyterhub_config.py")
USER_PREFIX = "classload-"
TRY_GROUP = "alexlab-try"  # jupyterhub_config.py's group of try-it accounts
PROBE = ('Runtime.getRuntime().availableProcessors() + " processors, max heap "'
         ' + Runtime.getRuntime().maxMemory() / 1048576 + " MiB, OMP_NUM_THREADS="'
         ' + System.getenv("OMP_NUM_THREADS")')


def say(text):
    print(text, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def meminfo_used_mib():
    fields = {}
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            key, value = line.split(":", 1)
            fields[key] = int(value.split()[0])
    return (fields["MemTotal"] - fields["MemAvailable"]) / 1024


def process_memory_mib(pid):
    """(VmRSS, Pss) of a process in MiB."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
        pss = next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
    return rss / 1024, pss / 1024


def pid_with(fragment):
    """The process whose command line holds fragment (a kernel's connection file), or None."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if fragment.encode() in f.read():
                        return int(entry)
            except OSError:
                pass
    return None


def on_own_ports(kernel_pid, server_pid):
    """True if the student's server and kernel listen on the ports the hub gave that student
    (ALEXLAB_KERNEL_PORTS and the server's port just below them; see deploy/jupyterhub/)."""
    with open(f"/proc/{server_pid}/environ", "rb") as f:
        env = dict(item.split("=", 1) for item in f.read().decode().split("\0") if "=" in item)
    first, _, last = env.get("ALEXLAB_KERNEL_PORTS", "0-0").partition("-")
    own = range(int(first), int(last) + 1)
    server_port = urllib.parse.urlsplit(env.get("JUPYTERHUB_SERVICE_URL", "")).port
    with open(f"/proc/{kernel_pid}/cmdline", "rb") as f:
        connection_file = next(arg.decode() for arg in f.read().split(b"\0") if arg.endswith(b".json"))
    with open(connection_file, encoding="utf-8") as f:
        info = json.load(f)
    kernel_ports = [info[key] for key in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
    return len(own) > 0 and server_port == own[0] - 1 and all(port in own for port in kernel_ports)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def decode(message):
    """A websocket frame of the notebook server: JSON text, or binary with buffers after it."""
    if isinstance(message, bytes):
        count = int.from_bytes(message[:4], "big")
        offsets = [int.from_bytes(message[4 + 4 * i:8 + 4 * i], "big") for i in range(count)]
        message = message[offsets[0]:offsets[1] if count > 1 else None].decode()
    return json.loads(message)


class Hub:
    """Debian's JupyterHub on deploy/jupyterhub/jupyterhub_config.py, try-it mode, on free ports."""

    def __init__(self, workdir, prefix, mem_limit, cpu_limit):
        self.workdir, self.token = workdir, secrets.token_hex(32)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, ALEXLAB_HUB_TRY="1", ALEXLAB_HUB_PASSWORD=secrets.token_hex(16),
                   ALEXLAB_HUB_API_TOKEN=self.token, ALEXLAB_HUB_STATE=os.path.join(workdir, "state"),
                   ALEXLAB_PREFIX=prefix, ALEXLAB_HUB_IP="127.0.0.1", ALEXLAB_HUB_PORT=str(self.port),
                   ALEXLAB_HUB_MEM_LIMIT=mem_limit, ALEXLAB_HUB_CPU_LIMIT=str(cpu_limit))
        self.log_path = os.path.join(workdir, "jupyterhub.log")
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            ["/usr/bin/jupyterhub", "-f", CONFIG, f"--JupyterHub.hub_port={free_port()}",
             f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}"],
            cwd=workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, lines=30):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops the servers and the proxy
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Student:
    def __init__(self, name):
        self.name, self.token, self.kernel_id, self.ws = name, None, None, None
        self.session = uuid.uuid4().hex
        self.latencies, self.failures, self.kernel_start, self.probe = [], [], None, ""
        self.refused = 0  # kernel requests refused right after the server came up, then tried again

    def fail(self, what):
        self.failures.append(f"{self.name}: {what}")


class ClassRun:
    def __init__(self, hub, students, cells, cell_timeout):
        self.hub, self.cells, self.cell_timeout = hub, cells, cell_timeout
        self.students = [Student(f"{USER_PREFIX}{i:02d}") for i in range(1, students + 1)]
        self.own_ports = 0  # students whose server and kernel were on their own ports
        self.http = AsyncHTTPClient(max_clients=4 * students + 10)
        self.peak_mib = 0
        self.everybody_ready = asyncio.Event()
        self.ready_count = 0

    async def api(self, method, path, body=None, token=None, timeout=300):
        request = HTTPRequest(self.hub.url + path, method=method, request_timeout=timeout,
                              headers={"Authorization": f"token {token or self.hub.token}"},
                              body=None if body is None and method == "GET" else json.dumps(body or {}),
                              allow_nonstandard_methods=True)
        response = await self.http.fetch(request)
        return json.loads(response.body) if response.body else None

    async def wait_for_hub(self, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.hub.process.poll() is not None:
                raise RuntimeError("JupyterHub stopped at once:\n" + self.hub.log_tail())
            try:
                await self.api("GET", "/hub/api/users", timeout=5)
                return
            except (HTTPClientError, OSError):
                await asyncio.sleep(0.5)
        raise RuntimeError(f"JupyterHub gave no answer in {timeout} s:\n" + self.hub.log_tail())

    async def log_in(self, s):
        """What a student's first visit does: an account, a token, a server, a kernel."""
        await self.api("POST", f"/hub/api/users/{s.name}")
        s.token = (await self.api("POST", f"/hub/api/users/{s.name}/tokens", {"note": "class load test"}))["token"]
        await self.api("POST", f"/hub/api/users/{s.name}/server")
        deadline = time.time() + 600
        while not (server := (await self.api("GET", f"/hub/api/users/{s.name}"))["servers"].get("", {})).get("ready"):
            if time.time() > deadline:
                raise RuntimeError("the server was not ready in 600 s")
            if not server:  # the hub gave up on it (its log says why, e.g. a port that was taken)
                raise RuntimeError("the server did not start: the hub gave up on it")
            await asyncio.sleep(1)
        started = time.time()
        # Right after it comes up, a server under a whole class's load may refuse a fresh token once
        # ("missing required scopes", a 404); a browser's page would load again. Counted and reported.
        for attempt in range(3):
            try:
                kernel = await self.api("POST", f"/user/{s.name}/api/kernels", {"name": "alexlab", "path": "AlexLab"},
                                        token=s.token)
                break
            except HTTPClientError as e:
                if e.code not in (403, 404) or attempt == 2:
                    raise
                s.refused += 1
                await asyncio.sleep(2)
        s.kernel_id = kernel["id"]
        ws_url = self.hub.url.replace("http", "ws") + f"/user/{s.name}/api/kernels/{s.kernel_id}/channels"
        # The server answers the handshake once the kernel answers kernel_info (or after its own 60 s):
        # a browser waits for it, so the test does too (tornado's default gives up after 20 s).
        s.ws = await websocket_connect(HTTPRequest(f"{ws_url}?session_id={s.session}", connect_timeout=600,
                                                   request_timeout=600,
                                                   headers={"Authorization": f"token {s.token}"}),
                                       max_message_size=64 << 20)
        await self.request(s, "kernel_info_request", {}, timeout=600)
        s.kernel_start = time.time() - started

    async def request(self, s, msg_type, content, timeout):
        """Sends a shell request; returns (its reply's content, seconds) once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        s.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": s.name, "session": s.session,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}))
        sent, reply, idle, outputs = time.time(), None, False, []
        while reply is None or not idle:
            left = sent + timeout - time.time()
            if left <= 0:
                raise TimeoutError(f"no {'reply' if reply is None else 'idle status'} in {timeout} s")
            try:
                frame = await asyncio.wait_for(s.ws.read_message(), left)
            except asyncio.TimeoutError:
                continue
            if frame is None:
                raise ConnectionError("the websocket closed")
            msg = decode(frame)
            if msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] in ("restarting", "dead"):
                raise ConnectionError(f"the kernel died ({msg['content']['execution_state']}): over its memory limit?")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind.endswith("_reply"):
                reply, seconds = msg["content"], time.time() - sent
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind in ("stream", "execute_result", "error"):
                outputs.append(msg["content"])
        return reply, seconds, outputs

    async def wait_for_everybody(self, s):
        """Waits for the whole class while reading the student's websocket, as a browser's page keeps
        doing: a client that stops reading answers no pings, and the server closes its connection."""
        while not self.everybody_ready.is_set():
            try:
                frame = await asyncio.wait_for(s.ws.read_message(), 1)
            except asyncio.TimeoutError:
                continue
            if frame is None:
                raise ConnectionError("the websocket closed")

    async def student(self, s):
        try:
            await self.log_in(s)
        except Exception as e:  # noqa: BLE001  any failure to start is the student's failure
            s.fail(f"logging in and starting a kernel: {type(e).__name__}: {e}")
        finally:
            self.ready_count += 1
            if self.ready_count == len(self.students):
                self.everybody_ready.set()
        if not s.failures:
            try:
                await self.wait_for_everybody(s)  # then everybody runs the notebook at once
            except (ConnectionError, WebSocketClosedError) as e:
                s.fail(f"waiting for the class: {e}")
        await self.everybody_ready.wait()
        if s.failures:
            return
        for index, cell in self.cells:
            try:
                reply, seconds, _ = await self.request(s, "execute_request", {
                    "code": cell.source, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}, self.cell_timeout)
            except (TimeoutError, ConnectionError, WebSocketClosedError) as e:
                s.fail(f"cell {index}: {e}")
                return
            s.latencies.append(seconds)
            if reply["status"] != "ok" and not may_raise(cell):
                s.fail(f"cell {index}: {reply.get('ename')}: {plain(reply.get('evalue', ''))[:200]}")
                return
            if reply["status"] == "ok" and may_raise(cell):
                s.fail(f"cell {index} is tagged raises-exception but raised nothing")
        try:
            reply, _, outputs = await self.request(s, "execute_request", {
                "code": PROBE, "silent": False, "store_history": False, "allow_stdin": False}, 120)
            s.probe = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs).strip('"')
        except (TimeoutError, ConnectionError, WebSocketClosedError) as e:
            s.fail(f"probe cell: {e}")

    async def sample_memory(self, stop):
        while not stop.is_set():
            self.peak_mib = max(self.peak_mib, meminfo_used_mib())
            try:
                await asyncio.wait_for(stop.wait(), 1)
            except asyncio.TimeoutError:
                pass

    def measure(self, limits):
        """Each kernel's memory, with every kernel alive; a kernel outside its cgroup is a failure."""
        kernels, servers = [], []
        for s in self.students:
            if s.failures or not s.kernel_id:
                continue
            pid = pid_with(f"kernel-{s.kernel_id}.json")
            if pid is None:
                s.fail("its kernel's java process was not found")
                continue
            kernels.append(process_memory_mib(pid))
            with open(f"/proc/{pid}/cgroup", encoding="utf-8") as f:
                groups = f.read()
            if limits and f"/alexlab/{s.name}" not in groups:
                s.fail(f"its kernel runs outside the student's cgroup: {groups.strip()}")
            parent = int(open(f"/proc/{pid}/stat", encoding="utf-8").read().rsplit(")", 1)[1].split()[1])
            servers.append(process_memory_mib(parent))
            if on_own_ports(pid, parent):
                self.own_ports += 1
            else:
                s.fail("its server or kernel listens outside the ports the hub gave the student")
        return kernels, servers

    async def run(self, limits):
        await self.wait_for_hub()
        stop = asyncio.Event()
        sampler = asyncio.ensure_future(self.sample_memory(stop))
        started = time.time()
        await asyncio.gather(*(self.student(s) for s in self.students))
        seconds = time.time() - started
        result = self.measure(limits)
        stop.set()
        await sampler
        return result, seconds

    async def remove_students(self):
        for s in self.students:
            if s.ws:
                s.ws.close()
            try:
                await self.api("DELETE", f"/hub/api/users/{s.name}", timeout=120)
            except (HTTPClientError, OSError):
                pass  # never made, or the hub is gone: the accounts go below anyway


def remove_accounts(names, made_group):
    """The accounts this test made: their processes, their homes, their cgroups, them."""
    uids = set()
    for name in names:
        try:
            uids.add(pwd.getpwnam(name).pw_uid)
        except KeyError:
            pass
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid in uids:
                    os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
    time.sleep(0.5)
    for name in names:
        if any(u.pw_name == name for u in pwd.getpwall()):
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(f"/tmp/hsperfdata_{name}", ignore_errors=True)  # the JVM's performance data
    for root, _, _ in os.walk("/sys/fs/cgroup", topdown=False):  # what the hub's spawner left
        if (os.path.basename(root) in names and os.path.basename(os.path.dirname(root)) == "alexlab"
                or os.path.basename(root) == "alexlab"):
            try:
                os.rmdir(root)  # an "alexlab" folder that a real hub uses is not empty: it stays
            except OSError:
                pass
    if made_group:
        subprocess.run(["groupdel", TRY_GROUP], capture_output=True)


def interrupted(*_):
    raise KeyboardInterrupt


def shared_copy(workdir):
    """This checkout's kernel as ./install.sh setup --system installs it, in workdir/alexlab."""
    prefix = os.path.join(workdir, "alexlab")
    kernels = os.path.join(workdir, "system-kernels")
    os.makedirs(kernels)
    tool = os.path.join(REPO, "kernel", "src", "main", "python", "system_install.py")
    result = subprocess.run([sys.executable, tool, "--prefix", prefix, "--kernels", kernels],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"class_load.py: error: could not make the shared copy:\n{result.stdout}{result.stderr}")
    return prefix


def report(n, students, cells, kernels, servers, own_ports, before, peak, seconds, limits):
    latencies = [x for s in students for x in s.latencies]
    failures = [f for s in students for f in s.failures]
    say(f"class of {n}: {len(kernels)} kernels ran {len(latencies)} cells in {seconds:.0f} s")
    if kernels:
        rss, pss = [k[0] for k in kernels], [k[1] for k in kernels]
        say(f"  per kernel (java, after the notebook): VmRSS median {statistics.median(rss):.0f} MiB, "
            f"max {max(rss):.0f} MiB; Pss median {statistics.median(pss):.0f} MiB, max {max(pss):.0f} MiB")
        server_rss = statistics.median(srv[0] for srv in servers)
        say(f"  per student's notebook server (python): VmRSS median {server_rss:.0f} MiB")
        own = sum(pss) + sum(srv[1] for srv in servers)
        say(f"  the class's kernels and servers together: Pss {own:.0f} MiB, {own / len(kernels):.0f} MiB a student")
    say(f"  machine memory in use (MemTotal - MemAvailable, other work on the machine included): {before:.0f} MiB "
        f"before the hub, {peak:.0f} MiB at the most while the class ran: {peak - before:.0f} MiB more")
    starts = [s.kernel_start for s in students if s.kernel_start is not None]
    if starts:
        say(f"  kernel start (request to kernel_info_reply): median {statistics.median(starts):.1f} s, "
            f"max {max(starts):.1f} s")
    if latencies:
        say(f"  cell round trip while everybody runs: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
        ran = [s for s in students if len(s.latencies) == len(cells)]
        if ran:
            by_cell = [statistics.median(s.latencies[i] for s in ran) for i in range(len(cells))]
            slowest = max(range(len(cells)), key=by_cell.__getitem__)
            say(f"  slowest cell: cell {cells[slowest][0]}, median {by_cell[slowest] * 1000:.0f} ms "
                f"({cells[slowest][1].source.splitlines()[0][:60]})")
    say(f"  ports: {own_ports} of {len(kernels)} students' server and kernel on the student's own ports")
    probes = sorted({s.probe for s in students if s.probe})
    say(f"  limits per student: {limits}; a kernel sees: {'; '.join(probes) or 'no answer'}")
    refused = sum(s.refused for s in students)
    if refused:
        say(f"  kernel requests refused once right after a server came up, then answered: {refused}")
    for failure in failures:
        say(f"  FAILED {failure}")
    say(f"  failures: {len(failures)}")
    return not failures


def one_class(n, args, prefix, workdir, cells, made):
    """Runs a class of n on a fresh hub; True if nobody failed."""
    folder = tempfile.mkdtemp(prefix=f"class-{n}-", dir=workdir)
    hub = Hub(folder, prefix, args.mem_limit, args.cpu_limit)
    run = ClassRun(hub, n, cells, args.cell_timeout)
    made.update(s.name for s in run.students)
    limits = f"memory {args.mem_limit}, {args.cpu_limit} CPU" if args.mem_limit != "0" or args.cpu_limit else "none"
    before = meminfo_used_mib()
    loop = asyncio.new_event_loop()
    try:
        (kernels, servers), seconds = loop.run_until_complete(run.run(args.mem_limit != "0" or args.cpu_limit))
        ok = report(n, run.students, cells, kernels, servers, run.own_ports, before, run.peak_mib, seconds, limits)
    except RuntimeError as e:
        say(f"class of {n}: FAILED: {e}")
        ok = False
    finally:
        try:
            loop.run_until_complete(asyncio.wait_for(run.remove_students(), 300))
        except (asyncio.TimeoutError, RuntimeError):
            pass
        loop.close()
        hub.stop()
        if args.keep_logs:
            shutil.copy(hub.log_path, os.path.join(args.keep_logs, f"jupyterhub-{n}.log"))
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20, help="how many at once (default 20)")
    parser.add_argument("--ramp", help="class sizes to try in turn, e.g. 10,20,30: stops at the first that fails")
    parser.add_argument("--notebook", default=os.path.join(REPO, "notebooks", "00-welcome.ipynb"))
    parser.add_argument("--mem-limit", default="3G", help="memory per student (default 3G; 0: none)")
    parser.add_argument("--cpu-limit", type=float, default=1, help="cores per student (default 1; 0: none)")
    parser.add_argument("--cell-timeout", type=float, default=600, help="seconds a cell may take (default 600)")
    parser.add_argument("--keep-logs", help="copy the hub's log into this folder")
    args = parser.parse_args()
    try:
        sizes = [int(n) for n in args.ramp.split(",")] if args.ramp else [args.students]
    except ValueError:
        parser.error(f"--ramp takes class sizes separated by commas, e.g. 10,20,30, not {args.ramp!r}")
    if not sizes or min(sizes) < 1 or max(sizes) > 99:
        parser.error("a class has 1 to 99 students")
    if os.geteuid() != 0:
        sys.exit("class_load.py: error: run it as root: it makes the students' accounts (./install.sh classload)")
    if not os.path.isfile("/usr/bin/jupyterhub"):
        sys.exit("class_load.py: error: no /usr/bin/jupyterhub (Debian: apt-get install jupyterhub)")
    if not os.path.isfile(args.notebook):
        sys.exit(f"class_load.py: error: no notebook {args.notebook}")
    taken = sorted(u.pw_name for u in pwd.getpwall() if u.pw_name.startswith(USER_PREFIX))
    if taken:
        sys.exit(f"class_load.py: error: accounts {', '.join(taken)} exist already: this test makes and "
                 "removes its own (userdel --remove them if an earlier run was killed)")
    if args.keep_logs:
        os.makedirs(args.keep_logs, exist_ok=True)
    nb = nbformat.read(args.notebook, as_version=4)
    cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    made_group = TRY_GROUP not in {g.gr_name for g in grp.getgrall()}
    workdir = tempfile.mkdtemp(prefix="alexlab-classload-")
    os.chmod(workdir, 0o755)  # the students' servers read the shared copy in it
    made, held, ok = set(), None, True
    signal.signal(signal.SIGTERM, interrupted)  # cleaned up as after Ctrl-C
    try:
        say(f"class load: {os.cpu_count()} cores, {meminfo_used_mib():.0f} MiB in use; "
            f"notebook {os.path.relpath(args.notebook, REPO)}, {len(cells)} code cells per student")
        prefix = shared_copy(workdir)
        for n in sizes:
            if not one_class(n, args, prefix, workdir, cells, made):
                ok = False
                break
            held = n
            remove_accounts(sorted(made), made_group=False)
    except KeyboardInterrupt:
        say("class load: interrupted")
        ok = False
    finally:
        remove_accounts(sorted(made), made_group)
        shutil.rmtree(workdir, ignore_errors=True)
    if args.ramp:
        say(f"class load: largest class that held: {held or 'none'} (tried {args.ramp})")
    say(f"class load: {'passed' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
