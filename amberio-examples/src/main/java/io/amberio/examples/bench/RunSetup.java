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

import io.amberio.core.Compression;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The setup lines of the report: JVM, machine, load, disk, and the settings of the run. */
final class RunSetup {
  private RunSetup() {}

  /** Lines that say where and how the run happens. */
  static List<String> describe(BenchOptions options, DiskInfo disk) {
    Runtime rt = Runtime.getRuntime();
    List<String> lines = new ArrayList<>();
    lines.add(
        "java: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + ", max heap "
            + Units.bytes(rt.maxMemory())
            + ", "
            + rt.availableProcessors()
            + " CPUs"
            + jvmArguments());
    lines.add(
        "os: "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch")
            + ", memory "
            + totalMemory());
    lines.add(
        "load average at start (1, 5, 15 min): "
            + loadAverage()
            + " (other processes share the CPUs and the disk)");
    lines.addAll(disk.lines());
    lines.add(
        "cells: "
            + Units.duration(options.duration())
            + " measured in "
            + options.rounds()
            + " round"
            + (options.rounds() == 1 ? "" : "s")
            + " after "
            + Units.duration(options.warmup())
            + " warm-up"
            + (options.ops() > 0 ? ", at most " + options.ops() + " ops" : "")
            + ", PUT cells write at most "
            + Units.bytes(options.maxCellBytes())
            + "; sizes "
            + String.join(", ", options.sizes().stream().map(Units::size).toList())
            + "; threads "
            + options.threads().stream()
                .map(String::valueOf)
                .reduce((a, b) -> a + ", " + b)
                .orElse("")
            + storeSettings(options)
            + (options.keep() ? "; directory kept" : "; directory deleted afterwards"));
    return lines;
  }

  private static String storeSettings(BenchOptions options) {
    List<String> s = new ArrayList<>();
    if (options.slotCount() > 0) {
      s.add("slot count " + options.slotCount());
    }
    if (options.maxOpenSlots() > 0) {
      s.add("max open slots " + options.maxOpenSlots());
    }
    if (options.inlineThreshold() >= 0) {
      s.add("inline threshold " + Units.bytes(options.inlineThreshold()));
    }
    if (options.readCacheBytes() >= 0) {
      s.add("read cache " + Units.bytes(options.readCacheBytes()));
    }
    if (options.chunkSize() > 0) {
      s.add("chunk size " + Units.bytes(options.chunkSize()));
    }
    if (!options.compression().equals(Compression.none())) {
      s.add("compression " + options.compression());
    }
    return "; data "
        + options.data()
        + "; stores: "
        + (s.isEmpty() ? "default settings" : String.join(", ", s))
        + ", no background GC, slots kept open for the run"
        + (options.prefill() ? ", every slot prefilled" : ", not prefilled");
  }

  /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String jvmArguments() {
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return args.isEmpty() ? "" : ", JVM options: " + String.join(" ", args);
  }

  private static String totalMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Units.bytes(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown";
  }
}
