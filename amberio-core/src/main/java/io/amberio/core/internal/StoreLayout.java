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
package io.amberio.core.internal;

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The data directories (disks) of a store and what is recorded in each: {@code
 * amberio-store.properties} (format, store id, slot count, this disk's index and the number of
 * disks), an exclusive lock ({@code amberio.lock}) so two processes never open one store, and
 * {@code clean-shutdown}, present only while the store is closed cleanly. Slot {@code s} lives on
 * disk {@code s mod disks} under {@code slots/<s>/}.
 */
final class StoreLayout implements AutoCloseable {
  static final int FORMAT = 1;
  private static final String PROPERTIES = "amberio-store.properties";
  private static final String LOCK = "amberio.lock";
  private static final String CLEAN = "clean-shutdown";

  record Disk(
      Path root, Path slotsDir, FileStore fileStore, FileChannel lockChannel, FileLock lock) {}

  private final List<Disk> disks;
  private final int slotCount;
  private final boolean cleanShutdown;
  private final String storeId;

  private StoreLayout(List<Disk> disks, int slotCount, boolean cleanShutdown, String storeId) {
    this.disks = disks;
    this.slotCount = slotCount;
    this.cleanShutdown = cleanShutdown;
    this.storeId = storeId;
  }

  /** The id written when the store was created; a store on replaced disks has another. */
  String storeId() {
    return storeId;
  }

  static StoreLayout open(List<Path> dirs, int slotCount) {
    List<Disk> disks = new ArrayList<>();
    try {
      List<Properties> found = new ArrayList<>();
      for (Path dir : dirs) {
        Files.createDirectories(dir);
        disks.add(lock(dir));
        found.add(readProperties(dir));
      }
      String storeId = null;
      for (int i = 0; i < dirs.size(); i++) {
        Properties p = found.get(i);
        if (p == null) {
          continue;
        }
        check(dirs.get(i), p, "format", Integer.toString(FORMAT));
        check(dirs.get(i), p, "slotCount", Integer.toString(slotCount));
        check(dirs.get(i), p, "diskCount", Integer.toString(dirs.size()));
        check(dirs.get(i), p, "diskIndex", Integer.toString(i));
        String id = p.getProperty("storeId");
        if (storeId != null && !storeId.equals(id)) {
          throw incompatible(
              dirs.get(i)
                  + " belongs to store "
                  + id
                  + ", but "
                  + dirs.get(0)
                  + " to store "
                  + storeId);
        }
        storeId = id;
      }
      boolean anyNew = found.contains(null);
      if (anyNew && storeId != null) {
        throw incompatible(
            "some data directories hold a store and others are empty; a store's disks are fixed"
                + " when it is created ("
                + dirs
                + ")");
      }
      boolean clean = true;
      if (anyNew) {
        String id = UUID.randomUUID().toString();
        storeId = id;
        for (int i = 0; i < dirs.size(); i++) {
          writeProperties(dirs.get(i), id, slotCount, i, dirs.size());
        }
      } else {
        for (Path dir : dirs) {
          clean &= Files.exists(dir.resolve(CLEAN));
        }
      }
      List<Disk> ready = new ArrayList<>();
      for (Disk d : disks) {
        Files.createDirectories(d.slotsDir());
        Files.deleteIfExists(d.root().resolve(CLEAN));
        fsync(d.root());
        ready.add(d);
      }
      return new StoreLayout(List.copyOf(ready), slotCount, clean, storeId);
    } catch (IOException e) {
      disks.forEach(StoreLayout::unlock);
      throw BlobStoreException.io("opening the data directories " + dirs, e);
    } catch (RuntimeException e) {
      disks.forEach(StoreLayout::unlock);
      throw e;
    }
  }

  private static Disk lock(Path dir) throws IOException {
    FileChannel ch =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw BlobStoreException.of(
          Reason.IO_ERROR, dir + " is in use by another open store (" + LOCK + " is locked)");
    }
    return new Disk(dir, dir.resolve("slots"), Files.getFileStore(dir), ch, lock);
  }

  private static void unlock(Disk d) {
    try {
      d.lock().release();
      d.lockChannel().close();
    } catch (IOException ignored) {
      // The lock goes with the process anyway.
    }
  }

  private static Properties readProperties(Path dir) throws IOException {
    Path file = dir.resolve(PROPERTIES);
    if (!Files.exists(file)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  private static void writeProperties(Path dir, String id, int slotCount, int index, int count)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("format", Integer.toString(FORMAT));
    p.setProperty("storeId", id);
    p.setProperty("slotCount", Integer.toString(slotCount));
    p.setProperty("diskIndex", Integer.toString(index));
    p.setProperty("diskCount", Integer.toString(count));
    Path tmp = dir.resolve(PROPERTIES + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "Amberio store: do not edit");
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(PROPERTIES), StandardCopyOption.ATOMIC_MOVE);
    fsync(dir);
  }

  private static void check(Path dir, Properties p, String key, String expected) {
    String actual = p.getProperty(key);
    if (!expected.equals(actual)) {
      if (key.equals("format") && actual != null) {
        throw incompatible(
            dir + " holds a store of format " + actual + "; this Amberio reads format " + FORMAT);
      }
      throw incompatible(
          dir
              + " holds a store with "
              + key
              + "="
              + actual
              + ", but "
              + key
              + "="
              + expected
              + " was asked for; "
              + key
              + " is fixed when a store is created");
    }
  }

  private static BlobStoreException incompatible(String message) {
    return BlobStoreException.of(Reason.INCOMPATIBLE_STORE, message);
  }

  static void fsync(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  boolean wasCleanlyShutDown() {
    return cleanShutdown;
  }

  Path slotDir(int slot) {
    return disk(slot).slotsDir().resolve(Integer.toString(slot));
  }

  /** The listing catalog of the store, on the first disk. */
  Path catalogFile() {
    return disks.get(0).root().resolve("catalog").resolve("listing.sqlite3");
  }

  Path journalDir(int disk) {
    return disks.get(disk).root().resolve("journal");
  }

  FileStore fileStore(int slot) {
    return disk(slot).fileStore();
  }

  Path slotsDir(int slot) {
    return disk(slot).slotsDir();
  }

  private Disk disk(int slot) {
    return disks.get(slot % disks.size());
  }

  /** The slots that have a directory on some disk. */
  BitSet existingSlots() {
    BitSet present = new BitSet(slotCount);
    for (Disk d : disks) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d.slotsDir())) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (name.chars().allMatch(Character::isDigit) && name.length() < 6) {
            int s = Integer.parseInt(name);
            if (s < slotCount && Files.exists(p.resolve("meta.sqlite3"))) {
              present.set(s);
            }
          }
        }
      } catch (IOException e) {
        throw BlobStoreException.io("listing " + d.slotsDir(), e);
      }
    }
    return present;
  }

  /** Records a clean shutdown on every disk and releases the locks. */
  void closeCleanly() {
    for (Disk d : disks) {
      try {
        Files.write(d.root().resolve(CLEAN), new byte[0]);
        fsync(d.root());
      } catch (IOException ignored) {
        // Without the marker the next open recovers every slot: slower, never wrong.
      }
    }
    close();
  }

  @Override
  public void close() {
    disks.forEach(StoreLayout::unlock);
  }
}
