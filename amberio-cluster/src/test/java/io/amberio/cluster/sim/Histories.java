/*
 * Copyright 2026 The Amberio Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.amberio.cluster.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * Generates histories that are linearizable by construction, and corrupts them.
 *
 * <p>Step {@code i} takes effect at time {@code 100 * (i + 1)} on a {@link ReferenceRegister} (one
 * per path); its interval reaches {@code before} and {@code after} hundreds either side, so it
 * overlaps up to that many neighbours. Times never tie. The effect order is a linearization
 * consistent with real time, so the history is linearizable whatever the widths. One step in ten
 * has an unknown outcome, half of those applied, half never applied.
 */
final class Histories {

  private Histories() {}

  /** One generated step; every field is a small pick that {@link #build} turns into a call. */
  record Step(int path, int kind, int arg, int before, int after, int fate) {}

  static Arbitrary<Step> steps(int paths, int maxWidth) {
    return Combinators.combine(
            Arbitraries.integers().between(0, paths - 1),
            Arbitraries.integers().between(0, 9),
            Arbitraries.integers().between(0, 9),
            Arbitraries.integers().between(0, maxWidth),
            Arbitraries.integers().between(0, maxWidth),
            Arbitraries.integers().between(0, 19))
        .as(Step::new);
  }

  static Arbitrary<List<Step>> histories(int paths, int maxSteps, int maxWidth) {
    return steps(paths, maxWidth)
        .list()
        .ofMinSize(1)
        .ofMaxSize(maxSteps)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  /**
   * A history of {@code size} steps drawn from {@code random}, for tests that want long histories
   * cheaply.
   */
  static List<Step> random(Random random, int size, int paths, int maxWidth) {
    List<Step> steps = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      steps.add(
          new Step(
              random.nextInt(paths),
              random.nextInt(10),
              random.nextInt(10),
              random.nextInt(maxWidth + 1),
              random.nextInt(maxWidth + 1),
              random.nextInt(20)));
    }
    return steps;
  }

  static String path(int p) {
    return "p" + p;
  }

  /** The linearizable history of {@code steps}. */
  static History build(List<Step> steps) {
    Map<Integer, ReferenceRegister> models = new HashMap<>();
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      ReferenceRegister model = models.computeIfAbsent(s.path(), p -> new ReferenceRegister());
      Call call = call(s, i, model.max());
      long at = 100L * (i + 1);
      long invoke = at - 1 - 100L * s.before();
      long response = at + 1 + 100L * s.after();
      String client = "c" + (i % 4);
      if (s.fate() == 0) { // unknown, applied
        model.apply(call);
        ops.add(
            new Operation(
                i + 1,
                client,
                path(s.path()),
                call,
                Outcome.unknown(),
                invoke,
                Operation.NO_RESPONSE));
      } else if (s.fate() == 1) { // unknown, never applied
        ops.add(
            new Operation(
                i + 1,
                client,
                path(s.path()),
                call,
                Outcome.unknown(),
                invoke,
                Operation.NO_RESPONSE));
      } else {
        Outcome out = model.apply(call);
        ops.add(new Operation(i + 1, client, path(s.path()), call, out, invoke, response));
      }
    }
    return History.of(ops);
  }

  private static Call call(Step s, int i, long max) {
    String value = "v" + (i + 1);
    switch (s.kind()) {
      case 0:
      case 1:
      case 2:
        return Call.put(value);
      case 3:
      case 4: // mostly the right expected version, sometimes one off or two ahead
        long expected = s.arg() < 6 ? max + 1 : max + 1 + (s.arg() - 7);
        return Call.putIf(Math.max(1, expected), value);
      case 5:
      case 6:
        return Call.get();
      case 7:
        return Call.get(1 + s.arg() % (max + 1));
      case 8:
        return Call.delete();
      default:
        return Call.deleteVersion(1 + s.arg() % (max + 1));
    }
  }

  /**
   * {@code history} with the outcome of one completed operation replaced by a different one that
   * its call could have answered: a version number off by one, another value, or another kind of
   * answer.
   *
   * @param target picks the operation among the completed ones
   * @param how picks the corruption
   */
  static Mutation mutate(History history, int target, int how) {
    List<Operation> completed = new ArrayList<>();
    for (Operation o : history.operations()) {
      if (o.completed()) {
        completed.add(o);
      }
    }
    if (completed.isEmpty()) {
      return null;
    }
    Operation victim = completed.get(Math.floorMod(target, completed.size()));
    String otherValue = null;
    for (Operation o : history.byPath().get(victim.path())) {
      if (o.call() instanceof Call.Put) {
        String v = ((Call.Put) o.call()).valueId();
        boolean same =
            victim.outcome() instanceof Outcome.Found
                && ((Outcome.Found) victim.outcome()).valueId().equals(v);
        if (!same) {
          otherValue = v;
          break;
        }
      }
    }
    if (otherValue == null) {
      otherValue = "never-written";
    }
    List<Outcome> choices = alternatives(victim, otherValue);
    Outcome replacement = choices.get(Math.floorMod(how, choices.size()));
    List<Operation> ops = new ArrayList<>(history.operations());
    Operation mutated =
        new Operation(
            victim.id(),
            victim.client(),
            victim.path(),
            victim.call(),
            replacement,
            victim.invoke(),
            victim.response());
    ops.set(ops.indexOf(victim), mutated);
    return new Mutation(History.of(ops), victim, mutated);
  }

  /** A corrupted history, the operation before and after corruption. */
  record Mutation(History history, Operation original, Operation mutated) {}

  private static List<Outcome> alternatives(Operation op, String otherValue) {
    List<Outcome> out = new ArrayList<>();
    Outcome o = op.outcome();
    Call c = op.call();
    if (o instanceof Outcome.Written) {
      long v = ((Outcome.Written) o).version();
      out.add(Outcome.written(v + 1));
      if (v > 1) {
        out.add(Outcome.written(v - 1));
      }
      out.add(c instanceof Call.Put ? Outcome.conflict(v - 1) : Outcome.notFound());
    } else if (o instanceof Outcome.Conflict) {
      long l = ((Outcome.Conflict) o).latest();
      out.add(Outcome.conflict(l + 1));
      if (l > 0) {
        out.add(Outcome.conflict(l - 1));
      }
      out.add(Outcome.written(l + 1));
    } else if (o instanceof Outcome.Found) {
      Outcome.Found f = (Outcome.Found) o;
      out.add(Outcome.found(f.version(), otherValue));
      out.add(Outcome.found(f.version() + 1, f.valueId()));
      if (f.version() > 1) {
        out.add(Outcome.found(f.version() - 1, f.valueId()));
      }
      out.add(Outcome.deleted());
      out.add(Outcome.notFound());
    } else if (o instanceof Outcome.NotFound) {
      if (c instanceof Call.Delete) {
        out.add(Outcome.written(1));
      } else if (c instanceof Call.Get) {
        Call.Get g = (Call.Get) c;
        out.add(Outcome.deleted());
        out.add(Outcome.found(g.version().orElse(1), otherValue));
      } else {
        out.add(Outcome.deleted());
        out.add(Outcome.tombstoned());
      }
    } else if (o instanceof Outcome.Deleted) {
      out.add(Outcome.notFound());
      if (c instanceof Call.Get) {
        Call.Get g = (Call.Get) c;
        out.add(Outcome.found(g.version().orElse(1), otherValue));
      }
    } else if (o instanceof Outcome.Tombstoned) {
      out.add(Outcome.notFound());
      out.add(Outcome.deleted());
    }
    out.removeIf(x -> x.equals(o));
    return out;
  }
}
