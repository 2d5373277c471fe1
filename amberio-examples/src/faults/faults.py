#!/usr/bin/env python3
# Copyright 2026 The Amberio Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     https://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
"""Black-box fault tests of an Amberio cluster: real node processes and a real 3-member etcd, each in
its own network namespace, a concurrent client in the root namespace, a seeded nemesis (kill -9,
SIGSTOP, partitions, etcd loss) and a linearizability checker. See README.md beside this file.

  faults.py run --seed 1 --duration 120 --jar amberio-examples/target/amberio.jar
  faults.py check RUN_DIR        (check a recorded history again)
  faults.py cleanup              (remove every namespace, link, rule and process a run made)

Needs root, iproute2 (ip netns), iptables, etcd and java; Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # run as root from a checkout: leave no root-owned __pycache__ behind
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checker  # noqa: E402

# Everything this tool creates is named with this prefix, so that cleanup finds it after a crash.
PREFIX = "ambf"
BRIDGE = f"{PREFIX}-br0"
RULE_COMMENT = f"{PREFIX}-faults"
SUBNET = "10.77.0"
CLIENT_IP = f"{SUBNET}.1"
NODES = ["n1", "n2", "n3"]
ETCDS = ["e1", "e2", "e3"]
IPS = {"n1": f"{SUBNET}.11", "n2": f"{SUBNET}.12", "n3": f"{SUBNET}.13",
       "e1": f"{SUBNET}.21", "e2": f"{SUBNET}.22", "e3": f"{SUBNET}.23"}
HTTP_PORT = 7480
CLUSTER_PORT = 7481
STATE_FILE = "/run/amberio-faults.state"
DEFAULT_ROOT = "/tmp/amberio-faults"

FAULT_KINDS = [
    "kill",               # kill -9 one node, restart it
    "pause",              # SIGSTOP one node for longer than its lease, then SIGCONT
    "partition-peers",    # one node cut from the two other nodes (both ways); still reaches etcd
    "partition-oneway",   # packets from one node to another dropped (the other direction passes)
    "isolate",            # one node cut from every other node and every etcd member
    "etcd-kill",          # kill -9 one etcd member, restart it
    "etcd-partition",     # one node cut from every etcd member; still reaches its peers
    "etcd-minority",      # one etcd member cut from the other two (the nodes still reach it)
    "etcd-quorum",        # kill -9 two etcd members (no quorum), restart them
]


def ns(name):
    return f"{PREFIX}-{name}"


def now_wall():
    return datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]


def sh(cmd, check=True, capture=True, timeout=60):
    """Runs a command (a list), returns its stdout."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout if capture else ""


def log(msg, fh=None):
    line = f"{now_wall()} {msg}"
    print(line, flush=True)
    if fh is not None:
        fh.write(line + "\n")
        fh.flush()


# ============================================================================================
# Cleanup: everything is found by name, so it also works after the harness crashed.


def our_namespaces():
    out = sh(["ip", "netns", "list"], check=False)
    names = []
    for line in out.splitlines():
        name = line.split()[0] if line.split() else ""
        if name.startswith(PREFIX + "-"):
            names.append(name)
    return names


def our_links():
    out = sh(["ip", "-o", "link", "show"], check=False)
    names = []
    for line in out.splitlines():
        m = re.match(r"\d+:\s+([^:@\s]+)", line)
        if m and m.group(1).startswith(PREFIX + "-"):
            names.append(m.group(1))
    return names


def our_root_rules():
    """Root-namespace iptables rules carrying our comment, as `-D` argument lists."""
    rules = []
    for table in ("filter",):
        out = sh(["iptables", "-w", "-t", table, "-S"], check=False)
        for line in out.splitlines():
            if RULE_COMMENT in line and line.startswith("-A "):
                rules.append((table, line))
    return rules


