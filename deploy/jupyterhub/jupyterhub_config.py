"""JupyterHub for an AlexLab class: Debian's JupyterHub 3.0, one notebook server per student.

    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py        (as root; see README.md)

A class (the default): students log in with their accounts on this machine (PAM); each one's server
runs as that account. Try-it mode (ALEXLAB_HUB_TRY=1): any name logs in with one shared password,
and an account is made for it on first login; for trying the hub and for the load test, never for
a class on a machine that matters. Each student gets the course in ~/AlexLab (copied from the
shared copy on every start, only the files that are missing: an edited notebook is never
overwritten; delete one to get it fresh), and memory and CPU limits that are enforced (a cgroup of
its own, or a systemd scope where systemd runs the machine). Idle kernels and idle servers stop.

Settings, from the environment of the hub (defaults in brackets):
  ALEXLAB_HUB_TRY=1          try-it mode, with ALEXLAB_HUB_PASSWORD (8 characters or more)
  ALEXLAB_HUB_GROUP          only members of this group may log in [anyone with an account but root]
  ALEXLAB_HUB_ADMINS         admin users, comma separated []
  ALEXLAB_HUB_MEM_LIMIT      memory per student, all of their kernels together; 0: none [3G]
  ALEXLAB_HUB_CPU_LIMIT      cores per student; 0: none [2]
  ALEXLAB_HUB_CULL_KERNEL    seconds a kernel may stay idle, even with a tab open [3600]
  ALEXLAB_HUB_CULL_SERVER    seconds a server without kernels may stay idle [1800]
  ALEXLAB_HUB_IP, ALEXLAB_HUB_PORT   where students connect [all addresses, 8000]
  ALEXLAB_HUB_STATE          the hub's database and secrets [/var/lib/jupyterhub]
  ALEXLAB_HUB_API_TOKEN      a token with which scripts manage users and servers (the load test) []
  ALEXLAB_PREFIX             the shared copy of ./install.sh setup --system [/opt/alexlab]
"""
import math
import os
import grp
import pwd
import signal
import socket
import subprocess
import sys
import time

from jupyterhub.auth import DummyAuthenticator, LocalAuthenticator, PAMAuthenticator
from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid

c = get_config()  # noqa: F821  (JupyterHub provides it)

COURSE_FOLDER = "AlexLab"  # in each student's home
# Each student's server and kernels listen on a block of ports of their own (by uid), below the range
# the system hands out for outgoing connections. Jupyter would pick them at random from that range,
# and with a class starting at once two picks meet: that server or kernel then cannot start.
PORT_BASE = 10000
PORT_BLOCK = 25  # the server's port, then 24 for kernels: five ports each
TRY_GROUP = "alexlab-try"  # the accounts try-it mode made; only these may log in with its password


def setting(name, default):
    return os.environ.get(name, "").strip() or default


def fail(message):
    sys.exit(f"jupyterhub_config.py: error: {message}")


def number(name, default):
    text = setting(name, default)
    try:
        value = float(text)
    except ValueError:
        fail(f"{name}={text!r} is not a number")
    if value < 0:
        fail(f"{name}={text!r} is negative")
    return value


PREFIX = setting("ALEXLAB_PREFIX", "/opt/alexlab")
COURSE = os.path.join(PREFIX, "notebooks")
if not os.path.isfile(os.path.join(COURSE, "00-welcome.ipynb")):
    fail(f"no course in {COURSE}: run ./install.sh setup --system first (ALEXLAB_PREFIX names another copy)")
SINGLEUSER = os.path.join(PREFIX, "bin", "alexlab-singleuser")  # jupyterhub-singleuser, kernels on the student's ports
if not os.path.isfile(SINGLEUSER):
    fail(f"{PREFIX} is a copy from before {os.path.basename(SINGLEUSER)}: run ./install.sh setup --system again")
STATE = setting("ALEXLAB_HUB_STATE", "/var/lib/jupyterhub")
os.makedirs(STATE, mode=0o700, exist_ok=True)

