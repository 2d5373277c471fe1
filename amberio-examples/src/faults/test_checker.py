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
"""The checker accepts correct histories and catches planted anomalies.

Run: python3 -m unittest discover -s amberio-examples/src/faults -p 'test_*.py'
"""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checker  # noqa: E402


class H:
    """Builds histories."""

    def __init__(self):
        self.ops = []
        self.n = 0

    def add(self, f, inv, ret, typ="ok", key="k", **kw):
        self.n += 1
        op = {"id": self.n, "key": key, "f": f, "inv": inv, "ret": ret if typ != "info" else None,
              "type": typ, "phase": kw.pop("phase", "run"), "node": "n1", "code": kw.pop("code", "")}
        op.update(kw)
        self.ops.append(op)
        return op["id"]

    def put(self, inv, ret, version=None, typ="ok", **kw):
        return self.add("put", inv, ret, typ, version=version, **kw)

    def cput(self, inv, ret, arg, typ="ok", **kw):
        return self.add("cput", inv, ret, typ, arg=arg, version=arg if typ == "ok" else None, **kw)

    def delete(self, inv, ret, version=None, typ="ok", **kw):
        return self.add("delete", inv, ret, typ, version=version, **kw)

    def get(self, inv, ret, version=None, writer=None, state=None, **kw):
        read = ["value", writer] if writer is not None else [state]
        return self.add("get", inv, ret, "ok", version=version, read=read, **kw)

    def final(self, t, versions):
        """versions: list of writer ids or "marker", for 1..n; then a not_found."""
        for i, w in enumerate(versions, 1):
            if w == "marker":
                self.add("vget", t, t + 0.01, "ok", arg=i, read=["deleted"], phase="final")
            else:
                self.add("vget", t, t + 0.01, "ok", arg=i, version=i, read=["value", w], phase="final")
        self.add("vget", t, t + 0.01, "ok", arg=len(versions) + 1, read=["not_found"], phase="final")

    def check(self):
        return checker.check_history(self.ops)


def kinds(result):
    return sorted({v.kind for v in result["violations"]})


