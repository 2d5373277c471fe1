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

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.TransportException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exchanges a {@link NetworkTransport} multiplexes on one outgoing connection, keyed by request
 * id (1, 2, 3... per connection). Exchanges submitted before the handshake completes wait, and fail
 * with the connection's reason ({@code UNREACHABLE}, {@code REJECTED_AUTH}) if it never opens.
 * Confined to the I/O loop.
 */
final class ClientSession implements Connection.Listener {

  private final NetworkTransport transport;
  private final NodeId peer;
  private Connection connection;
  private final Map<Long, ClientExchange> active = new HashMap<>();
  private final ArrayDeque<ClientExchange> waiting = new ArrayDeque<>();
  private long lastId;
  private boolean open;
  private TransportException dead;

  ClientSession(NetworkTransport transport, NodeId peer) {
    this.transport = transport;
    this.peer = peer;
  }

  void connect(InetSocketAddress address) {
    connection = Connection.connect(transport.loop(), transport.settings(), peer, address, this);
  }

  Connection connection() {
    return connection;
  }

  /** Exchanges in progress or waiting on this connection. */
  int load() {
    return active.size() + waiting.size();
  }

  /** Starts {@code x} on this connection, or queues it until the handshake completes. */
  void submit(ClientExchange x) {
    if (dead != null) {
      x.connectionFailed(dead);
    } else if (open) {
      start(x);
    } else {
      x.queued(this);
      waiting.add(x);
    }
  }

  private void start(ClientExchange x) {
    long id = ++lastId;
    active.put(id, x);
    x.started(this, id);
  }

  void remove(ClientExchange x, long id) {
    if (id == 0) {
      waiting.remove(x);
    } else {
      active.remove(id);
    }
  }

  /** Closes the connection, failing its exchanges with {@code cause}. */
  void shutdown(TransportException cause) {
    connection.goAway(cause);
  }

  @Override
  public void opened(Connection c) {
    open = true;
    while (!waiting.isEmpty()) {
      start(waiting.poll());
    }
  }

  @Override
  public void frame(Connection c, byte kind, ByteBuffer payload) throws Wire.Malformed {
    long id = Wire.id(payload.duplicate());
    ClientExchange x = active.get(id);
    if (x == null) {
      if (id > lastId) {
        throw new Wire.Malformed("a frame for request " + id + ", which was never sent");
      }
      return; // a late frame of a finished exchange
    }
    switch (kind) {
      case Wire.RESPONSE:
        x.onResponse(Wire.parseResponse(payload));
        break;
      case Wire.FAILURE:
        x.onFailure(Wire.parseFailure(payload));
        break;
      case Wire.DATA:
        x.onData(payload.position(Wire.ID_BYTES).slice());
        break;
      case Wire.END:
        Wire.done(payload.position(Wire.ID_BYTES));
        x.onEnd();
        break;
      case Wire.CREDIT:
        x.onCredit(Wire.parseCredit(payload.position(Wire.ID_BYTES)));
        break;
      case Wire.STOP:
        Wire.done(payload.position(Wire.ID_BYTES));
        x.onStop();
        break;
      default:
        throw new Wire.Malformed("frame kind " + kind + " is not sent by servers");
    }
  }

  @Override
  public void closed(Connection c, TransportException cause) {
    dead = cause;
    transport.forget(this, peer);
    List<ClientExchange> all = new ArrayList<>(waiting);
    all.addAll(active.values());
    waiting.clear();
    active.clear();
    for (ClientExchange x : all) {
      x.connectionFailed(cause);
    }
  }
}