# The hub, its database and secrets
c.JupyterHub.ip = setting("ALEXLAB_HUB_IP", "")
c.JupyterHub.port = int(number("ALEXLAB_HUB_PORT", "8000"))
if c.JupyterHub.ip in ("", "0.0.0.0", "::"):  # JupyterHub then reaches its own proxy by this machine's name
    try:
        socket.getaddrinfo(socket.gethostname(), c.JupyterHub.port)
    except OSError:
        fail(f"this machine's name {socket.gethostname()!r} does not resolve, and JupyterHub, listening on all "
             f"addresses, reaches its own proxy by that name: add '127.0.1.1 {socket.gethostname()}' to /etc/hosts "
             "(as Debian's installer does), or set ALEXLAB_HUB_IP to the address students connect to")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.JupyterHub.cleanup_servers = True  # a restarted hub stops the servers it left behind
# A node.js from elsewhere (NodeSource's) does not look in Debian's module folder, where the
# modules of Debian's configurable-http-proxy are.
os.environ.setdefault("NODE_PATH", "/usr/share/nodejs:/usr/lib/nodejs")

# Who logs in
c.Authenticator.blocked_users = {"root"}
c.Authenticator.admin_users = {name.strip() for name in setting("ALEXLAB_HUB_ADMINS", "").split(",") if name.strip()}
if setting("ALEXLAB_HUB_GROUP", ""):
    c.LocalAuthenticator.allowed_groups = {setting("ALEXLAB_HUB_GROUP", "")}


class TryItAuthenticator(LocalAuthenticator, DummyAuthenticator):
    """One shared password; an account on this machine for each new name (in TRY_GROUP). Accounts
    that were there before (root, the teacher's) cannot be entered with the shared password."""

    async def authenticate(self, handler, data):
        name = await super().authenticate(handler, data)
        if name:
            name = self.normalize_username(name)
            try:
                pwd.getpwnam(name)
            except KeyError:
                return name  # a new name: add_user makes its account
            try:
                made = name in grp.getgrnam(TRY_GROUP).gr_mem
            except KeyError:
                made = False
            if not made:
                self.log.warning("try-it mode: %s is an account of this machine, not one it made", name)
                return None
        return name

    def add_system_user(self, user):
        subprocess.run(["groupadd", "-f", TRY_GROUP], check=True)
        super().add_system_user(user)


if setting("ALEXLAB_HUB_TRY", "") not in ("", "0"):
    password = os.environ.get("ALEXLAB_HUB_PASSWORD", "")
    if len(password) < 8:
        fail("try-it mode (ALEXLAB_HUB_TRY=1) needs ALEXLAB_HUB_PASSWORD, 8 characters or more")
    c.JupyterHub.authenticator_class = TryItAuthenticator
    c.DummyAuthenticator.password = password
    c.LocalAuthenticator.create_system_users = True
    c.LocalAuthenticator.add_user_cmd = ["useradd", "--create-home", "-K", "HOME_MODE=0700", "--shell", "/bin/bash",
                                       "--groups", TRY_GROUP]  # homes that other students cannot read
    c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,30}$"
else:
    c.JupyterHub.authenticator_class = PAMAuthenticator

# Scripts: a service with the rights to manage users, their servers and tokens
if setting("ALEXLAB_HUB_API_TOKEN", ""):
    c.JupyterHub.services = [{"name": "alexlab-admin", "api_token": setting("ALEXLAB_HUB_API_TOKEN", "")}]
    c.JupyterHub.load_roles = [{"name": "alexlab-admin", "services": ["alexlab-admin"],
                                "scopes": ["admin:users", "admin:servers", "tokens", "list:users"]}]


def copy_course(spawner):
    """The course into ~/AlexLab, as the student (so a link in their home leads nowhere else): the
    files that are missing only, never over a student's copy."""
    name = spawner.user.name
    home = pwd.getpwnam(name).pw_dir
    script = ("import os, shutil, sys\n"
              "src, dst = sys.argv[1:]\n"
              "for root, dirs, files in os.walk(src):\n"
              "    target = os.path.join(dst, os.path.relpath(root, src))\n"
              "    os.makedirs(target, exist_ok=True)\n"
              "    for f in files:\n"
              "        if not os.path.lexists(os.path.join(target, f)):\n"
              "            shutil.copyfile(os.path.join(root, f), os.path.join(target, f))\n")
    result = subprocess.run([sys.executable, "-c", script, COURSE, os.path.join(home, COURSE_FOLDER)],
                            preexec_fn=set_user_setuid(name), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"could not copy the course into {home}/{COURSE_FOLDER} for {name}: "
                           + result.stderr.strip().splitlines()[-1])


