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
"""Checks a recorded Amberio history: per key, linearizability of a versioned register, and durability.

The history is a list of dicts, one per operation (see faults.py, ``Recorder``):

  id        unique int; a PUT's body is ``<key>:<id>``, so a read names the write it saw
  key       the path
  f         put | cput | get | delete | vget (a read of one version, ``GET ?version=N``)
  phase     run | final (final: after every fault was healed and the cluster settled)
  arg       cput: the version asked for; vget: the version read
  inv, ret  invocation and completion times (seconds, one monotonic clock)
  type      ok | fail | info  (fail: certainly no effect; info: unknown outcome)
  version   put/cput/delete ok: the version written; get ok: X-Amberio-Version
  read      get/vget ok: ["value", writer id] | ["deleted"] | ["not_found"] | ["garbage", text]
  latest    409 version_conflict: the "latest" field (the highest version when it was refused)
  code      HTTP status and error code, or the client-side failure

The model, per path (the contract's register with PUT, conditional PUT and path DELETE; the workload
never tombstones single versions and the retention is 24 h, so nothing is collected during a run):

  state     (max, cur): the highest version, and the writer of the current version (None when the
            highest version is a delete marker, or when there is none)
  put       -> (max+1, put); an ok PUT says which version it wrote, which must be max+1
  cput N    requires N == max+1 -> (N, put); a 409 says max == latest (an observation, no effect)
  delete    requires max >= 1 -> (max+1, None); a 404 not_found says max == 0 (no effect)
  get       200 (v, w): max == v and cur == w;  404 deleted: max >= 1, cur None;  404 not_found: max == 0

Linearizability is local (Herlihy & Wing), so each key is checked on its own, with the search of
Wing & Gong as refined by Lowe (and used by Knossos and Porcupine): take the earliest pending call,
linearize it if the model allows it, backtrack when a return is reached whose call is not linearized,
and memoize (set of linearized ops, state). Ops with an unknown outcome never return: they may be
linearized at any point after their invocation, or never (no effect). An unknown-outcome write that the
final read-back shows took effect (its value is some version) must be linearized.

Version facts make the search nearly linear: every version number is written by exactly one operation,
and the final read-back (every version 1..max of every key, ``GET ?version=N``) tells which one (a value
names its put; 404 deleted is a delete marker). A write may only produce version v if v's known writer
is that write (or of its kind, for markers), and none may produce a version above the final maximum
when the read-back is complete.

Besides the search, direct checks give readable explanations: two writes with one version, a value
nobody wrote, a failed write that became visible, a read older than a write acknowledged before it
began, two reads going backwards, a read of a write invoked after the read returned, and
acknowledged versions missing or changed at the end.
"""

from __future__ import annotations

import collections
import math

INF = math.inf


class Violation:
    def __init__(self, kind, key, ops, message):
        self.kind = kind
        self.key = key
        self.ops = sorted(set(ops))
        self.message = message

    def as_dict(self):
        return {"kind": self.kind, "key": self.key, "ops": self.ops, "message": self.message}

    def __str__(self):
        return f"[{self.kind}] key {self.key}: {self.message} (ops {', '.join(map(str, self.ops))})"


def describe(op):
    """One short line for an op."""
    f = op["f"]
    what = f
    if f == "cput":
        what = f"cput?version={op.get('arg')}"
    elif f == "vget":
        what = f"get?version={op.get('arg')}"
    res = op["type"]
    if op["type"] == "ok":
        if f in ("put", "cput", "delete"):
            res = f"ok v{op.get('version')}"
        else:
            r = op.get("read") or []
            if r and r[0] == "value":
                res = f"ok v{op.get('version')} (value of op {r[1]})"
            elif r:
                res = f"ok {r[0]}"
    else:
        res = f"{op['type']} {op.get('code', '')}".strip()
        if op.get("latest") is not None:
            res += f" latest={op['latest']}"
    ret = "never" if op.get("ret") is None else f"{op['ret']:.3f}"
    return f"op {op['id']} {what} via {op.get('node', '?')} [{op['inv']:.3f} .. {ret}] -> {res}"


# --------------------------------------------------------------------------------------------
# Version facts


