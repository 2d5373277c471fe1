package io.amberio.core;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Kills a writing child JVM ({@link CrashWriter}) with SIGKILL at random moments, cycle after cycle on the
 * same directories, and checks after each kill that every acknowledged write reads back byte for byte,
 * that nothing partial is visible, and that the bytes of unfinished writes were reclaimed.
 *
 * <p>The seed is {@code -Damberio.crash.seed=N} (default fixed), printed when a check fails.
 */
class CrashRecoveryTest {
  static final int K = 64 * 1024;
  static final int SLOTS = 8;
  static final int INLINE = 4096;
  static final int CYCLES = 6;

  record Ack(String path, long version, String sha256, long size) {}

  @TempDir Path tmp;

  @Test
  @Timeout(120)
  void acknowledgedWritesSurviveSigkillAndLeftoversAreReclaimed() throws Exception {
    long seed = Long.getLong("amberio.crash.seed", 0xA3B3E710L);
    Random random = new Random(seed);
    List<Path> dirs = List.of(Files.createDirectories(tmp.resolve("disk0")), Files.createDirectories(tmp.resolve("disk1")));
    Map<String, Ack> acked = new HashMap<>(); // path@version
    Set<String> markers = new HashSet<>();
    int totalAcks = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      String where = "seed " + seed + ", cycle " + cycle;
      // when the kill comes: mostly while the writers are in full swing (after the first acknowledgement);
      // once shortly after the store opened; once anywhere from JVM start through recovery
      int mode = cycle == 3 ? 0 : cycle == 1 ? 1 : 2;
      List<String> lines = new CopyOnWriteArrayList<>();
      CountDownLatch ready = new CountDownLatch(1);
      CountDownLatch firstAck = new CountDownLatch(1);
      Path err = tmp.resolve("child-" + cycle + ".err");
      Process child = startChild(dirs, seed * 100 + cycle, err);
      Thread reader = new Thread(() -> readLines(child, lines, ready, firstAck), "crash-child-reader");
      reader.start();
      if (mode == 0) {
        Thread.sleep(100 + random.nextInt(600));
      } else {
        assertThat(ready.await(30, TimeUnit.SECONDS)).as(where + ": child never became ready; stderr:\n" + tail(err)).isTrue();
        if (mode == 2) {
          assertThat(firstAck.await(30, TimeUnit.SECONDS)).as(where + ": no write acknowledged; stderr:\n" + tail(err)).isTrue();
        }
        Thread.sleep(50 + random.nextInt(750));
      }
      assertThat(child.isAlive()).as(where + ": the child died before it was killed; stderr:\n" + tail(err)).isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);

      for (String line : lines) {
        if (!line.endsWith(" END")) {
          continue; // a line cut short by the kill acknowledges nothing
        }
        String[] f = line.split(" ");
        if (f[0].equals("ACK")) {
          Ack a = new Ack(f[1], Long.parseLong(f[2]), f[3], Long.parseLong(f[4]));
          assertThat(acked.put(a.path() + "@" + a.version(), a)).as(where + ": version acknowledged twice: " + line).isNull();
          assertThat(markers).as(where).doesNotContain(a.path() + "@" + a.version());
          totalAcks++;
        } else if (f[0].equals("MARK")) {
          assertThat(markers.add(f[1] + "@" + f[2])).as(where + ": marker acknowledged twice: " + line).isTrue();
          assertThat(acked).as(where).doesNotContainKey(f[1] + "@" + f[2]);
        }
      }
      int dirsAfterKill = dirs.stream().mapToInt(d -> TestSupport.blobDirectories(d).size()).sum();
      int listed = verify(dirs, acked, markers, where);
      int dirsAfterRecovery = dirs.stream().mapToInt(d -> TestSupport.blobDirectories(d).size()).sum();
      System.out.printf(
          "crash %s: %d lines read, %d acks and %d markers so far, %d versions listed, blob directories %d after the kill, %d after recovery%n",
          where, lines.size(), acked.size(), markers.size(), listed, dirsAfterKill, dirsAfterRecovery);
    }
    assertThat(totalAcks).as("the children acknowledged some writes (seed " + seed + ")").isGreaterThan(20);
  }

  private Process startChild(List<Path> dirs, long seed, Path err) throws IOException {
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
            Long.toString(seed));
    return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
  }

  private static void readLines(Process child, List<String> lines, CountDownLatch ready, CountDownLatch firstAck) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
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

  /** Reopens the store and checks it; returns the number of versions it lists. */
  private static int verify(List<Path> dirs, Map<String, Ack> acked, Set<String> markers, String where) throws Exception {
    int listedVersions;
    try (BlobStore store = CrashWriter.open(dirs, SLOTS, K, INLINE)) {
      List<BlobInfo> all = TestSupport.listAllVersions(store);
      listedVersions = all.size();
      Map<String, TreeSet<Long>> versions = new TreeMap<>();
      Set<String> listed = new HashSet<>();
      for (BlobInfo i : all) {
        String key = i.path() + "@" + i.version();
        listed.add(key);
        versions.computeIfAbsent(i.path(), p -> new TreeSet<>()).add(i.version());
        assertThat(i.state()).as(where + ": " + key).isIn(VersionState.LIVE, VersionState.MARKER);
        if (i.state() == VersionState.LIVE) {
          byte[] data;
          try {
            data = TestSupport.readVersion(store, i.path(), i.version());
          } catch (BlobStoreException e) {
            throw new AssertionError(where + ": listed version " + key + " (" + i.size() + " bytes) does not read: " + e.reason(), e);
          }
          assertThat(data.length).as(where + ": bytes of " + key).isEqualTo(i.size());
          Ack a = acked.get(key);
          if (a != null) {
            assertThat(i.size()).as(where + ": size of " + key).isEqualTo(a.size());
            assertThat(TestSupport.sha256(data)).as(where + ": digest of " + key).isEqualTo(a.sha256());
          }
        } else {
          assertThat(i.size()).isZero();
          assertThat(acked).as(where + ": an acknowledged put became a marker").doesNotContainKey(key);
        }
      }
      for (Ack a : acked.values()) {
        String key = a.path() + "@" + a.version();
        assertThat(listed).as(where + ": acknowledged write " + key + " is missing").contains(key);
        assertThat(store.head(a.path(), a.version()).size()).isEqualTo(a.size());
      }
      for (String m : markers) {
        assertThat(listed).as(where + ": acknowledged marker " + m + " is missing").contains(m);
      }
      versions.forEach(
          (path, vs) ->
              assertThat(vs).as(where + ": versions of " + path + " are 1..max without gaps").hasSize(vs.last().intValue()));
    }
    assertNoOrphanBlobDirectories(dirs, where);
    return listedVersions;
  }

  /** With the store closed: every directory under slots/X/blobs/ is a blob of a row in slots/X/meta.sqlite3. */
  static void assertNoOrphanBlobDirectories(List<Path> dirs, String where) throws IOException, SQLException {
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
        assertThat(orphans).as(where + ": blob directories in " + slot + " without a row in its meta.sqlite3").isEmpty();
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
          ids.add(com.github.f4b6a3.ulid.Ulid.from(b).toString());
        } else if (v != null) {
          ids.add(v.toString());
        }
      }
    }
    return ids;
  }
}
