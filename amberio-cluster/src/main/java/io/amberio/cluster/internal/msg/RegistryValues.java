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
package io.amberio.cluster.internal.msg;

import io.amberio.cluster.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The smaller registry values, one format each, read and written only here. (A slot's state is
 * {@code SlotState}'s; a transaction's decision is {@link Decision}'s.)
 *
 * <ul>
 *   <li>{@code cluster}: the topology, {@code v1;slots=<n>;rf=<r>;<id>=<address>[@<zone>]...},
 *       versioned since release 0.1. A node joins only a registry whose cluster value equals its
 *       own topology's.
 *   <li>{@code nodes/<id>}: the node's lease (liveness session), {@code v2|<lease>}; release 0.1
 *       wrote the bare number (version 1). Nodes read the lease from the key's metadata, not from
 *       the value.
 *   <li>{@code stores/<id>}: the id of the store the node serves from, {@code v2|<store id>};
 *       release 0.1 wrote the bare id (version 1, which never starts with {@code v<digits>|}: it is
 *       a UUID).
 *   <li>{@code credential-check}: {@code v2|<hex>}, the transport's {@link
 *       io.amberio.cluster.transport.Transport#credentialCheck() credential check} of the first
 *       node that joined with one (new in version 2; a registry of release 0.1 has none, and the
 *       first node of this release to join records its own).
 * </ul>
 */
public final class RegistryValues {
  private static final String TOPOLOGY_V1 = "v1;";
  private static final String V2 = "v2|";

  private RegistryValues() {}

  public static byte[] topology(Topology t) {
    StringBuilder b =
        new StringBuilder(TOPOLOGY_V1)
            .append("slots=")
            .append(t.slotCount())
            .append(";rf=")
            .append(t.replicationFactor());
    for (Topology.Node n : t.nodes()) {
      b.append(";").append(n.id().value()).append('=').append(n.address());
      n.zone().ifPresent(z -> b.append('@').append(z));
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether the cluster value {@code value} describes {@code t}; refuses a format it does not
   * speak.
   */
  public static boolean sameTopology(byte[] value, Topology t) {
    String v = new String(value, StandardCharsets.UTF_8);
    if (!v.startsWith(TOPOLOGY_V1)) {
      int end = v.indexOf(';');
      throw new UnsupportedVersionException(
          "cluster record '" + v + "'", end > 0 ? v.substring(0, end) : v, List.of("v1"));
    }
    return v.equals(new String(topology(t), StandardCharsets.UTF_8));
  }

  public static byte[] credentialCheck(byte[] check) {
    return (V2 + HexFormat.of().formatHex(check)).getBytes(StandardCharsets.UTF_8);
  }

  /** The check recorded in a {@code credential-check} value; refuses another version. */
  public static byte[] credentialCheck(String key, byte[] value) {
    String v = new String(value, StandardCharsets.UTF_8);
    if (!v.startsWith(V2)) {
      int end = v.indexOf('|');
      throw new UnsupportedVersionException(
          key + " '" + v + "'", end > 0 ? v.substring(0, end) : v, List.of("v2"));
    }
    try {
      return HexFormat.of().parseHex(v.substring(V2.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unreadable " + key + " '" + v + "'", e);
    }
  }

  public static byte[] node(long lease) {
    return (V2 + lease).getBytes(StandardCharsets.UTF_8);
  }

  /** The lease of a {@code nodes/<id>} value of either version. */
  public static long nodeLease(byte[] value) {
    String v = unversioned(value, "node registration");
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unreadable node registration '" + v + "'", e);
    }
  }

  public static byte[] store(String storeId) {
    return (V2 + storeId).getBytes(StandardCharsets.UTF_8);
  }

  /** The store id of a {@code stores/<id>} value of either version. */
  public static String storeId(byte[] value) {
    return unversioned(value, "store record");
  }

  /** The payload of a value that is {@code v2|<payload>} or, in version 1, the bare payload. */
  private static String unversioned(byte[] value, String what) {
    String v = new String(value, StandardCharsets.UTF_8);
    if (v.startsWith(V2)) {
      return v.substring(V2.length());
    }
    if (v.matches("v[0-9]+\\|.*")) {
      throw new UnsupportedVersionException(
          what + " '" + v + "'", v.substring(1, v.indexOf('|')), List.of("1 (unversioned)", "2"));
    }
    return v;
  }
}