class KeyFacts:
    """What the history says about the versions of one key."""

    def __init__(self, key):
        self.key = key
        self.writer = {}  # version -> op id (a put) or "marker"
        self.writer_src = {}  # version -> op id that told us
        self.version_of = {}  # writer op id -> version
        self.missing = set()  # versions a final vget found 404 not_found
        self.final_max = None  # highest version when the read-back is complete, else None
        self.complete = False


def _claim(facts, violations, key, version, who, src, ops_by_id, how):
    """Records that ``version`` of ``key`` was written by ``who`` (op id or "marker")."""
    if version is None:
        return
    prev = facts.writer.get(version)
    if prev is None:
        facts.writer[version] = who
        facts.writer_src[version] = src
    elif prev != who:
        a = f"op {prev}" if prev != "marker" else "a delete marker"
        b = f"op {who}" if who != "marker" else "a delete marker"
        violations.append(
            Violation(
                "version-conflict",
                key,
                [x for x in (prev, who, src, facts.writer_src.get(version)) if isinstance(x, int)],
                f"version {version} was written by {a} (per op {facts.writer_src.get(version)}) "
                f"and by {b} (per op {src}, {how})",
            )
        )
    if isinstance(who, int):
        pv = facts.version_of.get(who)
        if pv is None:
            facts.version_of[who] = version
        elif pv != version:
            violations.append(
                Violation(
                    "version-conflict",
                    key,
                    [who, src],
                    f"the value of op {who} was seen as version {pv} and as version {version} ({how})",
                )
            )


def collect_facts(key, ops, ops_by_id, violations):
    facts = KeyFacts(key)
    for op in ops:
        if op["type"] != "ok":
            continue
        f = op["f"]
        if f in ("put", "cput"):
            _claim(facts, violations, key, op.get("version"), op["id"], op["id"], ops_by_id, "its PUT answer")
        elif f == "delete":
            _claim(facts, violations, key, op.get("version"), "marker", op["id"], ops_by_id, "its DELETE answer")
    for op in ops:
        if op["type"] != "ok" or op["f"] not in ("get", "vget"):
            continue
        r = op.get("read") or []
        if not r:
            continue
        if r[0] == "garbage":
            violations.append(
                Violation("garbage-read", key, [op["id"]], f"{describe(op)} returned {r[1]!r}, which no write wrote")
            )
            continue
        if r[0] == "value":
            w = r[1]
            wop = ops_by_id.get(w)
            if wop is None or wop["f"] not in ("put", "cput") or wop["key"] != key:
                violations.append(
                    Violation(
                        "garbage-read",
                        key,
                        [op["id"]],
                        f"{describe(op)} returned the value of op {w}, which is no PUT of this key",
                    )
                )
                continue
            if wop["type"] == "fail":
                violations.append(
                    Violation(
                        "failed-write-visible",
                        key,
                        [op["id"], w],
                        f"{describe(op)} returned the value of {describe(wop)}, "
                        f"an answer that says the write had no effect",
                    )
                )
            if wop["f"] == "cput" and op.get("version") is not None and op["version"] != wop.get("arg"):
                violations.append(
                    Violation(
                        "version-conflict",
                        key,
                        [op["id"], w],
                        f"{describe(op)} shows conditional {describe(wop)} as version {op['version']}",
                    )
                )
            v = op.get("version") if op["f"] == "get" else op.get("arg")
            if op["f"] == "vget" and op.get("version") not in (None, op.get("arg")):
                violations.append(
                    Violation("version-conflict", key, [op["id"]], f"{describe(op)} answered version {op.get('version')}")
                )
            _claim(facts, violations, key, v, w, op["id"], ops_by_id, "a read")
        elif r[0] == "deleted" and op["f"] == "vget":
            _claim(facts, violations, key, op.get("arg"), "marker", op["id"], ops_by_id, "a versioned read (404 deleted)")
        elif r[0] == "not_found" and op["f"] == "vget":
            facts.missing.add(op["arg"])
    # Conditional puts: the version asked for is the version written.
    for op in ops:
        if op["f"] == "cput" and op["type"] == "ok" and op.get("version") != op.get("arg"):
            violations.append(
                Violation("version-conflict", key, [op["id"]], f"{describe(op)} wrote another version than it asked for")
            )
    # Complete read-back: every version 1..m known and m+1 not found (read by a final vget).
    if facts.missing:
        m = min(facts.missing) - 1
        if m == 0 or all(v in facts.writer for v in range(1, m + 1)):
            facts.complete = True
            facts.final_max = m
    return facts


