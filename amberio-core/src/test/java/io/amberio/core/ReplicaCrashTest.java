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
package io.amberio.core;

import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.ulid.UlidCreator;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.PreparedWrite;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.testkit.TestSupport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepared transactions survive SIGKILL: a child JVM ({@link #main}) prepares transactions of every
 * kind, starts one more that never finishes, says so and waits to be killed. After the kill (an
 * unclean shutdown: the journal is replayed and every slot swept), the prepared ones are listed,
 * hold their paths and keep their bytes, and can be committed or aborted; the unfinished one left
 * nothing.
 */
class ReplicaCrashTest {
  static final int K = 64 * 1024;
  static final byte[] CHUNKED = bytes(2 * K + 3, 1);
  static final byte[] INLINE = bytes(300, 2);

  @TempDir Path tmp;

  static BlobStoreBuilder builder(Path dir) {
    return BlobStore.builder()
        .dataDir(dir)
        .slotCount(4)
        .chunkSize(K)
        .inlineThreshold(4096)
        .gcInterval(Duration.ZERO)
        .minFreeBytes(0);
  }

  /**
   * The child: arguments are the data directory and the transaction ids (chunked, inline, marker,
   * receiving).
   */
  public static void main(String[] args) throws Exception {
    ReplicaStore store = ReplicaStore.open(builder(Path.of(args[0])));
    store.put("crash/marked", bytes(5, 3));
    PreparedWrite a = store.prepare(spec(args[1], "crash/chunked", TxnKind.PUT));
    a.write(ByteBuffer.wrap(CHUNKED));
    a.finish();
    PreparedWrite b = store.prepare(spec(args[2], "crash/inline", TxnKind.PUT));
    b.write(ByteBuffer.wrap(INLINE));
    b.finish();
    store.prepare(spec(args[3], "crash/marked", TxnKind.MARKER)).finish();
    PreparedWrite d = store.prepare(spec(args[4], "crash/receiving", TxnKind.PUT));
    d.write(ByteBuffer.wrap(bytes(2 * K + 1, 4))); // two chunk files on disk, never finished
    System.out.println("PREPARED");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  static PrepareSpec spec(String txn, String path, TxnKind kind) {
    return new PrepareSpec(
        BlobId.parse(txn),
        path,
        kind,
        0,
        kind == TxnKind.PUT ? "app/x" : null,
        1234,
        txn.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @Timeout(60)
  void preparedTransactionsSurviveSigkill() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("store"));
    String[] txns = new String[4];
    for (int i = 0; i < 4; i++) {
      txns[i] = new BlobId(UlidCreator.getMonotonicUlid()).toString();
    }
    Path err = tmp.resolve("child.err");
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    ReplicaCrashTest.class.getName(),
                    dir.toString(),
                    txns[0],
                    txns[1],
                    txns[2],
                    txns[3]))
            .redirectError(err.toFile())
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine())
          .as("the child prepared; stderr: %s", Files.readString(err))
          .isEqualTo("PREPARED");
      assertThat(StoreFiles.blobDirectories(dir))
          .extracting(p -> p.getFileName().toString())
          .as("the unfinished write has bytes on disk when it is killed")
          .contains(txns[3]);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    try (ReplicaStore store = ReplicaStore.open(builder(dir))) {
      List<PreparedTxn> prepared = store.preparedTxns();
      assertThat(prepared)
          .extracting(t -> t.spec().txn().toString())
          .containsExactlyInAnyOrder(txns[0], txns[1], txns[2]);
      for (PreparedTxn t : prepared) {
        assertThat(t.spec().context())
            .isEqualTo(t.spec().txn().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(reasonOf(() -> store.put(t.spec().path(), bytes(1, 1)))).isEqualTo(Reason.BUSY);
      }
      assertThat(StoreFiles.blobDirectories(dir))
          .extracting(p -> p.getFileName().toString())
          .as("the prepared bytes are kept, the unfinished write's are reclaimed")
          .containsExactly(txns[0]);

      assertThat(store.commitPrepared(BlobId.parse(txns[0]), 1).size()).isEqualTo(CHUNKED.length);
      assertThat(TestSupport.readCurrent(store, "crash/chunked")).isEqualTo(CHUNKED);
      assertThat(store.commitPrepared(BlobId.parse(txns[1]), 1).contentType()).isEqualTo("app/x");
      assertThat(TestSupport.readCurrent(store, "crash/inline")).isEqualTo(INLINE);
      assertThat(store.abortPrepared(BlobId.parse(txns[2]))).isTrue();
      assertThat(store.head("crash/marked").version()).isEqualTo(1);
      assertThat(store.abortPrepared(BlobId.parse(txns[3])))
          .as("the unfinished write is unknown")
          .isFalse();
      assertThat(store.put("crash/receiving", bytes(1, 1)).version()).isEqualTo(1);
      assertThat(store.preparedTxns()).isEmpty();
    }
  }
}
