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
package io.amberio.cluster.transport.tcp;

import io.amberio.cluster.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The exchanges a {@link NetworkTransport} serves on one incoming connection, keyed by the caller's
 * request ids, which must increase. A frame for an id at or below the highest seen but no longer
 * active is a late frame of a finished exchange and is dropped; a frame for a higher id that is not
 * a REQUEST breaks the protocol. Confined to the I/O loop.
 */
final class ServerSession implements Connection.Listener {

  private final NetworkTransport transport;
  private Connection connection;
  private final Map<Long, ServerExchange> active = new HashMap<>();
  private long highestId;

  ServerSession(NetworkTransport transport) {
    this.transport = transport;
  }

  void attach(Connection c) {
    connection = c;
  }

  Connection connection() {
    return connection;
  }

  void remove(long id) {
    active.remove(id);
  }

  /** Closes the connection, cancelling its exchanges with {@code cause}. */
  void shutdown(TransportException cause) {
    connection.goAway(cause);
  }

  @Override
  public void opened(Connection c) {}

  @Override
  public void frame(Connection c, byte kind, ByteBuffer payload) throws Wire.Malformed {
    if (kind == Wire.REQUEST) {
      Wire.RequestHead head = Wire.parseRequest(payload);
      if (head.id() <= highestId) {
        throw new Wire.Malformed(
            "request id " + head.id() + " does not increase (last " + highestId + ")");
      }
      highestId = head.id();
      ServerExchange x = new ServerExchange(transport, this, c.peer(), head);
      active.put(head.id(), x);
      x.start();
      return;
    }
    long id = Wire.id(payload.duplicate());
    ServerExchange x = active.get(id);
    if (x == null) {
      if (id > highestId) {
        throw new Wire.Malformed("a frame for request " + id + ", which was never sent");
      }
      return; // a late frame of a finished exchange
    }
    switch (kind) {
      case Wire.DATA:
        x.onData(payload.position(Wire.ID_BYTES).slice());
        break;
      case Wire.END:
        Wire.done(payload.position(Wire.ID_BYTES));
        x.onEnd();
        break;
      case Wire.CANCEL:
        Wire.done(payload.position(Wire.ID_BYTES));
        x.onCancel();
        break;
      case Wire.CREDIT:
        x.onCredit(Wire.parseCredit(payload.position(Wire.ID_BYTES)));
        break;
      default:
        throw new Wire.Malformed("frame kind " + kind + " is not sent by clients");
    }
  }

  @Override
  public void closed(Connection c, TransportException cause) {
    transport.forget(this);
    for (ServerExchange x : new ArrayList<>(active.values())) {
      x.cancel(cause);
    }
    active.clear();
  }
}
