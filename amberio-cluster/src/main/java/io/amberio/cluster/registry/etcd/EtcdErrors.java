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
package io.amberio.cluster.registry.etcd;

import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.RegistryException.Reason;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps what jetcd and gRPC fail with to {@link RegistryException} reasons, by exception type and
 * gRPC status code, never by message text.
 *
 * <p>The rule that matters for 2PC: a <em>write</em> is reported as definitely not applied only
 * when that is certain (the server refused it with a definite code, or the connection was never
 * made). Every ambiguous failure of a write (deadline, connection lost mid-call, an etcd "request
 * timed out", an unknown error) becomes {@link Reason#TIMEOUT}: outcome unknown. gRPC's UNAVAILABLE
 * is ambiguous for a write unless a {@link ConnectException} caused it (etcd's own Go client
 * reasons the same way).
 */
final class EtcdErrors {

  private EtcdErrors() {}

  /**
   * The registry exception for {@code failure} of an operation described by {@code what}.
   *
   * @param write whether the operation changes state (so an ambiguous failure is outcome-unknown)
   * @param closing whether the registry was closed when the failure arrived
   */
  static RegistryException map(Throwable failure, boolean write, boolean closing, String what) {
    Throwable t = unwrap(failure);
    if (t instanceof RegistryException) {
      return (RegistryException) t;
    }
    if (has(t, CompactedException.class)) {
      return new RegistryException(
          Reason.COMPACTED, what + ": the start revision was compacted", t);
    }
    if (has(t, ClosedClientException.class)) {
      // jetcd refuses calls on a closed client before sending them.
      return new RegistryException(Reason.CLOSED, what + ": the etcd client is closed", t);
    }
    if (has(t, ConnectException.class) || has(t, UnresolvedAddressException.class)) {
      return new RegistryException(
          Reason.UNAVAILABLE, what + ": cannot connect to etcd (not applied)", t);
    }
    Status.Code code = codeOf(t);
    switch (code) {
      case DEADLINE_EXCEEDED:
        return new RegistryException(
            Reason.TIMEOUT, what + ": etcd deadline exceeded (outcome unknown)", t);
      case NOT_FOUND:
        return new RegistryException(Reason.LEASE_NOT_FOUND, what + ": the lease was not found", t);
      case INVALID_ARGUMENT:
      case OUT_OF_RANGE:
      case FAILED_PRECONDITION:
        return new RegistryException(
            Reason.INVALID_ARGUMENT, what + ": etcd refused the request: " + code, t);
      case RESOURCE_EXHAUSTED:
      case PERMISSION_DENIED:
      case UNAUTHENTICATED:
      case UNIMPLEMENTED:
        return new RegistryException(
            Reason.UNAVAILABLE, what + ": etcd refused the request: " + code, t);
      default:
        if (closing && !write) {
          return new RegistryException(Reason.CLOSED, what + ": the registry was closed", t);
        }
        if (write) {
          return new RegistryException(
              Reason.TIMEOUT,
              what + ": no definite answer from etcd (" + code + "); outcome unknown",
              t);
        }
        return new RegistryException(
            Reason.UNAVAILABLE, what + ": etcd is unavailable (" + code + ")", t);
    }
  }

  /** Whether {@code failure} says the lease does not exist. */
  static boolean isNotFound(Throwable failure) {
    return codeOf(unwrap(failure)) == Status.Code.NOT_FOUND;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean has(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static Status.Code codeOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof EtcdException) {
        return Status.Code.valueOf(((EtcdException) c).getErrorCode().name());
      }
      if (c instanceof StatusRuntimeException) {
        return ((StatusRuntimeException) c).getStatus().getCode();
      }
      if (c instanceof StatusException) {
        return ((StatusException) c).getStatus().getCode();
      }
    }
    return Status.Code.UNKNOWN;
  }
}
