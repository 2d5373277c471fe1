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

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time, for the CPU each op costs: of this process (every thread: workers, the stores' and the
 * nodes' threads, JIT, GC) and of its live child processes (the etcd of the cluster section), and
 * how busy the machine's CPUs were (from {@code /proc/stat}, all processes). Best effort: -1 where
 * it cannot be read.
 *
 * @param processNanos CPU time of this process and its children
 * @param machineBusy jiffies all CPUs spent busy (not idle, not waiting for I/O), or -1
 * @param machineTotal jiffies of all CPUs, or -1
 */
record CpuTime(long processNanos, long machineBusy, long machineTotal) {
  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

  static CpuTime now() {
    long own = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      own = os.getProcessCpuTime();
    }
    if (own >= 0) {
      for (ProcessHandle child : ProcessHandle.current().children().toList()) {
        own += childTicks(child.pid()) * NANOS_PER_TICK;
      }
    }
    long busy = -1;
    long total = -1;
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long sum = 0;
      for (int i = 1; i < f.length; i++) {
        sum += Long.parseLong(f[i]);
      }
      total = sum;
      busy = sum - Long.parseLong(f[4]) - Long.parseLong(f[5]);
    } catch (Exception e) {
      // not Linux
    }
    return new CpuTime(own, busy, total);
  }

  /** utime + stime of a process, in clock ticks; 0 if unreadable (it may have exited). */
  private static long childTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  /** CPU nanoseconds of this process (and children) from {@code start} to this, or -1. */
  long processSince(CpuTime start) {
    return processNanos < 0 || start.processNanos < 0 ? -1 : processNanos - start.processNanos;
  }

  /**
   * The share (0 to 1) of the machine's CPU time that was busy from {@code start} to this, or -1.
   */
  double busySince(CpuTime start) {
    long total = machineTotal - start.machineTotal;
    return machineTotal < 0 || start.machineTotal < 0 || total <= 0
        ? -1
        : (machineBusy - start.machineBusy) / (double) total;
  }
}