def port_is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("", port))
            return True
        except OSError:
            return False


def port_blocks():
    """How many blocks of PORT_BLOCK ports fit between PORT_BASE and the system's range for outgoing
    connections (net.ipv4.ip_local_port_range; Debian's starts at 32768)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="utf-8") as f:
            lowest = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, (lowest - PORT_BASE) // PORT_BLOCK)


class LimitedSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with mem_limit and cpu_limit enforced, which it otherwise only passes on
    as MEM_LIMIT and CPU_LIMIT: a systemd scope where systemd runs the machine, else a cgroup of the
    student's own (v1: memory and cpu controllers; v2: memory.max and cpu.max)."""

    def limited(self):
        return bool(self.mem_limit) or bool(self.cpu_limit)

    def uses_systemd(self):
        return self.limited() and os.path.isdir("/run/systemd/system")

    def get_env(self):
        env = super().get_env()
        env["JUPYTERHUB_SINGLEUSER_APP"] = "notebook.notebookapp.NotebookApp"  # classic Notebook 6
        env["JUPYTER_PATH"] = os.path.join(PREFIX, "share", "jupyter")  # the kernelspec of that copy
        if self.kernel_ports:
            env["ALEXLAB_KERNEL_PORTS"] = "%d-%d" % self.kernel_ports  # read by alexlab-singleuser
        if self.cpu_limit and self.cpu_limit < os.cpu_count():  # ND4J's and OpenMP's thread pools
            env["OMP_NUM_THREADS"] = str(max(1, math.floor(self.cpu_limit)))
        return env

    def make_preexec_fn(self, name):
        if not self.uses_systemd():
            return super().make_preexec_fn(name)
        home = pwd.getpwnam(name).pw_dir
        return lambda: os.chdir(home)  # systemd-run makes the scope as root, then becomes the user

    kernel_ports = None

    def choose_ports(self):
        """The student's block: its first free port for the server, the ports after it for kernels.
        Where no block fits below the system's range, or the block is full, Jupyter picks as before."""
        self.port, self.kernel_ports = 0, None
        blocks = port_blocks()
        if blocks == 0:
            self.log.warning("no room for students' ports below net.ipv4.ip_local_port_range: random ports")
            return
        first = PORT_BASE + pwd.getpwnam(self.user.name).pw_uid % blocks * PORT_BLOCK
        last = first + PORT_BLOCK - 1
        self.port = next((port for port in range(first, last + 1) if port_is_free(port)), 0)
        if self.port and self.port < last:
            self.kernel_ports = (self.port + 1, last)
        self.log.info("%s: server on port %s, kernels on %s", self.user.name, self.port or "(random)",
                      "%d-%d" % self.kernel_ports if self.kernel_ports else "random ports")

    async def start(self):
        self.choose_ports()
        command = self.cmd
        if self.uses_systemd():
            user = pwd.getpwnam(self.user.name)
            properties = []
            if self.mem_limit:
                properties += ["-p", f"MemoryMax={self.mem_limit}"]
            if self.cpu_limit:
                properties += ["-p", f"CPUQuota={round(self.cpu_limit * 100)}%"]
            self.cmd = ["systemd-run", "--scope", "--quiet", f"--uid={user.pw_uid}", f"--gid={user.pw_gid}",
                        *properties, "--"] + command
        try:
            address = await super().start()
        finally:
            self.cmd = command
        if self.limited() and not self.uses_systemd():
            try:
                self.confine(self.pid)
            except OSError as e:
                os.killpg(self.pid, signal.SIGKILL)
                raise RuntimeError(f"could not enforce the limits for {self.user.name} ({e}); set "
                                   "ALEXLAB_HUB_MEM_LIMIT=0 and ALEXLAB_HUB_CPU_LIMIT=0 to run without them")
        return address

    def cgroups(self):
        """The folders of this student's cgroup, below the hub's own: {controller: path}."""
        folders = {}
        with open("/proc/self/cgroup", encoding="utf-8") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for controller in controllers.split(",") if controllers else ["unified"]:
                    root = "/sys/fs/cgroup" if controller == "unified" else f"/sys/fs/cgroup/{controller}"
                    if controller in ("memory", "cpu") or (controller == "unified" and os.path.isfile(
                            "/sys/fs/cgroup/cgroup.controllers")):
                        folders[controller] = os.path.join(root + path, "alexlab", self.user.name)
        return folders

    def confine(self, pid):
        folders = self.cgroups()
        if "unified" in folders:  # cgroup v2: the controllers must be handed down to our folders
            folder = folders["unified"]
            os.makedirs(folder, exist_ok=True)
            for parent in (os.path.dirname(os.path.dirname(folder)), os.path.dirname(folder)):
                with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
                    f.write("+memory +cpu")
            settings = {"memory.max": self.mem_limit or "max", "memory.swap.max": 0 if self.mem_limit else "max",
                        "cpu.max": f"{round(self.cpu_limit * 100000)} 100000" if self.cpu_limit else "max 100000"}
        else:
            if "memory" not in folders or "cpu" not in folders:
                raise OSError("no cgroup memory and cpu controllers under /sys/fs/cgroup")
            for folder in folders.values():
                os.makedirs(folder, exist_ok=True)
            settings = {"memory/memory.limit_in_bytes": self.mem_limit or -1,
                        "cpu/cpu.cfs_period_us": 100000,
                        "cpu/cpu.cfs_quota_us": round(self.cpu_limit * 100000) if self.cpu_limit else -1}
        for key, value in settings.items():
            controller, _, name = key.rpartition("/")
            if os.path.exists(os.path.join(folders[controller or "unified"], name)):
                with open(os.path.join(folders[controller or "unified"], name), "w") as f:
                    f.write(str(value))
        for folder in folders.values():
            with open(os.path.join(folder, "cgroup.procs"), "w") as f:
                f.write(str(pid))
        self.log.info("%s: limits in %s", self.user.name, ", ".join(folders.values()))

    async def stop(self, now=False):
        await super().stop(now=now)
        if self.limited() and not self.uses_systemd():
            self.empty_cgroups()

    def empty_cgroups(self):
        """Kernels the server left behind go with it; then the folders go."""
        for folder in self.cgroups().values():
            for _ in range(50):
                try:
                    with open(os.path.join(folder, "cgroup.procs"), encoding="utf-8") as f:
                        pids = [int(p) for p in f.read().split()]
                except OSError:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                try:
                    os.rmdir(folder)
                    break
                except OSError:
                    time.sleep(0.1)


