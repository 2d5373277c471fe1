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

import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.ulid.Ulid;
import io.amberio.core.testkit.TestSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM ({@link CrashWriter}) with SIGKILL at random moments, cycle after cycle
 * on the same directories, and checks after each kill (with the store reopened, which recovers)
 * that every acknowledged write reads back byte for byte, that nothing partial is visible, and that
 * the bytes of unfinished writes were reclaimed.
 *
 * <p>The seed is {@code -Damberio.crash.seed=N} (default fixed); it is named in every failure.
 *
 * <p>What this cannot test: SIGKILL leaves the page cache intact, so a missing fsync goes unnoticed
 * here; only a power cut (or a file system that drops unsynced writes) would show it.
 */
class CrashRecoveryTest {
  static final int K = 64 * 1024;
  static final int SLOTS = 8;
  static final int INLINE = 4096;

  record Ack(String path, long version, String sha256, long size) {}

  /** Everything the children acknowledged, over all cycles; keys are {@code path@version}. */
  static final class Acks {
    final Map<String, Ack> puts = new HashMap<>();
    final Set<String> markers = new HashSet<>();
    final Set<String> tombstones = new HashSet<>();
    final Map<String, Long> maxVersion = new HashMap<>();

    void numbered(String path, long version, String where, String line) {
      String key = path + "@" + version;
      assertThat(puts.containsKey(key) || markers.contains(key))
          .as(where + ": version handed out twice: " + line)
          .isFalse();
      maxVersion.merge(path, version, Math::max);
    }
  }

  interface Verifier {
    int verify(List<Path> dirs, Acks acks, String where) throws Exception;
  }

  @TempDir Path tmp;

  @Test
  @Timeout(120)
  void acknowledgedWritesSurviveSigkillAndLeftoversAreReclaimed() throws Exception {
    Acks acks = runCycles("plain", 6, CrashRecoveryTest::verifyPlain);
    assertThat(acks.puts).as("the children acknowledged some writes").hasSizeGreaterThan(20);
  }

  @Test
  @Timeout(120)
  void garbageCollectionInterruptedBySigkillLeavesNothingHalfDone() throws Exception {
    Acks acks = runCycles("gc", 4, CrashRecoveryTest::verifyAfterCollections);
    assertThat(acks.tombstones).as("the children tombstoned some versions").isNotEmpty();
  }