# --------------------------------------------------------------------------------------------
# Direct checks (sound, readable; the search below is the complete check)


def direct_checks(key, ops, facts, ops_by_id, violations):
    writes_ok = [o for o in ops if o["type"] == "ok" and o["f"] in ("put", "cput", "delete") and o.get("version") is not None]
    # Writes acknowledged in real-time order get increasing versions.
    by_ret = sorted(writes_ok, key=lambda o: o["ret"])
    for w2 in writes_ok:
        for w1 in by_ret:
            if w1["ret"] >= w2["inv"]:
                break
            if w1["version"] >= w2["version"]:
                violations.append(
                    Violation(
                        "write-order",
                        key,
                        [w1["id"], w2["id"]],
                        f"{describe(w1)} was acknowledged before {describe(w2)} began, "
                        f"but did not get a lower version",
                    )
                )
                break
    # Observations of the highest version at some point of an op: (op, lo, hi) with lo <= max <= hi.
    obs = []
    for o in ops:
        if o["f"] == "get" and o["type"] == "ok":
            r = o.get("read") or []
            if r and r[0] == "value" and o.get("version") is not None:
                obs.append((o, o["version"], o["version"]))
            elif r and r[0] == "not_found":
                obs.append((o, 0, 0))
            elif r and r[0] == "deleted":
                obs.append((o, 1, INF))
        elif o["f"] == "cput" and o["type"] == "fail" and o.get("latest") is not None:
            obs.append((o, o["latest"], o["latest"]))
        elif o["f"] == "delete" and o["type"] == "fail" and o.get("code", "").startswith("404 not_found"):
            obs.append((o, 0, 0))
    # Stale: a write acknowledged before the observation began has a higher version than observed.
    max_acked_before = []  # sorted (ret, version) prefix maxima
    best = 0
    for w in by_ret:
        best = max(best, w["version"])
        max_acked_before.append((w["ret"], best, w))
    for o, lo, hi in obs:
        top, topw = 0, None
        for ret, vmax, w in max_acked_before:
            if ret >= o["inv"]:
                break
            if vmax > top:
                top, topw = vmax, w
        if top > hi:
            violations.append(
                Violation(
                    "stale-read",
                    key,
                    [o["id"], topw["id"]],
                    f"{describe(o)} saw the highest version at most {hi}, but {describe(topw)} "
                    f"was acknowledged before it began",
                )
            )
    # Reads from the future: a read saw a version whose writer began after the read returned.
    for o, lo, hi in obs:
        if lo != hi or lo == 0:
            continue
        w = facts.writer.get(lo)
        if isinstance(w, int) and w in ops_by_id and ops_by_id[w]["inv"] > o["ret"]:
            violations.append(
                Violation(
                    "future-read",
                    key,
                    [o["id"], w],
                    f"{describe(o)} saw version {lo}, written by {describe(ops_by_id[w])}, which began after it returned",
                )
            )
    # Monotonic: an observation that ended before another began saw no higher version.
    exact = sorted([(o["ret"], lo, o) for o, lo, hi in obs], key=lambda x: x[0])
    for o, lo, hi in obs:
        worst = None
        for ret, v, p in exact:
            if ret >= o["inv"]:
                break
            if v > hi and (worst is None or v > worst[0]):
                worst = (v, p)
        if worst is not None:
            violations.append(
                Violation(
                    "non-monotonic-read",
                    key,
                    [o["id"], worst[1]["id"]],
                    f"{describe(o)} saw at most version {hi}, but {describe(worst[1])} had already "
                    f"seen version {worst[0]} before it began",
                )
            )