class CheckerTest(unittest.TestCase):
    def test_sequential_history_passes(self):
        h = H()
        a = h.put(0, 1, 1)
        h.get(2, 3, 1, a)
        b = h.cput(4, 5, 2)
        h.get(6, 7, 2, b)
        h.delete(8, 9, 3)
        h.get(10, 11, state="deleted")
        h.add("cput", 12, 13, "fail", arg=3, latest=3, code="409 version_conflict")
        h.final(20, [a, b, "marker"])
        r = h.check()
        self.assertEqual([], r["violations"], [str(v) for v in r["violations"]])
        self.assertTrue(r["per_key"]["k"]["linearizable"])

    def test_concurrent_reads_may_see_either(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.put(2, 6, 2)
        h.get(3, 4, 2, b)   # sees the new one while it is in flight
        h.get(4.5, 5, 2, b)  # then must not go back
        h.final(10, [a, b])
        self.assertEqual([], h.check()["violations"])

    def test_stale_read_is_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.put(2, 3, 2)
        h.get(4, 5, 1, a)
        h.final(10, [a, b])
        r = h.check()
        self.assertIn("stale-read", kinds(r))
        self.assertIn("not-linearizable", kinds(r))

    def test_non_monotonic_reads_are_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.put(2, 10, 2)
        h.get(3, 4, 2, b)
        h.get(5, 6, 1, a)
        h.final(20, [a, b])
        r = h.check()
        self.assertIn("non-monotonic-read", kinds(r))
        self.assertIn("not-linearizable", kinds(r))

    def test_lost_acknowledged_write_is_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.put(2, 3, 2)
        h.final(10, [a])  # version 2 gone
        r = h.check()
        self.assertIn("lost-write", kinds(r))

    def test_failed_write_that_became_visible_is_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.put(2, 3, typ="fail", code="503 unavailable")
        h.get(4, 5, 2, b)
        h.final(10, [a, b])
        self.assertIn("failed-write-visible", kinds(h.check()))

    def test_unknown_outcome_write_may_take_effect_or_not(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.put(2, None, typ="info", code="503 outcome_unknown")
        c = h.put(3, None, typ="info", code="client timeout")
        h.get(5, 6, 2, b)
        h.final(10, [a, b])  # c had no effect
        r = h.check()
        self.assertEqual([], r["violations"], [str(v) for v in r["violations"]])
        self.assertEqual(1, r["per_key"]["k"]["info_dropped"])

    def test_duplicate_version_is_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.put(0.5, 1.5, 1)
        h.final(10, [a])
        self.assertIn("version-conflict", kinds(h.check()))

    def test_two_winning_conditional_puts_are_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        b = h.cput(2, 4, 2)
        c = h.cput(2, 4, 2)
        h.final(10, [a, b])
        self.assertIn("version-conflict", kinds(h.check()))

    def test_read_of_deleted_after_acknowledged_put_is_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        h.delete(2, 3, 2)
        b = h.put(4, 5, 3)
        h.get(6, 7, state="deleted")
        h.final(10, [a, "marker", b])
        self.assertIn("not-linearizable", kinds(h.check()))

    def test_delete_404_on_written_path_is_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        h.delete(2, 3, typ="fail", code="404 not_found")
        h.final(10, [a])
        r = h.check()
        self.assertIn("stale-read", kinds(r))
        self.assertIn("not-linearizable", kinds(r))

    def test_garbage_value_is_caught(self):
        h = H()
        h.put(0, 1, 1)
        h.add("get", 2, 3, "ok", version=1, read=["garbage", "xyz"])
        self.assertIn("garbage-read", kinds(h.check()))

    def test_read_from_the_future_is_caught(self):
        h = H()
        a = h.put(0, 1, 1)
        h.get(2, 3, 2, 3)  # names op 3, invoked after the read returned
        b = h.put(4, None, typ="info")
        self.assertEqual(3, b)
        self.assertIn("future-read", kinds(h.check()))

    def test_subtle_order_only_the_search_sees(self):
        # Two writes, concurrent; two reads that each finish before the other's write could have
        # been ordered consistently: r1 sees b (v2) then r2 sees a as current at v... Here: a
        # unknown-outcome delete must fit between; reads say "deleted" then value of v1 again.
        h = H()
        a = h.put(0, 1, 1)
        d = h.delete(2, None, typ="info")
        h.get(3, 4, state="deleted")
        h.get(5, 6, 1, a)
        h.final(10, [a, "marker"])
        r = h.check()
        self.assertIn("not-linearizable", kinds(r))

    def test_random_linearizable_histories_pass(self):
        rng = random.Random(7)
        for trial in range(200):
            h = H()
            # a true register, with ops of random length around their linearization point
            mx, cur, t = 0, None, 0.0
            versions = []
            for i in range(40):
                t += rng.uniform(0.1, 1.0)
                inv = t - rng.uniform(0, 2.0)
                ret = t + rng.uniform(0, 2.0)
                r = rng.random()
                if r < 0.35:
                    mx += 1
                    w = h.n + 1
                    unknown = rng.random() < 0.1
                    h.put(inv, ret, None if unknown else mx, typ="info" if unknown else "ok")
                    cur = w
                    versions.append(w)
                elif r < 0.45 and mx >= 1:
                    mx += 1
                    unknown = rng.random() < 0.2
                    h.delete(inv, ret, None if unknown else mx, typ="info" if unknown else "ok")
                    cur = None
                    versions.append("marker")
                elif r < 0.55:
                    if rng.random() < 0.5:
                        h.cput(inv, ret, mx + 1)
                        mx += 1
                        cur = h.n
                        versions.append(cur)
                    else:
                        h.add("cput", inv, ret, "fail", arg=mx + 5, latest=mx, code="409 version_conflict")
                elif r < 0.6:
                    h.put(inv, ret, typ="info")  # never took effect
                else:
                    if mx == 0:
                        h.get(inv, ret, state="not_found")
                    elif cur is None:
                        h.get(inv, ret, state="deleted")
                    else:
                        h.get(inv, ret, mx, cur)
            h.final(t + 10, versions)
            res = h.check()
            self.assertEqual([], res["violations"], f"trial {trial}: {[str(v) for v in res['violations']]}")


if __name__ == "__main__":
    unittest.main()
