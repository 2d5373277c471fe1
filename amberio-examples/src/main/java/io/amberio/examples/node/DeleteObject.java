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

import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code DELETE /objects/{path}[?version=N]}: without a version, writes a delete marker as a new
 * version; with one, tombstones that version.
 */
final class DeleteObject implements Endpoint {
  private final BlobStore store;

  DeleteObject(BlobStore store) {
    this.store = store;
  }

  @Override
  public void handle(Exchange ex) {
    String path = ex.objectPath();
    OptionalLong version = ex.query().allowOnly(Set.of("version")).version();
    BlobInfo info =
        version.isPresent() ? store.deleteVersion(path, version.getAsLong()) : store.delete(path);
    ex.response().getHeaders().put(ObjectHeaders.VERSION, Long.toString(info.version()));
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("path", info.path());
    reply.put("version", info.version());
    reply.put("deleted", true);
    ex.json(200, reply);
  }
}