def durability_checks(key, ops, facts, violations, unverified):
    """Every acknowledged write is still there, as written, in the final read-back."""
    finals = collections.defaultdict(list)
    for o in ops:
        if o["f"] == "vget" and o.get("phase") == "final":
            finals[o["arg"]].append(o)
    for w in ops:
        if w["type"] != "ok" or w["f"] not in ("put", "cput", "delete") or w.get("version") is None:
            continue
        v = w["version"]
        reads = [r for r in finals.get(v, []) if r["type"] == "ok"]
        if not reads:
            unverified.append(f"key {key} v{v} ({describe(w)}): no final read of it succeeded")
            continue
        for r in reads:
            got = r.get("read") or []
            if w["f"] == "delete":
                good = bool(got) and got[0] == "deleted"
            else:
                good = bool(got) and got[0] == "value" and got[1] == w["id"]
            if not good:
                violations.append(
                    Violation(
                        "lost-write",
                        key,
                        [w["id"], r["id"]],
                        f"acknowledged {describe(w)}, but at the end {describe(r)}",
                    )
                )


# --------------------------------------------------------------------------------------------
# The search


class _Entry:
    __slots__ = ("op", "is_call", "match", "prev", "next", "idx")

    def __init__(self, op, is_call, idx):
        self.op = op
        self.is_call = is_call
        self.idx = idx
        self.match = None
        self.prev = None
        self.next = None


class CheckOp:
    """An op as the search sees it."""

    __slots__ = ("id", "kind", "inv", "ret", "version", "arg", "obs", "src")

    def __init__(self, src, kind, inv, ret, version=None, arg=None, obs=None):
        self.src = src
        self.id = src["id"]
        self.kind = kind  # put | cput | delete | read
        self.inv = inv
        self.ret = ret  # None: may take effect at any time after inv, or never
        self.version = version
        self.arg = arg
        self.obs = obs  # read: ("value", v, w) | ("deleted",) | ("not_found",) | ("max", m)


def build_check_ops(ops, facts):
    out = []
    dropped = 0
    for o in ops:
        f, t = o["f"], o["type"]
        if f == "vget":
            continue  # a version's content is immutable; checked through the facts
        if f == "get":
            if t != "ok":
                continue
            r = o.get("read") or []
            if not r or r[0] == "garbage":
                continue
            if r[0] == "value":
                obs = ("value", o.get("version"), r[1])
            else:
                obs = (r[0],)
            out.append(CheckOp(o, "read", o["inv"], o["ret"], obs=obs))
            continue
        if t == "fail":
            if f == "cput" and o.get("latest") is not None:
                out.append(CheckOp(o, "read", o["inv"], o["ret"], obs=("max", o["latest"])))
            elif f == "delete" and o.get("code", "").startswith("404 not_found"):
                out.append(CheckOp(o, "read", o["inv"], o["ret"], obs=("not_found_path",)))
            continue
        kind = f
        if t == "ok":
            out.append(CheckOp(o, kind, o["inv"], o["ret"], version=o.get("version"), arg=o.get("arg")))
            continue
        # info: unknown outcome
        if f in ("put", "cput"):
            v = facts.version_of.get(o["id"])
            if v is not None:
                out.append(CheckOp(o, kind, o["inv"], INF, version=v, arg=o.get("arg")))  # took effect
            elif facts.complete:
                dropped += 1  # its value is in no version: it had no effect
            else:
                out.append(CheckOp(o, kind, o["inv"], None, arg=o.get("arg")))
        else:  # delete
            out.append(CheckOp(o, kind, o["inv"], None))
    return out, dropped


def _step(state, op, facts):
    mx, cur = state
    k = op.kind
    if k == "read":
        obs = op.obs
        if obs[0] == "value":
            return (mx == obs[1] and cur == obs[2]), state
        if obs[0] == "deleted":
            return (mx >= 1 and cur is None), state
        if obs[0] in ("not_found", "not_found_path"):
            return mx == 0, state
        if obs[0] == "max":
            return mx == obs[1], state
        return False, state
    nv = mx + 1
    if op.version is not None and op.version != nv:
        return False, state
    if k == "cput" and op.arg != nv:
        return False, state
    if k == "delete" and mx < 1:
        return False, state
    if facts.complete and nv > facts.final_max:
        return False, state
    known = facts.writer.get(nv)
    if k == "delete":
        if known is not None and known != "marker":
            return False, state
        return True, (nv, None)
    if known is not None and known != op.id:
        return False, state
    return True, (nv, op.id)


