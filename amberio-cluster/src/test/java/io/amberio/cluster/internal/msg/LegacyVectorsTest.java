package io.amberio.cluster.internal.msg;

import static io.amberio.cluster.internal.msg.LegacyVectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.internal.Msg;
import io.amberio.cluster.internal.SlotState;
import io.amberio.core.ByteRange;
import io.amberio.core.ReplicaStore.TxnKind;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Today's encoders write exactly the captured vectors (so they are what a store and a registry hold). */
class LegacyVectorsTest {
  private static String h(Msg.Out o) {
    return HexFormat.of().formatHex(o.done());
  }

  @Test
  void messageHeaders() {
    String txn = TXN.toString();
    assertThat(h(new Msg.Out().i(5).s(txn).s(PATH).i(TxnKind.PUT.ordinal()).l(0).s("text/plain").l(CREATED_AT).nodes(NODES)))
        .isEqualTo(LOCK);
    assertThat(h(new Msg.Out().l(2))).isEqualTo(LOCK_REPLY).isEqualTo(DATA_REPLY);
    assertThat(h(new Msg.Out().s(txn))).isEqualTo(DATA).isEqualTo(ABORT).isEqualTo(STATUS);
    assertThat(h(new Msg.Out().s(txn).l(3))).isEqualTo(COMMIT);
    assertThat(h(new Msg.Out().info(INFO))).isEqualTo(COMMIT_REPLY).isEqualTo(FETCH_REPLY);
    assertThat(h(new Msg.Out().b(true))).isEqualTo(STATUS_REPLY);
    assertThat(h(new Msg.Out().i(5).s(PATH).b(true).l(3).i(ByteRange.Kind.CLOSED.ordinal()).l(2).l(6).b(false)))
        .isEqualTo(READ);
    assertThat(h(new Msg.Out().info(INFO).l(2).l(5))).isEqualTo(READ_REPLY);
    assertThat(h(new Msg.Out().s("a/").s(null).i(100).b(true).i(2).i(1).i(5))).isEqualTo(LIST);
    assertThat(h(new Msg.Out().i(1).info(INFO).b(true))).isEqualTo(LIST_REPLY);
    assertThat(h(new Msg.Out().i(5))).isEqualTo(FENCE);
    assertThat(h(new Msg.Out().i(5).s(txn).i(64))).isEqualTo(VERSIONS);
    assertThat(h(new Msg.Out().i(1).info(INFO))).isEqualTo(VERSIONS_REPLY);
    assertThat(h(new Msg.Out().i(5).s(PATH).l(3))).isEqualTo(FETCH);
    assertThat(ABORT_REPLY).isEmpty();
    assertThat(FENCE_REPLY).isEmpty();
  }

  @Test
  void preparedContext() {
    assertThat(h(new Msg.Out().l(4).nodes(NODES))).isEqualTo(CONTEXT);
  }

  @Test
  void registryValues() {
    SlotState s = new SlotState(5, 4, NODES, Map.of(NODES.get(0), 7587L, NODES.get(1), 0L).entrySet().stream()
        .sorted(Map.Entry.comparingByKey((a, b) -> a.value().compareTo(b.value())))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
            java.util.LinkedHashMap::new)), Map.of(NODES.get(2), 7600L));
    assertThat(new String(s.encode(), StandardCharsets.UTF_8)).isEqualTo(SLOT_STATE);
    // The other values are written by package-private code of io.amberio.cluster.internal: read by reflection.
    assertThat(new String((byte[]) call("Membership", "encode", TOPOLOGY), StandardCharsets.UTF_8)).isEqualTo(TOPOLOGY_VALUE);
    assertThat((String) field("Replica", "COMMIT_PREFIX") + 3).isEqualTo(COMMIT_DECISION);
    assertThat(new String((byte[]) field("Replica", "ABORT_VALUE"), StandardCharsets.UTF_8)).isEqualTo(ABORT_DECISION);
    // nodes/<id> is Long.toString(lease), stores/<id> the store id as it is (Membership.newLease, checkStore).
    assertThat(Long.toString(7587L)).isEqualTo(NODE_VALUE);
  }

  private static Object call(String type, String method, Object arg) {
    try {
      for (java.lang.reflect.Method m : Class.forName("io.amberio.cluster.internal." + type).getDeclaredMethods()) {
        if (m.getName().equals(method)) {
          m.setAccessible(true);
          return m.invoke(null, arg);
        }
      }
      throw new AssertionError("no " + method);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static Object field(String type, String name) {
    try {
      java.lang.reflect.Field f = Class.forName("io.amberio.cluster.internal." + type).getDeclaredField(name);
      f.setAccessible(true);
      return f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
