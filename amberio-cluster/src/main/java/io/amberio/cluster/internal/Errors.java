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
package io.amberio.cluster.internal;

import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.msg.UnsupportedVersionException;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.TransportException;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import java.util.Locale;

/** How store failures cross the wire and come back as the same {@link BlobStoreException}. */
public final class Errors {
  private static final String STORE = "store.";

  private Errors() {}

  /** The handler failure that carries {@code t} to the caller. */
  public static HandlerException toRemote(Throwable t) {
    t = Bodies.unwrap(t);
    if (t instanceof HandlerException h) {
      return h;
    }
    if (t instanceof BlobStoreException e) {
      String code = STORE + e.reason().name().toLowerCase(Locale.ROOT);
      if (e.reason() == Reason.VERSION_CONFLICT) {
        code += "." + e.latestVersion().orElse(0);
      } else if (e.reason() == Reason.RANGE_NOT_SATISFIABLE) {
        code += "." + e.size().orElse(0);
      }
      return new HandlerException(code, String.valueOf(e.getMessage()));
    }
    if (t instanceof UnsupportedVersionException) {
      return new HandlerException(Codes.UNSUPPORTED_VERSION, t.getMessage());
    }
    if (t instanceof IllegalArgumentException) {
      return new HandlerException(Codes.BAD_REQUEST, String.valueOf(t.getMessage()));
    }
    return new HandlerException("internal", t.toString());
  }

  /** The store failure a remote error stands for, or null if it is not one. */
  public static BlobStoreException fromRemote(Throwable t) {
    t = Bodies.unwrap(t);
    if (t instanceof BlobStoreException b) {
      return b;
    }
    if (!(t instanceof TransportException te)
        || te.remoteCode().isEmpty()
        || !te.remoteCode().get().startsWith(STORE)) {
      return null;
    }
    String[] parts = te.remoteCode().get().substring(STORE.length()).split("\\.");
    Reason reason;
    try {
      reason = Reason.valueOf(parts[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
    String message = te.getMessage();
    int i = message.indexOf("]: ");
    message = i >= 0 ? message.substring(i + 3) : message;
    long extra = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
    if (reason == Reason.RANGE_NOT_SATISFIABLE) {
      return BlobStoreException.rangeNotSatisfiable(extra);
    }
    return BlobStoreException.of(reason, message);
  }

  /** The remote handler code of {@code t}, or "" if it is not a remote error. */
  public static String code(Throwable t) {
    t = Bodies.unwrap(t);
    return t instanceof TransportException te ? te.remoteCode().orElse("") : "";
  }

  /** Whether a registry failure leaves the outcome of a write unknown. */
  public static boolean outcomeUnknown(Throwable t) {
    t = Bodies.unwrap(t);
    return t instanceof RegistryException re && re.reason() == RegistryException.Reason.TIMEOUT;
  }

  public static BlobStoreException unavailable(String message, Throwable cause) {
    return BlobStoreException.of(
        Reason.UNAVAILABLE, message, cause == null ? null : Bodies.unwrap(cause));
  }
}