def check_key_linearizable(key, check_ops, facts, max_steps=5_000_000):
    """Returns (ok: bool|None, info dict). None: gave up after max_steps."""
    # Entries: calls and returns by time; at equal times calls first (treated as concurrent).
    events = []
    for i, op in enumerate(check_ops):
        events.append((op.inv, 0, i, True))
        if op.ret is not None:
            events.append((op.ret, 1, i, False))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    head = _Entry(None, False, -1)
    prev = head
    calls = {}
    for t, _, i, is_call in events:
        e = _Entry(check_ops[i], is_call, i)
        if is_call:
            calls[i] = e
        else:
            calls[i].match = e
        e.prev = prev
        prev.next = e
        prev = e

    def lift(e):
        e.prev.next = e.next
        if e.next is not None:
            e.next.prev = e.prev
        m = e.match
        if m is not None:
            m.prev.next = m.next
            if m.next is not None:
                m.next.prev = m.prev

    def unlift(e):
        m = e.match
        if m is not None:
            m.prev.next = m
            if m.next is not None:
                m.next.prev = m
        e.prev.next = e
        if e.next is not None:
            e.next.prev = e

    state = (0, None)
    linearized = 0
    cache = set()
    stack = []
    entry = head.next
    steps = 0
    best = (-1, None, None, None)  # (count, blocked op, state, linearized ops)
    while True:
        steps += 1
        if steps > max_steps:
            return None, {"steps": steps}
        if entry is None:
            return True, {"steps": steps}
        if entry.is_call:
            ok, new_state = _step(state, entry.op, facts)
            if ok:
                nl = linearized | (1 << entry.idx)
                ck = (nl, new_state)
                if ck not in cache:
                    cache.add(ck)
                    stack.append((entry, state))
                    state = new_state
                    linearized = nl
                    lift(entry)
                    entry = head.next
                    continue
            entry = entry.next
        else:
            if len(stack) > best[0]:
                best = (len(stack), entry.op, state, [s[0].op for s in stack])
            if not stack:
                return False, {"steps": steps, "best": best}
            e, state = stack.pop()
            linearized &= ~(1 << e.idx)
            unlift(e)
            entry = e.next


def check_history(history, max_steps=5_000_000):
    """Checks a whole history. Returns a dict with violations, per-key results and notes."""
    ops_by_id = {o["id"]: o for o in history}
    by_key = collections.defaultdict(list)
    for o in history:
        by_key[o["key"]].append(o)
    violations = []
    unverified = []
    per_key = {}
    for key in sorted(by_key):
        ops = sorted(by_key[key], key=lambda o: o["inv"])
        kv = []
        facts = collect_facts(key, ops, ops_by_id, kv)
        direct_checks(key, ops, facts, ops_by_id, kv)
        durability_checks(key, ops, facts, kv, unverified)
        cops, dropped = build_check_ops(ops, facts)
        ok, info = check_key_linearizable(key, cops, facts, max_steps)
        if ok is False:
            _, blocked, st, lin = info["best"]
            lin_ops = sorted(lin, key=lambda c: c.inv)[-3:] if lin else []
            conc = [
                c
                for c in cops
                if c is not blocked
                and c.inv <= (blocked.ret if blocked.ret is not None else INF)
                and (c.ret is None or c.ret >= blocked.inv)
            ][:6]
            msg = (
                f"not linearizable: after the longest linearizable prefix ({len(lin)} ops; state: "
                f"highest version {st[0]}, current {'op ' + str(st[1]) if st[1] is not None else 'none'}), "
                f"{describe(blocked.src)} cannot take effect. Last linearized: "
                + "; ".join(describe(c.src) for c in lin_ops)
                + ". Concurrent with it: "
                + "; ".join(describe(c.src) for c in conc)
            )
            kv.append(Violation("not-linearizable", key, [blocked.id] + [c.id for c in conc], msg))
        per_key[key] = {
            "ops": len(ops),
            "searched": len(cops),
            "info_dropped": dropped,
            "linearizable": ok,
            "steps": info.get("steps"),
            "versions": max(facts.writer) if facts.writer else 0,
            "readback_complete": facts.complete,
        }
        violations.extend(kv)
    return {"violations": violations, "per_key": per_key, "unverified": unverified}