c.JupyterHub.spawner_class = LimitedSpawner
c.Spawner.pre_spawn_hook = copy_course
c.Spawner.cmd = [sys.executable, SINGLEUSER]
c.Spawner.mem_limit = None if setting("ALEXLAB_HUB_MEM_LIMIT", "3G") == "0" else setting("ALEXLAB_HUB_MEM_LIMIT", "3G")
c.Spawner.cpu_limit = number("ALEXLAB_HUB_CPU_LIMIT", "2") or None
c.Spawner.default_url = "/tree/" + COURSE_FOLDER
c.Spawner.disable_user_config = True  # the limits and culling are the class's, not a student's ~/.jupyter
c.Spawner.start_timeout = 300  # a whole class logging in at once on a few cores
c.Spawner.http_timeout = 180
c.LocalProcessSpawner.interrupt_timeout = 30  # a server stops its kernels first, slowly on a busy machine
c.Spawner.args = [
    "--MappingKernelManager.default_kernel_name=alexlab",
    f"--MappingKernelManager.cull_idle_timeout={int(number('ALEXLAB_HUB_CULL_KERNEL', '3600'))}",
    "--MappingKernelManager.cull_interval=120",
    "--MappingKernelManager.cull_connected=True",  # an open tab left for the day holds a kernel otherwise
    f"--NotebookApp.shutdown_no_activity_timeout={int(number('ALEXLAB_HUB_CULL_SERVER', '1800'))}",
]
