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
package io.amberio.examples.node;

import static io.amberio.examples.node.TestNode.errorCode;
import static io.amberio.examples.node.TestNode.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunk that fails its checksum is never served: 500 {@code corrupt} before the response, an
 * abort after.
 */
class CorruptionTest {
  private static final int SIZE = 200_000; // four 64 KiB chunks, the last one small

  @TempDir Path dir;

  @Test
  void aCorruptFirstChunkGives500Corrupt() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      String blobId = json(node.put("/objects/rot/a", data())).path("blobId").asText();
      List<Path> chunks = chunkFiles(blobId);
      for (Path chunk : chunks) {
        flipAByte(chunk);
      }
      HttpResponse<byte[]> get = node.get("/objects/rot/a");
      assertThat(get.statusCode()).isEqualTo(500);
      assertThat(errorCode(get)).isEqualTo("corrupt");
      assertThat(node.head("/objects/rot/a").statusCode()).isEqualTo(200);
      node.assertServing();
    }
  }

  @Test
  void aCorruptLaterChunkAbortsTheResponseInsteadOfServingWrongBytes() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      String blobId = json(node.put("/objects/rot/b", data())).path("blobId").asText();
      Path last =
          chunkFiles(blobId).stream()
              .min(Comparator.comparingLong(CorruptionTest::size))
              .orElseThrow();
      flipAByte(last);
      assertThatThrownBy(() -> node.get("/objects/rot/b")).isInstanceOf(UncheckedIOException.class);
      node.assertServing();
    }
  }

  private List<Path> chunkFiles(String blobId) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> chunks =
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.getParent().getFileName().toString().equals("chunks"))
              .filter(
                  p -> p.getParent().getParent().getFileName().toString().equalsIgnoreCase(blobId))
              .toList();
      assertThat(chunks).as("chunk files of %s under %s", blobId, dir).hasSizeGreaterThan(1);
      return chunks;
    }
  }

  private static byte[] data() {
    byte[] data = new byte[SIZE];
    for (int i = 0; i < SIZE; i++) {
      data[i] = (byte) (i * 7 + 3);
    }
    return data;
  }

  private static void flipAByte(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long at = raf.length() / 2;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0xFF);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
