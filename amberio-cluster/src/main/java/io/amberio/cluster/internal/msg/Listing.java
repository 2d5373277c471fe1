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
package io.amberio.cluster.internal.msg;

import io.amberio.core.BlobInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * LIST: one page of a listing restricted to {@code slots}, all of which the replica must serve; the
 * coordinator merges the pages of every slot group.
 */
public record Listing(
    String prefix, String cursor, int limit, boolean allVersions, List<Integer> slots) {
  public static final String TYPE = "list";

  public Listing {
    slots = List.copyOf(slots);
  }

  public byte[] encode() {
    Header.Writer out = Header.writer().s(prefix).s(cursor).i(limit).b(allVersions).i(slots.size());
    for (int s : slots) {
      out.i(s);
    }
    return out.done();
  }

  public static Listing decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    String prefix = in.s();
    String cursor = in.s();
    int limit = in.i();
    boolean all = in.b();
    int n = in.count(1 << 20);
    List<Integer> slots = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      slots.add(in.i());
    }
    in.end();
    return new Listing(prefix, cursor, limit, all, slots);
  }

  /**
   * The page, and whether the slots hold more after it. A page that fits in a header (the form
   * every release sends) travels there; a larger one (which releases before this form failed to
   * send) travels as the body, under an empty header, which no header-form reply can be.
   */
  public record Reply(List<BlobInfo> items, boolean more) {
    /** The header of a reply whose encoding is the body. */
    public static final byte[] IN_BODY = new byte[0];

    /** The most bytes a body-form reply may have (10,000 items of 1 KiB paths, and room). */
    public static final int MAX_BODY = 32 << 20;

    public Reply {
      items = List.copyOf(items);
    }

    public byte[] encode() {
      return Header.writer().infos(items).b(more).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      Reply r = new Reply(in.infos(), in.b());
      in.end();
      return r;
    }
  }
}
