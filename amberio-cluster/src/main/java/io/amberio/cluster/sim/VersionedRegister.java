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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sequential specification of one path: the contract's versioned register, in a compact
 * immutable form that the checker can hash and share.
 *
 * <p>A state is an {@code int[]} with one entry per version ever written ({@code state.length} is
 * the highest version, {@code max}): an entry {@code >= 0} is a live version holding the value with
 * that code, {@link #MARKER} a delete marker, {@link #TOMBSTONE} a tombstoned version. Value ids
 * are interned into codes per path. States are never mutated: a step that changes something returns
 * a copy.
 *
 * <p>A register compiled with {@code anonymous = true} gives every value that no read of the
 * history returns the one code {@link #UNREAD}. No answer can tell such values apart, so this
 * changes no verdict, and states that differ only in them become equal, which lets the checker's
 * memo merge them.
 *
 * <p>The rules (from {@code contract/http-api.md}, with the core's decisions where the contract is
 * silent):
 *
 * <ul>
 *   <li>put writes {@code max+1}; a conditional put with {@code N != max+1} answers {@code
 *       conflict(max)};
 *   <li>get of the current version: {@code not_found} if the path was never written ({@code max ==
 *       0}); the newest live version unless a newer marker hides it; {@code deleted} when there is
 *       none;
 *   <li>get of version {@code n}: {@code not_found} if {@code n > max}, {@code deleted} unless it
 *       is live;
 *   <li>delete writes a marker as {@code max+1}, or answers {@code not_found} for a path never
 *       written;
 *   <li>deleteVersion {@code n}: {@code not_found} if {@code n > max}; otherwise tombstones it (a
 *       marker is lifted, a tombstone stays one) and answers {@code tombstoned}.
 * </ul>
 *
 * Garbage collection is not modelled: an answer that only collection explains is reported as a
 * violation.
 */
final class VersionedRegister {

  static final int MARKER = -1;
  static final int TOMBSTONE = -2;
  static final int[] INITIAL = new int[0];

  /** The code of every value that no read returns, in an anonymous register. */
  static final int UNREAD = 0;

  // Operation kinds.
  static final int PUT = 0;
  static final int GET = 1;
  static final int DELETE = 2;
  static final int DELETE_VERSION = 3;

  // Answer kinds.
  static final int WRITTEN = 0;
  static final int CONFLICT = 1;
  static final int FOUND = 2;
  static final int NOT_FOUND = 3;
  static final int DELETED = 4;
  static final int TOMBSTONED = 5;
  static final int UNKNOWN = 6;

  /** No number: a put without an expected version, a get of the current version. */
  static final long NONE = -1;

  /** One operation, compiled to ints so that a search step allocates nothing but the next state. */
  static final class Op {
    final Operation source;
    final int kind;
    final long arg; // expected version, version to read or to tombstone, or NONE
    final int value; // value code of a put, or -1
    final int answerKind;
    final long answerNumber; // version written/found, latest of a conflict, or NONE
    final int answerValue; // value code of a found answer, or -1
    final long
        pin; // for an unknown put: the only version it may write (see Impossible.pins), or NONE

    Op(
        Operation source,
        int kind,
        long arg,
        int value,
        int answerKind,
        long answerNumber,
        int answerValue,
        long pin) {
      this.source = source;
      this.kind = kind;
      this.arg = arg;
      this.value = value;
      this.answerKind = answerKind;
      this.answerNumber = answerNumber;
      this.answerValue = answerValue;
      this.pin = pin;
    }

    boolean unknown() {
      return answerKind == UNKNOWN;
    }
  }

  /** The model's answer to one step, written in place. */
  static final class Answer {
    int kind;
    long number;
    int value;

    void set(int kind, long number, int value) {
      this.kind = kind;
      this.number = number;
      this.value = value;
    }

    boolean matches(Op op) {
      return op.answerKind == UNKNOWN
          || (op.answerKind == kind && op.answerNumber == number && op.answerValue == value);
    }
  }

  private final Map<String, Integer> codes = new HashMap<>();
  private final List<String> values = new ArrayList<>();
  private final boolean anonymous;
  private final Set<String> read = new HashSet<>();

  /**
   * A register that keeps every value apart ({@code anonymous = false}) or merges the unread ones.
   */
  VersionedRegister(boolean anonymous) {
    this.anonymous = anonymous;
    values.add("(a value no read returns)"); // UNREAD
  }

  /** Compiles the operations of one path, interning their value ids. */
  List<Op> compile(List<Operation> operations) {
    for (Operation o : operations) {
      if (o.outcome() instanceof Outcome.Found) {
        read.add(((Outcome.Found) o.outcome()).valueId());
      }
    }
    Map<Operation, Long> pins = Impossible.pins(operations);
    List<Op> out = new ArrayList<>(operations.size());
    for (Operation o : operations) {
      out.add(compile(o, pins.getOrDefault(o, NONE)));
    }
    return out;
  }

  private Op compile(Operation o, long pin) {
    int kind;
    long arg = NONE;
    int value = -1;
    Call call = o.call();
    if (call instanceof Call.Put) {
      Call.Put put = (Call.Put) call;
      kind = PUT;
      arg = put.expectedVersion().isPresent() ? put.expectedVersion().getAsLong() : NONE;
      value = code(put.valueId());
    } else if (call instanceof Call.Get) {
      Call.Get get = (Call.Get) call;
      kind = GET;
      arg = get.version().isPresent() ? get.version().getAsLong() : NONE;
    } else if (call instanceof Call.Delete) {
      kind = DELETE;
    } else {
      kind = DELETE_VERSION;
      arg = ((Call.DeleteVersion) call).version();
    }
    Outcome out = o.outcome();
    int answerKind;
    long number = NONE;
    int answerValue = -1;
    if (out instanceof Outcome.Written) {
      answerKind = WRITTEN;
      number = ((Outcome.Written) out).version();
    } else if (out instanceof Outcome.Conflict) {
      answerKind = CONFLICT;
      number = ((Outcome.Conflict) out).latest();
    } else if (out instanceof Outcome.Found) {
      Outcome.Found found = (Outcome.Found) out;
      answerKind = FOUND;
      number = found.version();
      answerValue = code(found.valueId());
    } else if (out instanceof Outcome.NotFound) {
      answerKind = NOT_FOUND;
    } else if (out instanceof Outcome.Deleted) {
      answerKind = DELETED;
    } else if (out instanceof Outcome.Tombstoned) {
      answerKind = TOMBSTONED;
    } else {
      answerKind = UNKNOWN;
    }
    return new Op(o, kind, arg, value, answerKind, number, answerValue, pin);
  }

  private int code(String valueId) {
    if (anonymous && !read.contains(valueId)) {
      return UNREAD;
    }
    Integer c = codes.get(valueId);
    if (c == null) {
      c = values.size();
      codes.put(valueId, c);
      values.add(valueId);
    }
    return c;
  }

  /**
   * Applies {@code op} to {@code state}: writes the model's answer into {@code answer}, returns the
   * next state.
   */
  static int[] apply(int[] state, Op op, Answer answer) {
    int max = state.length;
    switch (op.kind) {
      case PUT:
        if (op.arg != NONE && op.arg != max + 1L) {
          answer.set(CONFLICT, max, -1);
          return state;
        }
        answer.set(WRITTEN, max + 1L, -1);
        return append(state, op.value);
      case GET:
        if (op.arg == NONE) {
          if (max == 0) {
            answer.set(NOT_FOUND, NONE, -1);
            return state;
          }
          for (int i = max - 1; i >= 0; i--) {
            if (state[i] == MARKER) {
              break;
            }
            if (state[i] >= 0) {
              answer.set(FOUND, i + 1L, state[i]);
              return state;
            }
          }
          answer.set(DELETED, NONE, -1);
          return state;
        }
        if (op.arg > max) {
          answer.set(NOT_FOUND, NONE, -1);
        } else if (state[(int) op.arg - 1] < 0) {
          answer.set(DELETED, NONE, -1);
        } else {
          answer.set(FOUND, op.arg, state[(int) op.arg - 1]);
        }
        return state;
      case DELETE:
        if (max == 0) {
          answer.set(NOT_FOUND, NONE, -1);
          return state;
        }
        answer.set(WRITTEN, max + 1L, -1);
        return append(state, MARKER);
      case DELETE_VERSION:
        if (op.arg > max) {
          answer.set(NOT_FOUND, NONE, -1);
          return state;
        }
        answer.set(TOMBSTONED, NONE, -1);
        int i = (int) op.arg - 1;
        if (state[i] == TOMBSTONE) {
          return state;
        }
        int[] next = state.clone();
        next[i] = TOMBSTONE;
        return next;
      default:
        throw new AssertionError("kind " + op.kind);
    }
  }

  private static int[] append(int[] state, int entry) {
    int[] next = new int[state.length + 1];
    System.arraycopy(state, 0, next, 0, state.length);
    next[state.length] = entry;
    return next;
  }

  /**
   * The state after applying {@code order} from the initial state, whatever the recorded answers.
   */
  int[] replay(List<Operation> order) {
    int[] state = INITIAL;
    Answer answer = new Answer();
    for (Op op : compile(order)) {
      state = apply(state, op, answer);
    }
    return state;
  }

  /** The model's answer to {@code operation} in {@code state}. */
  Outcome answer(int[] state, Operation operation) {
    Answer answer = new Answer();
    apply(state, compile(List.of(operation)).get(0), answer);
    return outcome(answer);
  }

  /** The model's answer as an {@link Outcome}, for reports. */
  Outcome outcome(Answer answer) {
    switch (answer.kind) {
      case WRITTEN:
        return Outcome.written(answer.number);
      case CONFLICT:
        return Outcome.conflict(answer.number);
      case FOUND:
        return Outcome.found(answer.number, values.get(answer.value));
      case NOT_FOUND:
        return Outcome.notFound();
      case DELETED:
        return Outcome.deleted();
      case TOMBSTONED:
        return Outcome.tombstoned();
      default:
        return Outcome.unknown();
    }
  }

  /** A state for people: {@code max=3 [v1 live "a", v2 marker, v3 tombstoned]}. */
  String describe(int[] state) {
    StringBuilder sb = new StringBuilder("max=v").append(state.length).append(" [");
    for (int i = 0; i < state.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('v').append(i + 1).append(' ');
      if (state[i] == MARKER) {
        sb.append("marker");
      } else if (state[i] == TOMBSTONE) {
        sb.append("tombstoned");
      } else {
        sb.append("live \"").append(values.get(state[i])).append('"');
      }
    }
    return sb.append(']').toString();
  }
}
