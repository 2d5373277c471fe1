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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the local store keeps its files: what this module's tests inspect on disk (not part of the
 * testkit).
 */
final class StoreFiles {

  private StoreFiles() {}

  /** Every directory directly under {@code <dataDir>/slots/<slot>/blobs/}, by name. */
  static List<Path> blobDirectories(Path dataDir) {
    Path slots = dataDir.resolve("slots");
    if (!Files.isDirectory(slots)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> slotDirs = Files.list(slots)) {
      for (Path slot : slotDirs.toList()) {
        Path blobs = slot.resolve("blobs");
        if (Files.isDirectory(blobs)) {
          try (Stream<Path> ids = Files.list(blobs)) {
            ids.forEach(out::add);
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /**
   * Finds {@code <any data dir>/slots/<any slot>/blobs/<blobId>}; fails if there is not exactly
   * one.
   */
  static Path blobDirectory(List<Path> dataDirs, BlobId blobId) {
    List<Path> found = new ArrayList<>();
    for (Path d : dataDirs) {
      for (Path b : blobDirectories(d)) {
        if (b.getFileName().toString().equals(blobId.toString())) {
          found.add(b);
        }
      }
    }
    assertThat(found).as("directory of blob " + blobId).hasSize(1);
    return found.get(0);
  }

  /** Every {@code meta.sqlite3} under the data directories. */
  static List<Path> metaDatabases(List<Path> dataDirs) {
    List<Path> out = new ArrayList<>();
    for (Path d : dataDirs) {
      Path slots = d.resolve("slots");
      if (!Files.isDirectory(slots)) {
        continue;
      }
      try (Stream<Path> slotDirs = Files.list(slots)) {
        for (Path slot : slotDirs.toList()) {
          Path db = slot.resolve("meta.sqlite3");
          if (Files.isRegularFile(db)) {
            out.add(db);
          }
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }
}
