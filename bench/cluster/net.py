"""The hosts of the cluster check as network namespaces on one machine, joined by a bridge in a private subnet.

Each host is a namespace with one veth link to the bridge `sc-br0` (10.77.0.1 in the machine's own namespace, where
the check and its load client run). Nothing is routed beyond the subnet: traffic stays between these namespaces
(and 127.0.0.1 inside each). "Killing a host" is kill -9 of every process in its namespace (`ip netns pids`).
"""
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass

BRIDGE = "sc-br0"
GATEWAY = "10.77.0.1"
PREFIX = 24


@dataclass(frozen=True)
class Host:
    """A namespace with its address on the bridge."""

    name: str  # the namespace: sc-db, sc-app1, ...
    address: str

    @property
    def link(self) -> str:
        return self.name + "-l"  # the veth end left on the bridge (at most 15 characters)

    def command(self, *args: str) -> list[str]:
        """The command run inside this host's namespace."""
        return ["ip", "netns", "exec", self.name, *args]

    def pids(self) -> list[int]:
        """Every process of the host."""
        out = subprocess.run(["ip", "netns", "pids", self.name], capture_output=True, text=True, check=False)
        return [int(p) for p in out.stdout.split()]

    def kill(self) -> int:
        """kill -9 every process of the host, until none is left; how many were killed."""
        killed = 0
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return killed
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"processes of {self.name} survive kill -9: {self.pids()}")


DB = Host("sc-db", "10.77.0.10")
APP1 = Host("sc-app1", "10.77.0.21")
APP2 = Host("sc-app2", "10.77.0.22")
PROXY = Host("sc-proxy", "10.77.0.40")
HOSTS = (DB, APP1, APP2, PROXY)


def unavailable() -> str | None:
    """Why namespaces cannot be made here (None when they can)."""
    if os.geteuid() != 0:
        return "network namespaces need root (CI runs as root)"
    if shutil.which("ip") is None:
        return "iproute2's `ip` is not installed"
    probe = "sc-probe"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        return f"`ip netns add` failed: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True, check=False)
    return None


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["ip", *args], capture_output=True, text=True, check=False, timeout=20)
    if check and result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {result.stderr.strip()}")
    return result


def build() -> None:
    """Make the bridge and the hosts (after removing what a previous run may have left)."""
    tear_down()
    _ip("link", "add", BRIDGE, "type", "bridge")
    _ip("addr", "add", f"{GATEWAY}/{PREFIX}", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")
    for host in HOSTS:
        _ip("netns", "add", host.name)
        _ip("link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", host.name)
        _ip("link", "set", host.link, "master", BRIDGE)
        _ip("link", "set", host.link, "up")
        _ip("-n", host.name, "addr", "add", f"{host.address}/{PREFIX}", "dev", "eth0")
        _ip("-n", host.name, "link", "set", "eth0", "up")
        _ip("-n", host.name, "link", "set", "lo", "up")


def tear_down() -> None:
    """Kill every process of the hosts and remove them and the bridge; safe to call twice."""
    existing = set(_ip("netns", "list", check=False).stdout.split())
    for host in HOSTS:
        if host.name in existing:
            host.kill()
            _ip("netns", "del", host.name, check=False)
        _ip("link", "del", host.link, check=False)  # gone with its peer, unless the namespace never got it
    _ip("link", "del", BRIDGE, check=False)
