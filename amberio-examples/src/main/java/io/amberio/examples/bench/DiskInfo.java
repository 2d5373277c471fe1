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
package io.amberio.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which disk a directory is on, as far as the JVM and Linux tell: the {@link FileStore}, the
 * matching line of {@code /proc/mounts}, {@code df -hT}, and what {@code /sys/class/block} says
 * about the device (rotational, volatile write cache, I/O scheduler, size, model). Each part is
 * best effort.
 */
record DiskInfo(Path dir, String fileStore, String mount, String df, String device) {

  static DiskInfo of(Path dir) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      real = dir.toAbsolutePath();
    }
    String fileStore;
    String storeName = null;
    try {
      FileStore fs = Files.getFileStore(real);
      storeName = fs.name();
      fileStore =
          "name="
              + fs.name()
              + " type="
              + fs.type()
              + ", "
              + Units.bytes(fs.getTotalSpace())
              + " total, "
              + Units.bytes(fs.getUsableSpace())
              + " usable";
    } catch (IOException e) {
      fileStore = "unknown (" + e.getMessage() + ")";
    }
    String mountLine = mountOf(real);
    String device =
        storeName == null
            ? "unknown"
            : device(mountLine == null ? storeName : mountLine.split(" ")[0]);
    return new DiskInfo(
        real, fileStore, mountLine == null ? "unknown" : mountLine, df(real), device);
  }

  /** The {@code /proc/mounts} line whose mount point is the longest prefix of {@code dir}. */
  private static String mountOf(Path dir) {
    try {
      String best = null;
      int bestLength = -1;
      for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        if (f.length < 3) {
          continue;
        }
        Path point = Path.of(f[1].replace("\\040", " "));
        if (dir.startsWith(point) && point.toString().length() >= bestLength) {
          best = line;
          bestLength = point.toString().length();
        }
      }
      return best;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String df(Path dir) {
    try {
      Process p = new ProcessBuilder("df", "-hT", dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return "df failed: " + out;
      }
      List<String> lines = out.lines().toList();
      return lines.size() >= 2 ? lines.get(lines.size() - 1).replaceAll("\\s+", " ") : out;
    } catch (IOException e) {
      return "df not available";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "df interrupted";
    }
  }

  /** What sysfs says about the block device behind {@code source} (e.g. {@code /dev/vda}). */
  private static String device(String source) {
    if (!source.startsWith("/dev/")) {
      return source
          + " (not a block device: "
          + "overlay, tmpfs or similar; the disk below is not visible)";
    }
    try {
      String name = Path.of(source).toRealPath().getFileName().toString();
      Path sys = Path.of("/sys/class/block", name).toRealPath();
      Path disk = Files.exists(sys.resolve("partition")) ? sys.getParent() : sys;
      List<String> facts = new ArrayList<>();
      facts.add(
          source + (disk.getFileName().toString().equals(name) ? "" : " on " + disk.getFileName()));
      String rotational = read(disk.resolve("queue/rotational"));
      if (rotational != null) {
        facts.add(
            "rotational="
                + rotational
                + (rotational.equals("0")
                    ? " (SSD or virtual)"
                    : " (HDD, or a virtual disk that does not say)"));
      }
      String cache = read(disk.resolve("queue/write_cache"));
      if (cache != null) {
        facts.add("write cache=" + cache);
      }
      String scheduler = read(disk.resolve("queue/scheduler"));
      if (scheduler != null) {
        Matcher m = Pattern.compile("\\[(.+?)]").matcher(scheduler);
        facts.add("I/O scheduler=" + (m.find() ? m.group(1) : scheduler));
      }
      String sectors = read(disk.resolve("size"));
      if (sectors != null) {
        facts.add("size=" + Units.bytes(Long.parseLong(sectors) * 512));
      }
      String model = read(disk.resolve("device/model"));
      if (model != null) {
        facts.add("model=" + model);
      } else if (disk.getFileName().toString().startsWith("vd")) {
        facts.add("virtio disk of a virtual machine");
      }
      return String.join(", ", facts);
    } catch (IOException | RuntimeException e) {
      return source + " (no sysfs details: " + e.getMessage() + ")";
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    }
  }

  /** Lines for the report header. */
  List<String> lines() {
    return List.of(
        "data directory: " + dir,
        "file store:     " + fileStore,
        "mount:          " + mount,
        "df -hT:         " + df,
        "block device:   " + device);
  }
}