  private Acks runCycles(String mode, int cycles, Verifier verifier) throws Exception {
    long seed = Long.getLong("amberio.crash.seed", 0xA3B3E710L);
    Random random = new Random(seed);
    List<Path> dirs =
        List.of(
            Files.createDirectories(tmp.resolve("disk0")),
            Files.createDirectories(tmp.resolve("disk1")));
    Acks acks = new Acks();
    for (int cycle = 0; cycle < cycles; cycle++) {
      String where = mode + " seed " + seed + ", cycle " + cycle;
      // when the kill comes: mostly while the writers are in full swing (after the first
      // acknowledgement);
      // once shortly after the store opened; once anywhere from JVM start through recovery
      int when = cycle == 3 ? 0 : cycle == 1 ? 1 : 2;
      List<String> lines = new CopyOnWriteArrayList<>();
      CountDownLatch ready = new CountDownLatch(1);
      CountDownLatch firstAck = new CountDownLatch(1);
      Path err = tmp.resolve(mode + "-child-" + cycle + ".err");
      Process child = startChild(dirs, seed * 100 + cycle, mode, err);
      Thread reader =
          new Thread(() -> readLines(child, lines, ready, firstAck), "crash-child-reader");
      reader.start();
      if (when == 0) {
        Thread.sleep(100 + random.nextInt(600));
      } else {
        assertThat(ready.await(30, TimeUnit.SECONDS))
            .as(where + ": child never became ready; stderr:\n" + tail(err))
            .isTrue();
        if (when == 2) {
          assertThat(firstAck.await(30, TimeUnit.SECONDS))
              .as(where + ": nothing acknowledged; stderr:\n" + tail(err))
              .isTrue();
        }
        Thread.sleep(50 + random.nextInt(750));
      }
      assertThat(child.isAlive())
          .as(where + ": the child died before it was killed; stderr:\n" + tail(err))
          .isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);

      for (String line : lines) {
        if (!line.endsWith(" END")) {
          continue; // a line cut short by the kill acknowledges nothing
        }
        String[] f = line.split(" ");
        switch (f[0]) {
          case "ACK" -> {
            Ack a = new Ack(f[1], Long.parseLong(f[2]), f[3], Long.parseLong(f[4]));
            acks.numbered(a.path(), a.version(), where, line);
            acks.puts.put(a.path() + "@" + a.version(), a);
          }
          case "MARK" -> {
            acks.numbered(f[1], Long.parseLong(f[2]), where, line);
            acks.markers.add(f[1] + "@" + f[2]);
          }
          case "TOMB" -> acks.tombstones.add(f[1] + "@" + f[2]);
          default -> throw new AssertionError(where + ": unexpected line from the child: " + line);
        }
      }
      int dirsAfterKill = dirs.stream().mapToInt(d -> StoreFiles.blobDirectories(d).size()).sum();
      int listed = verifier.verify(dirs, acks, where);
      assertNoOrphanBlobDirectories(dirs, where);
      int dirsAfterRecovery =
          dirs.stream().mapToInt(d -> StoreFiles.blobDirectories(d).size()).sum();
      System.out.printf(
          "crash %s: %d lines read; so far %d puts, %d markers, %d tombstones acknowledged; %d versions listed;"
              + " blob directories %d after the kill, %d after recovery%n",
          where,
          lines.size(),
          acks.puts.size(),
          acks.markers.size(),
          acks.tombstones.size(),
          listed,
          dirsAfterKill,
          dirsAfterRecovery);
    }
    return acks;
  }

  private Process startChild(List<Path> dirs, long seed, String mode, Path err) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            CrashWriter.class.getName(),
            dirs.get(0) + "," + dirs.get(1),
            Integer.toString(SLOTS),
            Integer.toString(K),
            Integer.toString(INLINE),
            "6",
            Long.toString(seed),
            mode);
    return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
  }

  private static void readLines(
      Process child, List<String> lines, CountDownLatch ready, CountDownLatch firstAck) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("READY")) {
          ready.countDown();
        } else {
          lines.add(line);
          firstAck.countDown();
        }
      }
    } catch (IOException e) {
      // the pipe breaks when the child is killed
    }
  }

  private static String tail(Path err) {
    try {
      String s = Files.readString(err);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  /**
   * Every listed live version reads whole, with the acknowledged bytes where there is an
   * acknowledgement.
   */
  private static void checkListedVersions(
      BlobStore store, List<BlobInfo> all, Acks acks, String where) {
    for (BlobInfo i : all) {
      String key = i.path() + "@" + i.version();
      if (i.state() != VersionState.LIVE) {
        assertThat(i.size())
            .as(where + ": " + key)
            .isEqualTo(i.state() == VersionState.MARKER ? 0 : i.size());
        continue;
      }
      byte[] data;
      try {
        data = TestSupport.readVersion(store, i.path(), i.version());
      } catch (BlobStoreException e) {
        throw new AssertionError(
            where
                + ": listed version "
                + key
                + " ("
                + i.size()
                + " bytes) does not read: "
                + e.reason(),
            e);
      }
      assertThat(data.length).as(where + ": bytes of " + key).isEqualTo(i.size());
      Ack a = acks.puts.get(key);
      if (a != null) {
        assertThat(i.size()).as(where + ": size of " + key).isEqualTo(a.size());
        assertThat(TestSupport.sha256(data)).as(where + ": digest of " + key).isEqualTo(a.sha256());
      } else {
        assertThat(acks.markers)
            .as(where + ": a marker came back as a live version")
            .doesNotContain(key);
      }
    }
  }

  /**
   * The listing of current versions (from the catalog, replayed like the slots) agrees with the
   * current versions that the listing of every version implies.
   */
  private static void checkCurrentListing(BlobStore store, List<BlobInfo> all, String where) {
    assertThat(
            TestSupport.pathVersions(
                TestSupport.listAll(
                    store, ListRequest.prefix("").withLimit(ListRequest.MAX_LIMIT))))
        .as(where + ": current versions listed")
        .isEqualTo(TestSupport.currentOf(all));
  }

  /**
   * Without collection: everything acknowledged is there, versions are dense, nothing half-written.
   */
  private static int verifyPlain(List<Path> dirs, Acks acks, String where) {
    try (BlobStore store = CrashWriter.open(dirs, SLOTS, K, INLINE)) {
      List<BlobInfo> all = TestSupport.listAllVersions(store);
      checkListedVersions(store, all, acks, where);
      checkCurrentListing(store, all, where);
      Map<String, TreeSet<Long>> versions = new TreeMap<>();
      Map<String, VersionState> states = new HashMap<>();
      for (BlobInfo i : all) {
        versions.computeIfAbsent(i.path(), p -> new TreeSet<>()).add(i.version());
        states.put(i.path() + "@" + i.version(), i.state());
        assertThat(i.state())
            .as(where + ": " + i.path() + "@" + i.version())
            .isIn(VersionState.LIVE, VersionState.MARKER);
      }
      for (Ack a : acks.puts.values()) {
        String key = a.path() + "@" + a.version();
        assertThat(states.get(key))
            .as(where + ": acknowledged write " + key)
            .isEqualTo(VersionState.LIVE);
        assertThat(store.head(a.path(), a.version()).size()).isEqualTo(a.size());
      }
      for (String m : acks.markers) {
        assertThat(states.get(m))
            .as(where + ": acknowledged marker " + m)
            .isEqualTo(VersionState.MARKER);
      }
      versions.forEach(
          (path, vs) ->
              assertThat(vs)
                  .as(where + ": versions of " + path + " are 1..max without gaps")
                  .hasSize(vs.last().intValue()));
      return all.size();
    }
  }

  /**
   * With collection running all the time: every acknowledged version either reads as acknowledged
   * or is DELETED (tombstoned or collected), never NOT_FOUND or CORRUPT; numbers are never handed
   * out again.
   */
  private static int verifyAfterCollections(List<Path> dirs, Acks acks, String where) {
    try (BlobStore store = CrashWriter.open(dirs, SLOTS, K, INLINE)) {
      List<BlobInfo> all = TestSupport.listAllVersions(store);
      checkListedVersions(store, all, acks, where);
      checkCurrentListing(store, all, where);
      for (Ack a : acks.puts.values()) {
        String key = a.path() + "@" + a.version();
        try {
          BlobInfo info = store.head(a.path(), a.version());
          assertThat(info.size()).as(where + ": size of " + key).isEqualTo(a.size());
          assertThat(TestSupport.sha256(TestSupport.readVersion(store, a.path(), a.version())))
              .as(where + ": digest of " + key)
              .isEqualTo(a.sha256());
        } catch (BlobStoreException e) {
          assertThat(e.reason())
              .as(where + ": acknowledged write " + key)
              .isEqualTo(BlobStoreException.Reason.DELETED);
        }
      }
      for (String key : union(acks.markers, acks.tombstones)) {
        String path = key.substring(0, key.lastIndexOf('@'));
        long v = Long.parseLong(key.substring(key.lastIndexOf('@') + 1));
        assertThat(TestSupport.reasonOf(() -> store.head(path, v)))
            .as(where + ": " + key)
            .isEqualTo(BlobStoreException.Reason.DELETED);
      }
      // numbers are not handed out again, even when the versions that held them were collected
      Map<String, Long> listedMax = new HashMap<>();
      all.forEach(i -> listedMax.merge(i.path(), i.version(), Math::max));
      for (Map.Entry<String, Long> e : new ArrayList<>(acks.maxVersion.entrySet())) {
        byte[] data = TestSupport.bytes(10, e.getValue());
        BlobInfo next = store.put(e.getKey(), data);
        assertThat(next.version())
            .as(where + ": next version of " + e.getKey())
            .isGreaterThan(Math.max(e.getValue(), listedMax.getOrDefault(e.getKey(), 0L)));
        acks.numbered(e.getKey(), next.version(), where, "parent put");
        acks.puts.put(
            e.getKey() + "@" + next.version(),
            new Ack(e.getKey(), next.version(), TestSupport.sha256(data), 10));
      }
      return all.size();
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new HashSet<>(a);
    u.addAll(b);
    return u;
  }

  /**
   * With the store closed: every directory under slots/X/blobs/ is a blob of a row in
   * slots/X/meta.sqlite3.
   */
  static void assertNoOrphanBlobDirectories(List<Path> dirs, String where)
      throws IOException, SQLException {
    for (Path disk : dirs) {
      Path slots = disk.resolve("slots");
      if (!Files.isDirectory(slots)) {
        continue;
      }
      List<Path> slotDirs;
      try (Stream<Path> s = Files.list(slots)) {
        slotDirs = s.toList();
      }
      for (Path slot : slotDirs) {
        Path blobs = slot.resolve("blobs");
        if (!Files.isDirectory(blobs)) {
          continue;
        }
        List<String> onDisk;
        try (Stream<Path> s = Files.list(blobs)) {
          onDisk = s.map(p -> p.getFileName().toString()).toList();
        }
        if (onDisk.isEmpty()) {
          continue;
        }
        Set<String> rows = blobIds(slot.resolve("meta.sqlite3"));
        List<String> orphans = new ArrayList<>(onDisk);
        orphans.removeAll(rows);
        assertThat(orphans)
            .as(where + ": blob directories in " + slot + " without a row in its meta.sqlite3")
            .isEmpty();
      }
    }
  }

  static Set<String> blobIds(Path db) throws SQLException {
    Set<String> ids = new HashSet<>();
    if (!Files.exists(db)) {
      return ids;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT blob_id FROM blobs")) {
      while (rs.next()) {
        Object v = rs.getObject(1);
        if (v instanceof byte[] b && b.length == 16) {
          ids.add(Ulid.from(b).toString());
        } else if (v != null) {
          ids.add(v.toString());
        }
      }
    }
    return ids;
  }
}
