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
package io.amberio.examples.embed;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Embedding Amberio in three lines: open a store on a directory, put, get. The README shows this
 * program; run it with {@code java -cp amberio-examples/target/amberio.jar
 * io.amberio.examples.embed.EmbeddedExample DIR}.
 */
public final class EmbeddedExample {
  private EmbeddedExample() {}

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "example-data");
    try (BlobStore store = BlobStore.builder().dataDir(dir).build()) {
      BlobInfo v1 =
          store.put("greetings/hello.txt", "hello, edge".getBytes(StandardCharsets.UTF_8));
      try (BlobContent content = store.get("greetings/hello.txt")) {
        System.out.println(
            v1.version() + ": " + new String(content.readAllBytes(), StandardCharsets.UTF_8));
      }

      // A conditional write: succeeds only if it creates version max + 1.
      PutOptions next =
          PutOptions.defaults().withExpectedVersion(v1.version() + 1).withContentType("text/plain");
      store.put(
          "greetings/hello.txt",
          new ByteArrayInputStream("hello again".getBytes(StandardCharsets.UTF_8)),
          next);
      try {
        store.put("greetings/hello.txt", new ByteArrayInputStream(new byte[0]), next);
      } catch (BlobStoreException e) {
        System.out.println(e.reason() + ", latest is " + e.latestVersion().orElseThrow());
      }

      for (BlobInfo item : store.list(ListRequest.prefix("greetings/")).items()) {
        System.out.println(item.path() + " v" + item.version() + " " + item.size() + " bytes");
      }
    }
  }
}