def pids_in_namespace(name):
    out = sh(["ip", "netns", "pids", name], check=False)
    return [int(p) for p in out.split() if p.isdigit()]


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def kill_pid(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def cleanup(verbose=True):
    """Kills every process in our namespaces, deletes the namespaces, our links and our rules."""
    said = []
    for name in our_namespaces():
        for pid in pids_in_namespace(name):
            kill_pid(pid, signal.SIGCONT)
            kill_pid(pid, signal.SIGKILL)
            said.append(f"killed pid {pid} in {name}")
    # Processes recorded by a run (in case one left its namespace, which ours never do).
    try:
        with open(STATE_FILE) as f:
            state = json.load(f)
        for entry in state.get("pids", []):
            pid, start = entry["pid"], entry["start"]
            if proc_start_time(pid) == start and pid_alive(pid):
                kill_pid(pid, signal.SIGCONT)
                kill_pid(pid, signal.SIGKILL)
                said.append(f"killed recorded pid {pid}")
    except (FileNotFoundError, ValueError, KeyError):
        pass
    deadline = time.time() + 15
    for name in our_namespaces():
        while pids_in_namespace(name) and time.time() < deadline:
            time.sleep(0.1)
        left = pids_in_namespace(name)
        if left:
            said.append(f"WARNING: processes {left} still alive in {name}")
        sh(["ip", "netns", "del", name], check=False)
        said.append(f"deleted namespace {name}")
    for link in our_links():
        sh(["ip", "link", "del", link], check=False)
        said.append(f"deleted link {link}")
    for table, rule in our_root_rules():
        args = rule.split()
        args[0] = "-D"
        # The comment may be quoted in -S output; strip quotes for the argv form.
        args = [a.strip('"') for a in args]
        sh(["iptables", "-w", "-t", table] + args, check=False)
        said.append(f"deleted iptables rule: {rule}")
    try:
        os.unlink(STATE_FILE)
    except FileNotFoundError:
        pass
    if verbose:
        for s in said:
            print(s)
        left = our_namespaces() + our_links() + [r for _, r in our_root_rules()]
        print("cleanup: nothing left" if not left else f"cleanup: STILL PRESENT: {left}")
    return said


def proc_start_time(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (FileNotFoundError, IndexError, ValueError):
        return None


# ============================================================================================
# The topology


class Topology:
    def __init__(self, flog):
        self.flog = flog

    def up(self):
        sh(["ip", "link", "add", BRIDGE, "type", "bridge"])
        sh(["ip", "addr", "add", f"{CLIENT_IP}/24", "dev", BRIDGE])
        sh(["ip", "link", "set", BRIDGE, "up"])
        # Bridged frames pass the root namespace's FORWARD chain when br_netfilter is loaded: let
        # ours through whatever the machine's policy is.
        sh(["iptables", "-w", "-I", "FORWARD", "-i", BRIDGE, "-o", BRIDGE,
            "-m", "comment", "--comment", RULE_COMMENT, "-j", "ACCEPT"])
        for name in NODES + ETCDS:
            n = ns(name)
            host, peer = f"{PREFIX}-{name}", f"{PREFIX}-{name}-p"
            sh(["ip", "netns", "add", n])
            sh(["ip", "link", "add", host, "type", "veth", "peer", "name", peer])
            sh(["ip", "link", "set", peer, "netns", n])
            sh(["ip", "link", "set", host, "master", BRIDGE])
            sh(["ip", "link", "set", host, "up"])
            sh(["ip", "-n", n, "addr", "add", f"{IPS[name]}/24", "dev", peer])
            sh(["ip", "-n", n, "link", "set", peer, "up"])
            sh(["ip", "-n", n, "link", "set", "lo", "up"])
        log(f"topology up: bridge {BRIDGE} {CLIENT_IP}/24, namespaces "
            + ", ".join(f"{ns(x)}={IPS[x]}" for x in NODES + ETCDS), self.flog)

    # Partitions: DROP in the receiver's INPUT chain, inside the namespaces (deleted with them).
    def drop_from(self, receiver, sender_ips):
        for ip in sender_ips:
            sh(["ip", "netns", "exec", ns(receiver), "iptables", "-w", "-A", "INPUT", "-s", ip, "-j", "DROP"])

    def heal(self):
        for name in NODES + ETCDS:
            sh(["ip", "netns", "exec", ns(name), "iptables", "-w", "-F", "INPUT"], check=False)

    def rules(self):
        out = {}
        for name in NODES + ETCDS:
            r = sh(["ip", "netns", "exec", ns(name), "iptables", "-w", "-S", "INPUT"], check=False)
            out[name] = [x for x in r.splitlines() if x.startswith("-A")]
        return out


# ============================================================================================
# Processes


class Proc:
    """One etcd member or Amberio node, run inside its namespace."""

    def __init__(self, name, argv, logfile, flog, state):
        self.name = name
        self.argv = argv
        self.logfile = logfile
        self.flog = flog
        self.state = state
        self.popen = None
        self.starts = 0
        self.paused = False

    def start(self):
        with open(self.logfile, "a") as f:
            f.write(f"----- faults.py: start #{self.starts + 1} of {self.name} at {now_wall()}\n")
        out = open(self.logfile, "a")
        self.popen = subprocess.Popen(["ip", "netns", "exec", ns(self.name)] + self.argv,
                                      stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        out.close()
        self.starts += 1
        self.paused = False
        self.state.add_pid(self.popen.pid)
        return self.popen.pid

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def kill(self):
        if self.popen is None:
            return
        if self.popen.poll() is None:
            kill_pid(self.popen.pid, signal.SIGCONT)
            kill_pid(self.popen.pid, signal.SIGKILL)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log(f"WARNING: {self.name} pid {self.popen.pid} did not die within 20 s", self.flog)
        self.paused = False

    def stop(self, timeout=8):
        """SIGTERM, then SIGKILL."""
        if self.popen is None or self.popen.poll() is not None:
            return
        kill_pid(self.popen.pid, signal.SIGCONT)
        kill_pid(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def pause(self):
        kill_pid(self.popen.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self):
        kill_pid(self.popen.pid, signal.SIGCONT)
        self.paused = False


class RunState:
    """The state file cleanup reads (pids with their start times), beside the name prefix."""

    def __init__(self, workdir):
        self.lock = threading.Lock()
        self.data = {"workdir": workdir, "pids": [], "harness": os.getpid()}
        self._write()

    def add_pid(self, pid):
        with self.lock:
            for _ in range(50):
                st = proc_start_time(pid)
                if st is not None:
                    break
                time.sleep(0.01)
            self.data["pids"].append({"pid": pid, "start": st})
            self._write()

    def _write(self):
        tmp = STATE_FILE + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f)
        os.replace(tmp, STATE_FILE)


# ============================================================================================
# HTTP


def http_call(ip, method, path, body=None, timeout=10.0, connect_timeout=2.0, port=HTTP_PORT, headers=None):
    """One request on a fresh connection.

    Returns (kind, status, headers, data, error): kind is "response", "connect" (never connected:
    certainly not sent) or "io" (sent or maybe sent, no complete answer).
    """
    conn = http.client.HTTPConnection(ip, port, timeout=connect_timeout)
    try:
        try:
            conn.connect()
        except (OSError, socket.timeout) as e:
            return "connect", None, None, None, _errname(e)
        conn.sock.settimeout(timeout)
        try:
            h = {"Connection": "close"}
            if headers:
                h.update(headers)
            if body is not None:
                h["Content-Type"] = "text/plain"
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            return "response", resp.status, dict(resp.getheaders()), data, None
        except (OSError, socket.timeout, http.client.HTTPException) as e:
            return "io", None, None, None, _errname(e)
    finally:
        conn.close()


def _errname(e):
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(e, ConnectionRefusedError):
        return "refused"
    if isinstance(e, ConnectionResetError):
        return "reset"
    if isinstance(e, http.client.RemoteDisconnected):
        return "disconnected"
    if isinstance(e, BrokenPipeError):
        return "broken_pipe"
    return type(e).__name__


def error_code(data):
    try:
        return json.loads(data.decode("utf-8")).get("error", "")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return ""


def healthy(node, timeout=1.5):
    kind, status, _, _, _ = http_call(IPS[node], "GET", "/health", timeout=timeout, connect_timeout=1.0)
    return kind == "response" and status == 200


# ============================================================================================
# The recorder and the workload


class Recorder:
    def __init__(self, path, t0, slots=0):
        self.t0 = t0
        self.slots = slots
        self.lock = threading.Lock()
        self.next_id = 0
        self.ops = []
        self.fh = open(path, "w")

    def now(self):
        return time.monotonic() - self.t0

    def invoke(self, **fields):
        with self.lock:
            self.next_id += 1
            op = {"id": self.next_id, "inv": self.now(), **fields}
        if "key" in op and self.slots:
            op["slot"] = slot_of(op["key"], self.slots)
        return op

    def complete(self, op, **fields):
        op["ret"] = None if fields.get("type") == "info" else self.now()
        op["ret_seen"] = self.now()  # when the client gave up or got the answer (for statistics)
        op.update(fields)
        with self.lock:
            self.ops.append(op)
            self.fh.write(json.dumps(op) + "\n")
            self.fh.flush()

    def close(self):
        self.fh.close()


def classify_write(kind, status, data, err, f):
    """(type, code, extra) of a PUT or DELETE, from the contract.

    README.md, "The workload and how each answer is recorded", gives the reason for each line.
    """
    if kind == "connect":
        return "fail", f"connect {err}", {}  # never connected: the request was never sent
    if kind == "io":
        return "info", f"client {err}", {}  # sent or maybe sent, no answer: unknown
    code = error_code(data) if status >= 400 else ""
    label = f"{status} {code}".strip()
    if status in (200, 201):
        try:
            v = json.loads(data.decode("utf-8"))["version"]
        except (ValueError, KeyError, UnicodeDecodeError):
            return "info", f"{label} unreadable body", {}
        return "ok", label, {"version": v}
    if status == 409 and code == "version_conflict":
        try:
            latest = json.loads(data.decode("utf-8"))["latest"]
        except (ValueError, KeyError, UnicodeDecodeError):
            latest = None
        return "fail", label, {"latest": latest}  # refused at LOCK, before any byte moved
    if status == 404 and f == "delete" and code == "not_found":
        return "fail", label, {}  # the path was never written: nothing to delete
    if status == 503 and code == "unavailable":
        return "fail", label, {}  # contract: a failed write leaves nothing visible
    if status == 503 and code == "outcome_unknown":
        return "info", label, {}
    if status == 408:
        return "info", label, {}
    if 400 <= status < 500:
        return "fail", label, {}  # a refused request (unexpected here: reported as an anomaly)
    return "info", label, {}  # 500s and anything else: unknown


_CRC32C = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ (0x82F63B78 if _c & 1 else 0)
    _CRC32C.append(_c)


def slot_of(path, slots):
    """The slot of a path, as BlobPaths.slotOf computes it (CRC32C of the UTF-8 bytes)."""
    crc = 0xFFFFFFFF
    for b in path.encode("utf-8"):
        crc = (crc >> 8) ^ _CRC32C[(crc ^ b) & 0xFF]
    return (crc ^ 0xFFFFFFFF) % slots


def error_message(status, data):
    if status is None or status < 300:
        return None
    try:
        return json.loads(data.decode("utf-8")).get("message", "")[:300]
    except (ValueError, UnicodeDecodeError, AttributeError):
        return (data or b"")[:200].decode("utf-8", "replace")


def parse_value(key, data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ["garbage", repr(data[:80])]
    m = re.fullmatch(r"(.+):(\d+)", text)
    if not m or m.group(1) != key:
        return ["garbage", text[:80]]
    return ["value", int(m.group(2))]


def classify_read(kind, status, headers, data, err, key):
    if kind == "connect":
        return "fail", f"connect {err}", {}
    if kind == "io":
        return "info", f"client {err}", {}
    code = error_code(data) if status >= 400 else ""
    label = f"{status} {code}".strip()
    if status == 200:
        try:
            v = int(headers.get("X-Amberio-Version"))
        except (TypeError, ValueError):
            return "info", f"{label} without X-Amberio-Version", {}
        return "ok", label, {"version": v, "read": parse_value(key, data)}
    if status == 404 and code in ("not_found", "deleted"):
        return "ok", label, {"read": [code]}
    if status == 503:
        return "fail", label, {}
    return "info", label, {}


class Workload:
    def __init__(self, args, recorder, rng_seed, flog):
        self.args = args
        self.rec = recorder
        self.seed = rng_seed
        self.flog = flog
        self.keys = [f"k{i:02d}" for i in range(args.keys)]
        self.latest = {k: 0 for k in self.keys}  # highest version any answer showed (for cputs)
        self.latest_lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = []

    def _saw(self, key, v):
        if v is None:
            return
        with self.latest_lock:
            if v > self.latest[key]:
                self.latest[key] = v

    def put(self, node, key, cond=None, phase="run", thread=None):
        op = self.rec.invoke(key=key, f="cput" if cond is not None else "put", node=node, phase=phase,
                             thread=thread, arg=cond)
        body = f"{key}:{op['id']}".encode()
        path = f"/objects/{key}" + (f"?version={cond}" if cond is not None else "")
        kind, status, _, data, err = http_call(IPS[node], "PUT", path, body=body, timeout=self.args.client_timeout)
        t, code, extra = classify_write(kind, status, data, err, "put")
        self.rec.complete(op, type=t, code=code, msg=error_message(status, data), **extra)
        self._saw(key, extra.get("version") or extra.get("latest"))
        return op

    def delete(self, node, key, phase="run", thread=None):
        op = self.rec.invoke(key=key, f="delete", node=node, phase=phase, thread=thread)
        kind, status, _, data, err = http_call(IPS[node], "DELETE", f"/objects/{key}", timeout=self.args.client_timeout)
        t, code, extra = classify_write(kind, status, data, err, "delete")
        self.rec.complete(op, type=t, code=code, msg=error_message(status, data), **extra)
        self._saw(key, extra.get("version"))
        return op

    def get(self, node, key, version=None, phase="run", thread=None):
        op = self.rec.invoke(key=key, f="vget" if version is not None else "get", node=node, phase=phase,
                             thread=thread, arg=version)
        path = f"/objects/{key}" + (f"?version={version}" if version is not None else "")
        kind, status, headers, data, err = http_call(IPS[node], "GET", path, timeout=self.args.client_timeout)
        t, code, extra = classify_read(kind, status, headers, data, err, key)
        self.rec.complete(op, type=t, code=code, msg=error_message(status, data), **extra)
        if version is None:
            self._saw(key, extra.get("version"))
        return op

    def home(self, idx):
        """The node a client thread always uses, or None (a random node per op)."""
        mode = self.args.node_choice
        if mode == "random" or (mode == "mixed" and idx % 2 == 0):
            return None
        return NODES[(idx // (2 if mode == "mixed" else 1)) % len(NODES)]

    def client(self, idx):
        rng = random.Random(f"{self.seed}/client/{idx}")
        a = self.args
        home = self.home(idx)
        while not self.stop.is_set():
            key = rng.choice(self.keys)
            node = home or rng.choice(NODES)
            r = rng.random()
            if r < a.read_ratio:
                op = self.get(node, key, thread=idx)
            elif r < a.read_ratio + a.put_ratio:
                op = self.put(node, key, thread=idx)
            elif r < a.read_ratio + a.put_ratio + a.cput_ratio:
                with self.latest_lock:
                    want = self.latest[key] + 1
                op = self.put(node, key, cond=want, thread=idx)
            else:
                op = self.delete(node, key, thread=idx)
            if op["type"] != "ok":
                self.stop.wait(rng.uniform(0.02, 0.1))  # do not spin on a failing node
            else:
                self.stop.wait(rng.uniform(0, a.think_ms / 1000.0))

    def start(self):
        for i in range(self.args.clients):
            t = threading.Thread(target=self.client, args=(i,), name=f"client-{i}", daemon=True)
            t.start()
            self.threads.append(t)

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=self.args.client_timeout + 10)


# ============================================================================================
# The cluster


class Cluster:
    def __init__(self, args, workdir, flog, state):
        self.args = args
        self.workdir = workdir
        self.flog = flog
        self.state = state
        self.topo = Topology(flog)
        self.etcd = {}
        self.nodes = {}
        self.token = f"{PREFIX}-{secrets.token_hex(4)}"

    def etcd_argv(self, e):
        d = os.path.join(self.workdir, e)
        os.makedirs(d, exist_ok=True)
        ip = IPS[e]
        initial = ",".join(f"{x}=http://{IPS[x]}:2380" for x in ETCDS)
        return [self.args.etcd, "--name", e, "--data-dir", os.path.join(d, "data"),
                "--listen-client-urls", f"http://{ip}:2379", "--advertise-client-urls", f"http://{ip}:2379",
                "--listen-peer-urls", f"http://{ip}:2380", "--initial-advertise-peer-urls", f"http://{ip}:2380",
                "--initial-cluster", initial, "--initial-cluster-state", "new",
                "--initial-cluster-token", self.token,
                "--heartbeat-interval", "100", "--election-timeout", "1000",
                "--logger", "zap", "--log-outputs", "stderr", "--log-level", "info"]

    def node_config(self, n):
        d = os.path.join(self.workdir, n)
        os.makedirs(os.path.join(d, "data"), exist_ok=True)
        a = self.args
        cfg = {
            "nodeId": n,
            "httpListen": f"{IPS[n]}:{HTTP_PORT}",
            "clusterListen": f"{IPS[n]}:{CLUSTER_PORT}",
            "dataDirs": [os.path.join(d, "data")],
            "cluster": {
                "slots": a.slots,
                "replicationFactor": 3,
                "nodes": [{"id": x, "address": f"{IPS[x]}:{CLUSTER_PORT}"} for x in NODES],
            },
            "registry": {"etcd": [f"http://{IPS[e]}:2379" for e in ETCDS]},
            "secretFile": os.path.join(self.workdir, "cluster-secret"),
            "timings": {"leaseTtlMs": a.lease_ms, "rpcTimeoutMs": a.rpc_ms, "requestTimeoutMs": a.request_ms},
        }
        path = os.path.join(d, "node.json")
        with open(path, "w") as f:
            json.dump(cfg, f, indent=2)
        return path

    def node_argv(self, n, config):
        extra = []
        if self.args.log_level == "debug":
            extra.append(f"-Dlogback.configurationFile={os.path.join(self.workdir, 'logback-debug.xml')}")
        return (["java"] + self.args.java_opts.split() + extra
                + ["-jar", self.args.jar, "node", "--config", config, "--drain-timeout", "2s"])

    def setup(self):
        self.topo.up()
        with open(os.path.join(self.workdir, "cluster-secret"), "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        if self.args.log_level == "debug":
            with open(os.path.join(self.workdir, "logback-debug.xml"), "w") as f:
                f.write(DEBUG_LOGBACK)
        for e in ETCDS:
            self.etcd[e] = Proc(e, self.etcd_argv(e), os.path.join(self.workdir, e, "etcd.log"), self.flog, self.state)
        for n in NODES:
            cfg = self.node_config(n)
            self.nodes[n] = Proc(n, self.node_argv(n, cfg), os.path.join(self.workdir, n, "node.log"), self.flog, self.state)
        for e in ETCDS:
            self.etcd[e].start()
        if not self.wait(lambda: all(self.etcd_healthy(e) for e in ETCDS), 60):
            raise RuntimeError("etcd did not become healthy within 60 s; see the etcd logs in " + self.workdir)
        log("etcd: 3 members healthy", self.flog)
        for n in NODES:
            self.nodes[n].start()

    def etcd_healthy(self, e):
        kind, status, _, data, _ = http_call(IPS[e], "GET", "/health", port=2379, timeout=2, connect_timeout=1)
        return kind == "response" and status == 200 and b'"true"' in (data or b"")

    @staticmethod
    def wait(cond, timeout, step=0.25):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return True
            time.sleep(step)
        return cond()

    def ready(self, timeout):
        """Every node healthy and a write through each node succeeds (probe keys, not checked)."""
        deadline = time.monotonic() + timeout
        done = set()
        while time.monotonic() < deadline and len(done) < len(NODES):
            for n in NODES:
                if n in done or not healthy(n):
                    continue
                kind, status, _, _, _ = http_call(IPS[n], "PUT", f"/objects/probe/{n}", body=b"probe", timeout=8)
                if kind == "response" and status == 201:
                    done.add(n)
            time.sleep(0.25)
        return len(done) == len(NODES)

    def slots_settled(self):
        """Every node sees every slot with 3 replicas in sync and no learner."""
        for n in NODES:
            conn = http.client.HTTPConnection(IPS[n], HTTP_PORT, timeout=3)
            try:
                for s in range(self.args.slots):
                    conn.request("GET", f"/slots/{s}")
                    r = conn.getresponse()
                    body = r.read()
                    if r.status != 200:
                        return False
                    j = json.loads(body)
                    if len(j.get("inSync", [])) != 3 or j.get("learners"):
                        return False
            except (OSError, http.client.HTTPException, ValueError):
                return False
            finally:
                conn.close()
        return True

    def ensure_all_running(self):
        for e in ETCDS:
            if not self.etcd[e].alive():
                self.etcd[e].start()
            elif self.etcd[e].paused:
                self.etcd[e].resume()
        for n in NODES:
            if not self.nodes[n].alive():
                log(f"{n} is not running (exit {self.nodes[n].popen.returncode}); starting it", self.flog)
                self.nodes[n].start()
            elif self.nodes[n].paused:
                self.nodes[n].resume()

    def teardown(self):
        for n in NODES:
            if n in self.nodes:
                self.nodes[n].stop()
        for e in ETCDS:
            if e in self.etcd:
                self.etcd[e].stop()


DEBUG_LOGBACK = """<configuration>
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.eclipse.jetty" level="WARN"/>
  <logger name="io.amberio.cluster" level="DEBUG"/>
  <root level="INFO"><appender-ref ref="CONSOLE"/></root>
</configuration>
"""


# ============================================================================================
# The nemesis


class Nemesis:
    def __init__(self, args, cluster, recorder, seed, flog, faults_path):
        self.args = args
        self.c = cluster
        self.rec = recorder
        self.rng = random.Random(f"{seed}/nemesis")
        self.flog = flog
        self.faults = []
        self.fh = open(faults_path, "w")
        self.stop = threading.Event()
        self.thread = None
        self.kinds = args.faults

    def deck(self):
        """Fault kinds in a seeded random order, every kind once before any repeats."""
        while True:
            d = list(self.kinds)
            self.rng.shuffle(d)
            yield from d

    def sleep(self, s):
        return self.stop.wait(s)

    def run(self, until):
        self.sleep(self.args.quiet_start)
        deck = self.deck()
        while not self.stop.is_set() and self.rec.now() < until - self.args.min_fault_room:
            kind = next(deck)
            self.apply(kind)
            self.recover()
            self.sleep(self.rng.uniform(self.args.gap_min, self.args.gap_max))

    def record(self, fault):
        self.faults.append(fault)
        self.fh.write(json.dumps(fault) + "\n")
        self.fh.flush()

    def dur(self, lo, hi):
        return round(self.rng.uniform(lo * self.args.fault_scale, hi * self.args.fault_scale), 2)

    def apply(self, kind):
        rng = self.rng
        c = self.c
        topo = c.topo
        lease_s = self.args.lease_ms / 1000.0
        node = rng.choice(NODES)
        others = [x for x in NODES if x != node]
        fault = {"n": len(self.faults) + 1, "kind": kind}
        def begin(target, desc):
            fault.update(target=target, desc=desc, requested=self.rec.now())
            log(f"fault #{fault['n']} {kind} {target}: {desc}", self.flog)

        def effective():
            # The window starts once the fault is in place (iptables calls take ~0.1-0.3 s).
            fault.update(start=self.rec.now(), start_wall=now_wall())
        def end(extra=""):
            fault.update(heal=self.rec.now(), heal_wall=now_wall())
            log(f"fault #{fault['n']} {kind} healed after {fault['heal'] - fault['start']:.1f} s{extra}", self.flog)

        if kind == "kill":
            down = self.dur(1, 6)
            begin(node, f"kill -9 {node}, restart after {down} s")
            c.nodes[node].kill()
            effective()
            self.sleep(down)
            c.nodes[node].start()
            fault["restarted"] = node
            end()
        elif kind == "pause":
            d = max(self.dur(2 * lease_s, 5 * lease_s), 2 * lease_s)
            begin(node, f"SIGSTOP {node} for {d} s (lease {lease_s} s)")
            c.nodes[node].pause()
            effective()
            self.sleep(d)
            c.nodes[node].resume()
            end()
        elif kind == "partition-peers":
            d = self.dur(4, 12)
            begin(node, f"{node} cut from {', '.join(others)} both ways for {d} s (still reaches etcd)")
            topo.drop_from(node, [IPS[x] for x in others])
            for x in others:
                topo.drop_from(x, [IPS[node]])
            effective()
            self.sleep(d)
            topo.heal()
            end()
        elif kind == "partition-oneway":
            dst = rng.choice(others)
            d = self.dur(4, 12)
            begin(f"{node}->{dst}", f"packets from {node} to {dst} dropped for {d} s ({dst} -> {node} passes)")
            topo.drop_from(dst, [IPS[node]])
            effective()
            self.sleep(d)
            topo.heal()
            end()
        elif kind == "isolate":
            d = self.dur(4, 12)
            begin(node, f"{node} cut from every node and etcd member for {d} s (the client still reaches it)")
            topo.drop_from(node, [IPS[x] for x in others + ETCDS])
            for x in others + ETCDS:
                topo.drop_from(x, [IPS[node]])
            effective()
            self.sleep(d)
            topo.heal()
            end()
        elif kind == "etcd-kill":
            e = rng.choice(ETCDS)
            down = self.dur(2, 8)
            begin(e, f"kill -9 etcd member {e}, restart after {down} s")
            c.etcd[e].kill()
            effective()
            self.sleep(down)
            c.etcd[e].start()
            end()
        elif kind == "etcd-partition":
            d = self.dur(4, 12)
            begin(node, f"{node} cut from every etcd member for {d} s (still reaches its peers)")
            topo.drop_from(node, [IPS[e] for e in ETCDS])
            for e in ETCDS:
                topo.drop_from(e, [IPS[node]])
            effective()
            self.sleep(d)
            topo.heal()
            end()
        elif kind == "etcd-minority":
            e = rng.choice(ETCDS)
            oe = [x for x in ETCDS if x != e]
            d = self.dur(4, 12)
            begin(e, f"etcd member {e} cut from {', '.join(oe)} for {d} s (the nodes still reach it)")
            topo.drop_from(e, [IPS[x] for x in oe])
            for x in oe:
                topo.drop_from(x, [IPS[e]])
            effective()
            self.sleep(d)
            topo.heal()
            end()
        elif kind == "etcd-quorum":
            es = rng.sample(ETCDS, 2)
            down = self.dur(2, 6)
            begin(",".join(es), f"kill -9 etcd members {', '.join(es)} (no quorum), restart after {down} s")
            for e in es:
                c.etcd[e].kill()
            effective()
            self.sleep(down)
            for e in es:
                c.etcd[e].start()
            end()
        else:
            raise ValueError(kind)
        self.current = fault

    def recover(self):
        """Waits until every node is healthy again (at most --recovery-cap s) and notes when."""
        fault = self.current
        t_heal = fault["heal"]
        first = {}
        deadline = time.monotonic() + self.args.recovery_cap
        while time.monotonic() < deadline and not self.stop.is_set():
            for n in NODES:
                if n not in first and healthy(n, timeout=1.0):
                    first[n] = round(self.rec.now() - t_heal, 2)
            if len(first) == len(NODES):
                break
            time.sleep(0.25)
        fault["healthy_after"] = first
        fault["all_healthy_after"] = max(first.values()) if len(first) == len(NODES) else None
        if len(first) < len(NODES):
            # Not "never": how long it was watched. The run's end stops the watch early (a node
            # restarted late in the run is still starting), so say which.
            fault["unhealthy_watched"] = round(self.rec.now() - t_heal, 2)
            fault["unhealthy_watch_cut"] = self.stop.is_set()
        self.record(fault)
        log(f"fault #{fault['n']}: nodes healthy after heal: "
            + ", ".join(f"{n} +{first[n]}s" if n in first else f"{n} {not_healthy_yet(fault)}" for n in NODES),
            self.flog)

    def start(self, until):
        self.thread = threading.Thread(target=self.run, args=(until,), name="nemesis", daemon=True)
        self.thread.start()

    def join(self):
        self.stop.set()
        if self.thread:
            self.thread.join(timeout=120)
        self.fh.close()


def not_healthy_yet(fault):
    """How a node that did not answer /health 200 after a fault's heal is reported."""
    w = fault.get("unhealthy_watched")
    if w is None:  # a run recorded before this field existed
        return "never"
    if fault.get("unhealthy_watch_cut"):
        return f"not yet at +{w} (the run ended; watch cut short)"
    return f"not within +{w} (--recovery-cap)"


# ============================================================================================
# Stall watchdog: a key that takes no write for long although writes to it keep failing


class Watchdog:
    def __init__(self, args, rec, workload, workdir, flog):
        self.args = args
        self.rec = rec
        self.w = workload
        self.workdir = workdir
        self.flog = flog
        self.stop = threading.Event()
        self.dumped = {}
        self.stalls = []

    def run(self):
        while not self.stop.wait(5):
            now = self.rec.now()
            with self.rec.lock:
                ops = list(self.rec.ops)
            for key in self.w.keys:
                writes = [o for o in ops if o["key"] == key and o["f"] != "get" and o.get("phase") == "run"]
                oks = [o["ret"] for o in writes if o["type"] == "ok"]
                last = max(oks) if oks else 0.0
                failed = [o for o in writes if o["type"] != "ok" and o["inv"] > last]
                if now - last < self.args.stall_after or len(failed) < 3:
                    continue
                if key in self.dumped and now - self.dumped[key] < 60:
                    continue
                self.dumped[key] = now
                self.dump(key, last, failed, now)

    def dump(self, key, last, failed, now):
        slot = slot_of(key, self.args.slots)
        path = os.path.join(self.workdir, f"stall-{key}-t{now:.0f}.txt")
        lines = [f"key {key} (slot {slot}): no ok write since t={last:.1f}, {len(failed)} failed since; now t={now:.1f} "
                 f"({now_wall()})"]
        for o in failed[-6:]:
            lines.append(f"  {checker.describe(o)}: {o.get('msg')}")
        for n in NODES:
            kind, status, _, data, err = http_call(IPS[n], "GET", f"/slots/{slot}", timeout=3)
            lines.append(f"{n} /slots/{slot}: " + (data.decode("utf-8", "replace") if kind == "response" else f"{kind} {err}"))
        kvs = etcd_range("amberio/txn/")
        lines.append(f"etcd amberio/txn/: {kvs if kvs is not None else 'no member answered'}")
        kvs = etcd_range(f"amberio/slots/{slot:07d}")
        lines.append(f"etcd amberio/slots/{slot:07d}: {kvs}")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        msg = f"STALL: key {key} (slot {slot}) has taken no write for {now - last:.0f} s ({len(failed)} failed); see {path}"
        self.stalls.append(msg)
        log(msg, self.flog)

    def start(self):
        threading.Thread(target=self.run, name="watchdog", daemon=True).start()


# ============================================================================================
# Final read-back


def final_writes(args, workload, flog):
    """After healing and settling: one PUT per key through every node. A key none of them can
    write within --final-retry seconds is a liveness problem."""
    stuck = []
    for key in workload.keys:
        for n in NODES:
            t = time.monotonic()
            op = retry(lambda: workload.put(n, key, phase="final"), args.final_retry)
            if op["type"] != "ok":
                stuck.append(f"key {key} (slot {op.get('slot')}): no PUT through {n} succeeded within "
                             f"{args.final_retry:.0f} s after the cluster settled; last answer "
                             f"{op.get('code')}: {op.get('msg')}")
                log("LIVENESS: " + stuck[-1], flog)
            elif time.monotonic() - t > 5:
                log(f"final write of {key} through {n} took {time.monotonic() - t:.1f} s", flog)
    log("final writes done", flog)
    return stuck


def final_reads(args, workload, flog):
    """After healing: every key's current value through every node, and every version 1..max+1."""
    for key in workload.keys:
        for n in NODES:
            retry(lambda: workload.get(n, key, phase="final"), args.final_retry)
        v = 1
        while True:
            results = []
            for n in NODES:
                op = retry(lambda: workload.get(n, key, version=v, phase="final"), args.final_retry)
                results.append(op)
            okr = [o for o in results if o["type"] == "ok"]
            if okr and all((o.get("read") or [""])[0] == "not_found" for o in okr):
                break
            if not okr and v > workload.latest[key] + 1:
                break
            v += 1
            if v > 100000:
                break
    log("final read-back done", flog)


def retry(fn, seconds):
    deadline = time.monotonic() + seconds
    while True:
        op = fn()
        if op["type"] == "ok" or time.monotonic() > deadline:
            return op
        time.sleep(0.25)


def etcd_range(prefix, timeout=3):
    """Every key/value under prefix, from the first etcd member that answers (v3 JSON gateway)."""
    import base64
    end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    body = json.dumps({"key": base64.b64encode(prefix.encode()).decode(),
                       "range_end": base64.b64encode(end.encode()).decode()}).encode()
    for e in ETCDS:
        kind, status, _, data, _ = http_call(IPS[e], "POST", "/v3/kv/range", body=body, port=2379, timeout=timeout)
        if kind == "response" and status == 200:
            j = json.loads(data)
            return [(base64.b64decode(kv["key"]).decode(), base64.b64decode(kv.get("value", "")).decode(),
                     kv.get("lease")) for kv in j.get("kvs", [])]
    return None


def dump_etcd(path, flog):
    kvs = etcd_range("amberio/")
    if kvs is None:
        log("etcd dump: no member answered", flog)
        return
    with open(path, "w") as f:
        for k, v, lease in kvs:
            f.write(f"{k} = {v}" + (f"  (lease {lease})" if lease else "") + "\n")
    txns = [k for k, _, _ in kvs if k.startswith("amberio/txn/")]
    slots = [v for k, v, _ in kvs if k.startswith("amberio/slots/")]
    odd = [v for v in slots if len(v.split("|")) > 3 and (len(v.split("|")[3].split(",")) < 3 or v.split("|")[4])]
    log(f"etcd dump: {len(kvs)} keys, {len(txns)} decision keys left, {len(odd)} slots not fully in sync "
        f"(see etcd-dump.txt)", flog)


# ============================================================================================
# Summary


def summarize(history, faults, result, args, workdir, settle, extra_notes, stuck=None):
    lines = []
    P = lines.append
    run_ops = [o for o in history if o.get("phase") == "run"]
    P(f"=== amberio faults: seed {args.seed}, duration {args.duration} s, run dir {workdir} ===")
    cnt = collections.Counter((o["f"], o["type"]) for o in run_ops)
    P(f"ops (workload): {len(run_ops)}")
    for f in ("put", "cput", "get", "delete"):
        P(f"  {f:7s} ok {cnt[(f, 'ok')]:5d}   fail {cnt[(f, 'fail')]:5d}   info {cnt[(f, 'info')]:5d}")
    codes = collections.Counter((o["f"], o.get("code", "")) for o in run_ops if o["type"] != "ok" or o["f"] == "get")
    P("answers other than success, by op and answer:")
    for (f, code), k in sorted(codes.items(), key=lambda x: (-x[1], x[0])):
        if code in ("200", "404 deleted", "404 not_found") and f == "get":
            continue
        P(f"  {f:7s} {code:40s} {k}")
    fin = [o for o in history if o.get("phase") == "final"]
    fcnt = collections.Counter(o["type"] for o in fin)
    P(f"final read-back: {len(fin)} reads (ok {fcnt['ok']}, failed {fcnt['fail'] + fcnt['info']}); "
      f"cluster settled: {settle}")
    P("")
    P(f"faults ({len(faults)}):")
    writes = [o for o in run_ops if o["f"] in ("put", "cput", "delete")]
    ok_times = sorted(o["ret"] for o in writes if o["type"] == "ok")
    end_of_run = max([o["ret_seen"] for o in run_ops] or [0])
    for i, fl in enumerate(faults):
        s, h = fl["start"], fl["heal"]
        nxt = faults[i + 1].get("requested", faults[i + 1]["start"]) if i + 1 < len(faults) else end_of_run
        during = [o for o in writes if s <= o["inv"] <= h]
        ok_d = sum(1 for o in during if o["type"] == "ok")
        ok_done = sum(1 for t in ok_times if s <= t <= h)
        reads_d = [o for o in run_ops if o["f"] == "get" and s <= o["inv"] <= h]
        rok = sum(1 for o in reads_d if o["type"] == "ok")
        after = [t for t in ok_times if t >= h]
        resumed = f"+{after[0] - h:.1f} s" if after and after[0] <= nxt else "not before the next fault"
        per_node = {}
        for n in NODES:
            a = [o["ret"] for o in writes if o["type"] == "ok" and o["ret"] >= h and o["node"] == n]
            per_node[n] = f"+{min(a) - h:.1f}" if a and min(a) <= nxt else "-"
        # Longest stretch without a successful write, from the fault's start to the next fault.
        pts = [s] + [t for t in ok_times if s < t < nxt] + [nxt]
        gap, ga, gb = max(((b - a, a, b) for a, b in zip(pts, pts[1:])), default=(0, s, s))
        hl = fl.get("healthy_after", {})
        P(f"  #{fl['n']:<2d} {s:6.1f}-{h:6.1f} s ({fl['start_wall']}) {fl['kind']:16s} {fl['target']:8s} "
          f"{fl['desc']}")
        P(f"        during: writes invoked {len(during)}, ok {ok_d}; ok writes completed {ok_done}; reads ok "
          f"{rok}/{len(reads_d)}")
        P(f"        after heal: next ok write {resumed} (by node: " + ", ".join(f"{n} {per_node[n]}" for n in NODES)
          + "); /health 200: " + ", ".join(f"{n} +{hl[n]}" if n in hl else f"{n} {not_healthy_yet(fl)}" for n in NODES))
        P(f"        longest stretch without an ok write: {gap:.1f} s ({ga:.1f}-{gb:.1f})")
        fl.update(writes_ok_during=ok_d, writes_during=len(during), ok_writes_completed_during=ok_done,
                  writes_resumed_after=(after[0] - h) if after and after[0] <= nxt else None,
                  longest_write_gap=[round(gap, 2), round(ga, 2), round(gb, 2)])
    kinds = collections.Counter(f["kind"] for f in faults)
    P("  kinds: " + ", ".join(f"{k} x{v}" for k, v in sorted(kinds.items())))
    P("")
    pk = result["per_key"]
    lin_ok = sum(1 for v in pk.values() if v["linearizable"] is True)
    lin_unk = [k for k, v in pk.items() if v["linearizable"] is None]
    P(f"linearizability: {len(pk)} keys, {lin_ok} linearizable"
      + (f", search gave up on {lin_unk}" if lin_unk else "")
      + f"; {sum(v['versions'] for v in pk.values())} versions; read-back complete for "
      f"{sum(1 for v in pk.values() if v['readback_complete'])} keys; "
      f"{sum(v['info_dropped'] for v in pk.values())} unknown-outcome PUTs shown to have had no effect")
    acked = sum(1 for o in run_ops if o["f"] in ("put", "cput", "delete") and o["type"] == "ok")
    P(f"durability: {acked} acknowledged writes checked against the final read-back; "
      f"{len(result['unverified'])} could not be read back")
    for u in result["unverified"][:10]:
        P(f"  unverified: {u}")
    # Per key: the longest stretch without an ok write, over the run.
    P("")
    P("per key, longest stretch without an ok write (over 15 s, with at least 3 failed writes in it):")
    end_run = max([o["ret_seen"] for o in run_ops] or [0])
    any_gap = False
    for key in sorted({o["key"] for o in run_ops}):
        ts = sorted(o["ret"] for o in run_ops if o["key"] == key and o["f"] != "get" and o["type"] == "ok")
        pts = [0.0] + ts + [end_run]
        gap, ga, gb = max((b - a, a, b) for a, b in zip(pts, pts[1:]))
        failed = [o for o in run_ops if o["key"] == key and o["f"] != "get" and ga <= o["inv"] <= gb
                  and o["type"] != "ok"]
        if gap > 15 and len(failed) >= 3:
            any_gap = True
            codes = collections.Counter(o.get("code") for o in failed)
            slot = slot_of(key, getattr(args, "slots", 64))
            P(f"  {key} (slot {slot}): {gap:.1f} s ({ga:.1f}-{gb:.1f}), {len(failed)} writes failed in it: "
              + ", ".join(f"{c} x{k}" for c, k in codes.most_common(4)))
            msgs = collections.Counter(re.sub(r"\d+", "N", o.get("msg") or "")[:160] for o in failed if o.get("msg"))
            for m, k in msgs.most_common(2):
                P(f"      x{k}: {m}")
    if not any_gap:
        P("  none")
    P("")
    P("liveness after healing (one PUT per key through every node once settled): "
      + ("every key writable through every node" if not stuck else f"{len(stuck)} PROBLEMS"))
    for s_ in stuck or []:
        P(f"  {s_}")
    vs = result["violations"]
    P("")
    P(f"violations: {len(vs)}")
    for v in vs[:40]:
        P(f"  {v}")
    if len(vs) > 40:
        P(f"  ... {len(vs) - 40} more in summary.json")
    if extra_notes:
        P("")
        P("notes:")
        for n in extra_notes:
            P(f"  {n}")
    P("")
    P("RESULT: " + ("FAIL" if vs else "PASS") + (" (safety); LIVENESS PROBLEMS: see above" if stuck else ""))
    return "\n".join(lines)


def scan_logs(workdir):
    """WARN/ERROR lines of the node logs, grouped by a normalized message."""
    notes = []
    for n in NODES:
        path = os.path.join(workdir, n, "node.log")
        if not os.path.exists(path):
            continue
        groups = collections.Counter()
        example = {}
        with open(path, errors="replace") as f:
            for line in f:
                m = re.match(r"\d\d:\d\d:\d\d\.\d+ (WARN|ERROR)\s+\[[^\]]*\] (\S+) - (.*)", line)
                if not m:
                    continue
                norm = re.sub(r"\b[0-9A-Z]{26}\b", "<id>", m.group(3))
                norm = re.sub(r"\d+", "N", norm)[:150]
                groups[(m.group(1), m.group(2), norm)] += 1
                example.setdefault((m.group(1), m.group(2), norm), line.strip())
        for (lvl, lg, norm), k in groups.most_common(12):
            notes.append(f"{n} log: {k} x {lvl} {lg}: {example[(lvl, lg, norm)][:260]}")
    return notes


# ============================================================================================
# Commands


def cmd_run(args):
    if os.geteuid() != 0:
        sys.exit("faults.py run needs root (network namespaces, iptables)")
    for tool in ("ip", "iptables", "java"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found")
    if shutil.which(args.etcd) is None and not os.path.exists(args.etcd):
        sys.exit(f"etcd not found at {args.etcd}")
    if not os.path.exists(args.jar):
        sys.exit(f"no jar at {args.jar}: build it (see README.md)")
    args.jar = os.path.abspath(args.jar)
    unknown = [k for k in args.faults if k not in FAULT_KINDS]
    if unknown:
        sys.exit(f"unknown fault kinds {unknown}; known: {FAULT_KINDS}")
    if our_namespaces() or our_links() or our_root_rules():
        print("leftovers of an earlier run found; cleaning up first")
        cleanup()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    workdir = os.path.abspath(args.workdir or os.path.join(DEFAULT_ROOT, f"seed{args.seed}-{stamp}"))
    os.makedirs(workdir, exist_ok=True)
    flog = open(os.path.join(workdir, "harness.log"), "a")
    with open(os.path.join(workdir, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=2)
    state = RunState(workdir)
    cluster = Cluster(args, workdir, flog, state)
    interrupted = {"sig": None}

    def on_signal(sig, frame):
        interrupted["sig"] = sig
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, on_signal)
    status = 3
    try:
        log(f"run: seed {args.seed}, duration {args.duration} s, faults {args.faults}, dir {workdir}", flog)
        cluster.setup()
        t_ready = time.monotonic()
        if not cluster.ready(args.start_timeout):
            raise RuntimeError(f"the cluster did not accept writes through every node within {args.start_timeout} s")
        log(f"cluster ready ({time.monotonic() - t_ready:.1f} s after the nodes started)", flog)
        t0 = time.monotonic()
        log(f"t=0 is {now_wall()}", flog)
        rec = Recorder(os.path.join(workdir, "history.jsonl"), t0, args.slots)
        workload = Workload(args, rec, args.seed, flog)
        nemesis = Nemesis(args, cluster, rec, args.seed, flog, os.path.join(workdir, "faults.jsonl"))
        watchdog = Watchdog(args, rec, workload, workdir, flog)
        workload.start()
        nemesis.start(args.duration)
        watchdog.start()
        while rec.now() < args.duration:
            time.sleep(0.5)
        log("duration reached: stopping the nemesis (healing the current fault)", flog)
        nemesis.join()
        watchdog.stop.set()
        cluster.topo.heal()
        cluster.ensure_all_running()
        workload.join()
        log(f"workload stopped: {len(rec.ops)} ops", flog)
        t_settle = time.monotonic()
        settled = Cluster.wait(lambda: all(healthy(n) for n in NODES) and cluster.slots_settled(), args.settle_timeout, 1.0)
        settle = (f"yes, {time.monotonic() - t_settle:.1f} s after healing" if settled
                  else f"NO, not within {args.settle_timeout} s")
        log(f"settled: {settle}", flog)
        stuck = final_writes(args, workload, flog)
        final_reads(args, workload, flog)
        dump_etcd(os.path.join(workdir, "etcd-dump.txt"), flog)
        rec.close()
        history = rec.ops
        log("checking", flog)
        result = checker.check_history(history)
        notes = []
        unexpected = collections.Counter(o.get("code") for o in history
                                         if o.get("code", "").startswith(("400", "500", "413", "507")))
        for code, k in unexpected.items():
            notes.append(f"unexpected answer {code} x{k}")
        exits = {n: cluster.nodes[n].popen.returncode for n in NODES if cluster.nodes[n].popen.poll() is not None}
        if exits:
            notes.append(f"nodes exited on their own: {exits}")
        notes += watchdog.stalls
        notes += scan_logs(workdir)
        text = summarize(history, nemesis.faults, result, args, workdir, settle, notes, stuck)
        with open(os.path.join(workdir, "summary.txt"), "w") as f:
            f.write(text + "\n")
        with open(os.path.join(workdir, "summary.json"), "w") as f:
            json.dump({"seed": args.seed, "faults": nemesis.faults, "per_key": result["per_key"],
                       "violations": [v.as_dict() for v in result["violations"]],
                       "unverified": result["unverified"], "settled": settle, "notes": notes,
                       "liveness": stuck}, f, indent=2)
        print()
        print(text)
        status = 1 if result["violations"] else (2 if stuck else 0)
    except KeyboardInterrupt:
        log(f"interrupted ({interrupted['sig'] or 'SIGINT'}); cleaning up", flog)
        status = 130
    except Exception as e:  # noqa: BLE001 - report, then clean up
        log(f"ERROR: {e!r}", flog)
        import traceback
        traceback.print_exc()
        status = 3
    finally:
        try:
            cluster.teardown()
        finally:
            cleanup(verbose=False)
            left = our_namespaces() + our_links() + [r for _, r in our_root_rules()]
            log("cleanup done" + (f"; STILL PRESENT: {left}" if left else ""), flog)
            flog.close()
    return status


def cmd_check(args):
    hist = []
    with open(os.path.join(args.rundir, "history.jsonl")) as f:
        for line in f:
            if line.strip():
                hist.append(json.loads(line))
    faults = []
    fp = os.path.join(args.rundir, "faults.jsonl")
    if os.path.exists(fp):
        with open(fp) as f:
            faults = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(args.rundir, "args.json")) as f:
        rargs = argparse.Namespace(**json.load(f))
    result = checker.check_history(hist)
    print(summarize(hist, faults, result, rargs, args.rundir, "(not re-measured)", scan_logs(args.rundir)))
    return 1 if result["violations"] else 0


def cmd_cleanup(args):
    if os.geteuid() != 0:
        sys.exit("faults.py cleanup needs root")
    cleanup(verbose=True)
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="one randomized run")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--duration", type=float, default=120, help="seconds of workload under faults")
    r.add_argument("--jar", default="amberio-examples/target/amberio.jar")
    r.add_argument("--etcd", default="/usr/bin/etcd")
    r.add_argument("--workdir", help=f"default {DEFAULT_ROOT}/seed<N>-<time>")
    r.add_argument("--faults", default=",".join(FAULT_KINDS),
                   help="comma-separated fault kinds (default: all): " + ", ".join(FAULT_KINDS))
    r.add_argument("--clients", type=int, default=12)
    r.add_argument("--node-choice", choices=["random", "bound", "mixed"], default="mixed",
                   help="random: each op to a random node; bound: each thread to one node; mixed (default): "
                        "even threads random, odd threads bound (so a hung node does not hold every thread)")
    r.add_argument("--keys", type=int, default=12)
    r.add_argument("--read-ratio", type=float, default=0.40)
    r.add_argument("--put-ratio", type=float, default=0.30)
    r.add_argument("--cput-ratio", type=float, default=0.15, help="the rest are DELETEs")
    r.add_argument("--think-ms", type=float, default=20)
    r.add_argument("--client-timeout", type=float, default=10.0, help="seconds per request (read timeout)")
    r.add_argument("--slots", type=int, default=64)
    r.add_argument("--lease-ms", type=int, default=2000)
    r.add_argument("--rpc-ms", type=int, default=1000)
    r.add_argument("--request-ms", type=int, default=6000)
    r.add_argument("--java-opts", default="-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
    r.add_argument("--log-level", choices=["debug", "info"], default="debug",
                   help="level of io.amberio.cluster in the node logs (default debug: ~100 KB per node and minute)")
    r.add_argument("--start-timeout", type=float, default=180)
    r.add_argument("--settle-timeout", type=float, default=180)
    r.add_argument("--quiet-start", type=float, default=5, help="seconds of workload before the first fault")
    r.add_argument("--gap-min", type=float, default=2)
    r.add_argument("--gap-max", type=float, default=5)
    r.add_argument("--fault-scale", type=float, default=1.0, help="multiplies every fault's duration")
    r.add_argument("--recovery-cap", type=float, default=25,
                   help="after healing, wait at most this long for every node's /health before the next fault")
    r.add_argument("--min-fault-room", type=float, default=10,
                   help="no new fault in the last N seconds of the run")
    r.add_argument("--stall-after", type=float, default=30,
                   help="dump diagnostics when a key has taken no write for this long while its writes fail")
    r.add_argument("--final-retry", type=float, default=30, help="seconds to retry each final read")
    c = sub.add_parser("check", help="check a recorded run again")
    c.add_argument("rundir")
    sub.add_parser("cleanup", help="remove every namespace, link, iptables rule and process of a run")
    args = p.parse_args(argv)
    if args.cmd == "run":
        args.faults = [x.strip() for x in args.faults.split(",") if x.strip()]
        return cmd_run(args)
    if args.cmd == "check":
        return cmd_check(args)
    return cmd_cleanup(args)


if __name__ == "__main__":
    sys.exit(main())
