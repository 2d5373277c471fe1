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
"""Membership changes on real processes: three `node --config` processes and a real etcd on
loopback, writers and readers running the whole time, then

  1. add a fourth node (amberio cluster add-node, start it, wait until converged);
  2. remove one of the first three (amberio cluster remove-node --wait, then stop it);
  3. kill -9 another one for good and replace it by a fifth (replace-node, start it, wait).

At the end every acknowledged write must read back byte for byte from every remaining node (the
latest version of each key, and every acknowledged version by number), and no read may have gone
back: a read never returns a version older than one acknowledged before the read started, nor
older than one the same reader saw before. Prints the figures of each phase (time to converge,
write and read success, p99 latency) and exits 1 on any violation.

  python3 membership.py --jar amberio-examples/target/amberio.jar [--slots 64] [--preload 2000]
"""
import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def http(port, method, path, body=None, timeout=10):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read(), time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read(), time.monotonic() - t0
    except Exception as e:  # connection refused, timeout: no answer
        return None, {}, str(e).encode(), time.monotonic() - t0


class Node:
    def __init__(self, run, name, topology_names):
        self.run, self.name = run, name
        self.http_port, self.cluster_port = run.ports[name]
        self.dir = os.path.join(run.dir, name)
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        self.config = os.path.join(self.dir, "node.json")
        cfg = {
            "nodeId": name,
            "httpListen": f"127.0.0.1:{self.http_port}",
            "clusterListen": f"127.0.0.1:{self.cluster_port}",
            "dataDirs": [os.path.join(self.dir, "data")],
            "cluster": {
                "slots": run.args.slots,
                "replicationFactor": 3,
                "nodes": [{"id": x, "address": f"127.0.0.1:{run.ports[x][1]}"} for x in topology_names],
            },
            "registry": {"etcd": [f"http://127.0.0.1:{run.etcd_port}"]},
            "secretFile": run.secret_file,
            "timings": {"leaseTtlMs": 2000, "rpcTimeoutMs": 1000, "requestTimeoutMs": 30000},
            "copies": {"bytesPerSecond": run.args.copy_rate},
        }
        with open(self.config, "w") as f:
            json.dump(cfg, f, indent=2)
        self.proc = None

    def start(self):
        self.log = open(os.path.join(self.dir, "node.log"), "ab")
        self.proc = subprocess.Popen(
            ["java", "-Xmx512m", "-jar", self.run.args.jar, "node", "--config", self.config,
             "--drain-timeout", "2s"], stdout=self.log, stderr=subprocess.STDOUT)

    def healthy(self):
        s, _, _, _ = http(self.http_port, "GET", "/health", timeout=2)
        return s == 200

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Run:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="amberio-membership-")
        names = ["n1", "n2", "n3", "n4", "n5"]
        ports = free_ports(2 * len(names) + 2)
        self.ports = {n: (ports[2 * i], ports[2 * i + 1]) for i, n in enumerate(names)}
        self.etcd_port, self.etcd_peer = ports[-2], ports[-1]
        self.secret_file = os.path.join(self.dir, "secret")
        with open(self.secret_file, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        self.nodes = {}
        self.lock = threading.Lock()
        self.acked = {}  # key -> {version: value}
        self.latest = {}  # key -> (version acknowledged highest, time acknowledged)
        self.violations = []
        self.stats = {}  # phase -> counters
        self.phase = "warm-up"
        self.stop = False

    # -------------------------------------------------------------- processes
    def start_etcd(self):
        d = os.path.join(self.dir, "etcd")
        self.etcd = subprocess.Popen(
            [self.args.etcd, "--name", "e1", "--data-dir", d,
             "--listen-client-urls", f"http://127.0.0.1:{self.etcd_port}",
             "--advertise-client-urls", f"http://127.0.0.1:{self.etcd_port}",
             "--listen-peer-urls", f"http://127.0.0.1:{self.etcd_peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{self.etcd_peer}",
             "--initial-cluster", f"e1=http://127.0.0.1:{self.etcd_peer}"],
            stdout=open(os.path.join(self.dir, "etcd.log"), "wb"), stderr=subprocess.STDOUT)
        self.wait("etcd healthy", lambda: http(self.etcd_port, "GET", "/health", timeout=1)[0] == 200, 30)

    def cli(self, *argv):
        cmd = ["java", "-jar", self.args.jar, "cluster", "--config", self.nodes["n1"].config] + list(argv)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
        print(f"  $ amberio cluster {' '.join(argv)} -> {r.returncode}")
        for line in (r.stdout + r.stderr).strip().splitlines()[-3:]:
            print("    " + line)
        if r.returncode != 0:
            raise RuntimeError(f"amberio cluster {argv} failed: {r.stdout} {r.stderr}")
        return r.stdout

    @staticmethod
    def wait(what, cond, timeout, step=0.25):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if cond():
                return
            time.sleep(step)
        raise RuntimeError(f"timed out after {timeout} s waiting for {what}")

    def converged(self, names):
        version = None
        for n in names:
            s, _, data, _ = http(self.nodes[n].http_port, "GET", "/cluster", timeout=3)
            if s != 200:
                return False
            j = json.loads(data)
            if not j["converged"] or (version is not None and j["topologyVersion"] != version):
                return False
            version = j["topologyVersion"]
        return True

    def live(self):
        # Clients use a node once it answered /health 200, until it is stopped.
        return [n for n, x in list(self.nodes.items())
                if x.proc and x.proc.poll() is None and getattr(x, "ready", False) and not getattr(x, "gone", False)]

    # -------------------------------------------------------------- workload
    def count(self, what, ok, latency, why=None):
        with self.lock:
            st = self.stats.setdefault(self.phase, {"w_ok": 0, "w_fail": 0, "r_ok": 0, "r_fail": 0, "w_lat": [], "r_lat": [], "why": {}})
            st[what + ("_ok" if ok else "_fail")] += 1
            if not ok:
                st["why"][why] = st["why"].get(why, 0) + 1
            st[what + "_lat"].append(latency)

    def writer(self, idx):
        rnd = random.Random(idx)
        seq = 0
        while not self.stop:
            key = f"k{rnd.randrange(self.args.keys)}"
            seq += 1
            value = f"{key}|w{idx}|{seq}|".encode() + os.urandom(rnd.randrange(16, 2048)).hex().encode()
            via = rnd.choice(self.live() or ["n1"])
            s, h, data, lat = http(self.nodes[via].http_port, "PUT", f"/objects/{key}", value)
            ok = s in (200, 201)
            self.count("w", ok, lat, f"write {s} {data[:60]!r}")
            if ok:
                v = json.loads(data)["version"]
                with self.lock:
                    self.acked.setdefault(key, {})[v] = value
                    if v > self.latest.get(key, (0, 0))[0]:
                        self.latest[key] = (v, time.monotonic())

    def reader(self, idx):
        rnd = random.Random(1000 + idx)
        seen = {}
        while not self.stop:
            key = f"k{rnd.randrange(self.args.keys)}"
            with self.lock:
                floor = self.latest.get(key, (0, 0))[0]
            via = rnd.choice(self.live() or ["n1"])
            s, h, data, lat = http(self.nodes[via].http_port, "GET", f"/objects/{key}")
            ok = s == 200 or (s == 404 and floor == 0)
            self.count("r", ok, lat, f"read {s} {data[:60]!r}")
            if s == 404 and floor > 0:
                self.violations.append(f"read of {key} via {via}: 404 after version {floor} was acknowledged")
            if s == 200:
                v = int(h.get("X-Amberio-Version") or h.get("x-amberio-version") or 0)
                if v < floor or v < seen.get(key, 0):
                    self.violations.append(
                        f"read of {key} via {via} went back: version {v}, acknowledged before {floor}, seen {seen.get(key, 0)}")
                seen[key] = max(v, seen.get(key, 0))
                with self.lock:
                    want = self.acked.get(key, {}).get(v)
                if want is not None and want != data:
                    self.violations.append(f"read of {key}@{v} via {via}: wrong bytes")

    # -------------------------------------------------------------- phases
    def set_phase(self, name):
        with self.lock:
            self.phase = name
        print(f"[{time.strftime('%H:%M:%S')}] phase: {name}", flush=True)

    def main(self):
        a = self.args
        self.start_etcd()
        for n in ["n1", "n2", "n3"]:
            self.nodes[n] = Node(self, n, ["n1", "n2", "n3"])
            self.nodes[n].start()
        self.wait("three nodes healthy", lambda: all(self.nodes[n].healthy() for n in ["n1", "n2", "n3"]), 120)
        for n in ["n1", "n2", "n3"]:
            self.nodes[n].ready = True
        self.wait("converged", lambda: self.converged(["n1", "n2", "n3"]), 120)
        # Preload so that moves have something to copy.
        if a.preload:
            print(f"preloading {a.preload} blobs of {a.preload_size} bytes with {a.preload_threads} threads", flush=True)
            t0 = time.monotonic()
            payload = os.urandom(a.preload_size)
            counter = iter(range(a.preload))
            clock = threading.Lock()

            def load():
                while True:
                    with clock:
                        i = next(counter, None)
                    if i is None:
                        return
                    port = self.nodes[["n1", "n2", "n3"][i % 3]].http_port
                    for _ in range(5):
                        st, _, _, _ = http(port, "PUT", f"/objects/pre/{i}", payload, timeout=60)
                        if st in (200, 201):
                            break
            loaders = [threading.Thread(target=load) for _ in range(a.preload_threads)]
            for t in loaders:
                t.start()
            for t in loaders:
                t.join()
            print(f"preloaded in {time.monotonic() - t0:.1f} s", flush=True)
        threads = [threading.Thread(target=self.writer, args=(i,), daemon=True) for i in range(a.writers)]
        threads += [threading.Thread(target=self.reader, args=(i,), daemon=True) for i in range(a.readers)]
        for t in threads:
            t.start()
        self.set_phase("steady (before any change)")
        time.sleep(a.steady)
        figures = {}

        if "add" not in a.phases:
            return self.replace_only(threads, figures)
        self.set_phase("add n4")
        t0 = time.monotonic()
        self.cli("add-node", "--id", "n4", "--address", f"127.0.0.1:{self.ports['n4'][1]}")
        self.nodes["n4"] = Node(self, "n4", ["n1", "n2", "n3", "n4"])
        self.nodes["n4"].start()
        self.wait("n4 healthy", self.nodes["n4"].healthy, 120)
        self.nodes["n4"].ready = True
        self.wait("converged after adding n4", lambda: self.converged(["n1", "n2", "n3", "n4"]), 3600)
        figures["add n4: seconds to converge"] = round(time.monotonic() - t0, 1)

        figures["n4: seconds from its first copy started to its last copy done"] = self.copy_seconds("n4")
        if "remove" not in a.phases:
            self.set_phase("steady (after the changes)")
            time.sleep(a.steady)
            self.stop = True
            for t in threads:
                t.join(timeout=30)
            return self.report(figures, ["n1", "n2", "n3", "n4"])

        self.set_phase("remove n2")
        t0 = time.monotonic()
        self.cli("remove-node", "--id", "n2", "--wait")
        self.wait("converged after removing n2", lambda: self.converged(["n1", "n3", "n4"]), 3600)
        figures["remove n2: seconds to drain and leave"] = round(time.monotonic() - t0, 1)
        self.nodes["n2"].gone = True
        self.nodes["n2"].kill(signal.SIGTERM)

        self.set_phase("kill -9 n3, replace by n5")
        t0 = time.monotonic()
        self.nodes["n3"].gone = True
        self.nodes["n3"].kill(signal.SIGKILL)
        self.cli("replace-node", "--dead", "n3", "--id", "n5", "--address", f"127.0.0.1:{self.ports['n5'][1]}")
        self.nodes["n5"] = Node(self, "n5", ["n1", "n3", "n4", "n5"])
        self.nodes["n5"].start()
        self.wait("n5 healthy", self.nodes["n5"].healthy, 120)
        self.nodes["n5"].ready = True
        self.wait("converged after replacing n3", lambda: self.converged(["n1", "n4", "n5"]), 3600)
        figures["replace n3 by n5: seconds to converge"] = round(time.monotonic() - t0, 1)

        self.set_phase("steady (after the changes)")
        time.sleep(a.steady)
        self.stop = True
        for t in threads:
            t.join(timeout=30)
        return self.report(figures, ["n1", "n4", "n5"])

    def report(self, figures, remaining):
        # Every acknowledged write, from every remaining node, byte for byte.
        checked = 0
        for via in remaining:
            port = self.nodes[via].http_port
            for key, versions in self.acked.items():
                top = max(versions)
                s, h, data, _ = http(port, "GET", f"/objects/{key}")
                if s != 200 or data != versions[top]:
                    self.violations.append(f"{key} latest (v{top}) via {via}: {s}, {'wrong bytes' if s == 200 else data[:200]}")
                for v, value in versions.items():
                    s, h, data, _ = http(port, "GET", f"/objects/{key}?version={v}")
                    checked += 1
                    if s != 200 or data != value:
                        self.violations.append(f"{key}@{v} via {via}: {s}")
        print()
        print("| phase | writes ok | writes failed | write p99 ms | reads ok | reads failed | read p99 ms |")
        print("|---|---|---|---|---|---|---|")
        for phase, st in self.stats.items():
            def p99(xs):
                xs = sorted(xs)
                return round(1000 * xs[int(0.99 * (len(xs) - 1))], 1) if xs else "-"
            print(f"| {phase} | {st['w_ok']} | {st['w_fail']} | {p99(st['w_lat'])} | {st['r_ok']} | {st['r_fail']} | {p99(st['r_lat'])} |")
        print()
        for phase, st in self.stats.items():
            for why, c in sorted(st["why"].items(), key=lambda x: -x[1])[:4]:
                print(f"  {phase}: {c} x {why}")
        print()
        for k, v in figures.items():
            print(f"{k}: {v}")
        print(f"acknowledged versions checked on every remaining node: {checked}")
        print(f"violations: {len(self.violations)}")
        for v in self.violations[:20]:
            print("  " + v)
        return 0 if not self.violations else 1

    def copy_seconds(self, name):
        """From a node's log: the seconds from its first 'catching up' to its last 'caught up'."""
        import re
        first = last = None
        with open(os.path.join(self.dir, name, "node.log"), errors="replace") as f:
            for line in f:
                m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)", line)
                if not m:
                    continue
                t = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) + int(m[4]) / 1000
                if "catching up slot" in line and first is None:
                    first = t
                if "caught up from" in line:
                    last = t
        return None if first is None or last is None else round(last - first, 1)

    def replace_only(self, threads, figures):
        """Kill n3 and replace it by n5, which copies every slot n3 held; then check as main."""
        self.set_phase("kill -9 n3, replace by n5")
        t0 = time.monotonic()
        self.nodes["n3"].gone = True
        self.nodes["n3"].kill(signal.SIGKILL)
        self.cli("replace-node", "--dead", "n3", "--id", "n5", "--address", f"127.0.0.1:{self.ports['n5'][1]}")
        self.nodes["n5"] = Node(self, "n5", ["n1", "n2", "n3", "n5"])
        self.nodes["n5"].start()
        self.wait("n5 healthy", self.nodes["n5"].healthy, 600)
        self.nodes["n5"].ready = True
        self.wait("converged after replacing n3", lambda: self.converged(["n1", "n2", "n5"]), 7200)
        figures["replace n3 by n5: seconds to converge"] = round(time.monotonic() - t0, 1)
        figures["n5: seconds from its first copy started to its last copy done"] = self.copy_seconds("n5")
        self.set_phase("steady (after the changes)")
        time.sleep(self.args.steady)
        self.stop = True
        for t in threads:
            t.join(timeout=30)
        return self.report(figures, ["n1", "n2", "n5"])

    def close(self):
        for n in self.nodes.values():
            n.kill(signal.SIGKILL)
        if getattr(self, "etcd", None):
            self.etcd.kill()
            self.etcd.wait()
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print("kept " + self.dir)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", required=True)
    p.add_argument("--etcd", default=shutil.which("etcd") or "etcd")
    p.add_argument("--slots", type=int, default=64)
    p.add_argument("--keys", type=int, default=200)
    p.add_argument("--writers", type=int, default=4)
    p.add_argument("--readers", type=int, default=4)
    p.add_argument("--preload", type=int, default=2000)
    p.add_argument("--preload-size", type=int, default=4096)
    p.add_argument("--steady", type=float, default=5.0)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--preload-threads", type=int, default=8)
    p.add_argument("--copy-rate", type=int, default=0, help="copies.bytesPerSecond of every node (0: no limit)")
    p.add_argument("--phases", default="add,remove,replace", help="add,remove,replace; add alone; or replace alone")
    args = p.parse_args()
    run = Run(args)
    try:
        sys.exit(run.main())
    finally:
        run.close()


if __name__ == "__main__":
    main()
