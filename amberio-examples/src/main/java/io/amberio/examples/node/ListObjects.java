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

import io.amberio.core.BlobStore;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import java.util.Set;

/**
 * {@code GET /objects?prefix=P&limit=N[&cursor=C][&versions=true]}: one page of paths (or of every
 * version of them), in ascending byte order of path. An empty {@code cursor} is the same as none
 * (the first page).
 */
final class ListObjects implements Endpoint {
  private static final Set<String> PARAMETERS = Set.of("prefix", "limit", "cursor", "versions");

  private final BlobStore store;

  ListObjects(BlobStore store) {
    this.store = store;
  }

  @Override
  public void handle(Exchange ex) {
    QueryParams query = ex.query().allowOnly(PARAMETERS);
    String prefix = query.get("prefix", "invalid_prefix");
    int limit =
        query.intInRange(
            "limit", "invalid_limit", 1, ListRequest.MAX_LIMIT, ListRequest.DEFAULT_LIMIT);
    String cursor = query.get("cursor", "invalid_cursor");
    boolean versions = query.bool("versions", "invalid_versions", false);

    ListRequest request =
        new ListRequest(
            prefix == null ? "" : prefix,
            limit,
            cursor == null || cursor.isEmpty() ? null : cursor,
            versions);
    ListPage page = store.list(request);

    ex.send(200, Json.MEDIA_TYPE, Json.listPage(page, versions));
  }
}
