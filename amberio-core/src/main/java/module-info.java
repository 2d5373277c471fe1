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
/**
 * Amberio core: the {@link io.amberio.core.BlobStore} and its value types. The replica seam ({@code
 * io.amberio.core.replica}) is for the cluster module alone; everything under {@code
 * io.amberio.core.internal} is the engine and is not exported.
 */
module io.amberio.core {
  requires transitive com.github.f4b6a3.ulid; // BlobId wraps a Ulid
  requires com.github.benmanes.caffeine;
  requires java.sql;
  requires org.lz4.java; // chunk compression (an automatic module)
  requires com.github.luben.zstd_jni; // chunk compression
  requires org.slf4j;
  requires org.xerial.sqlitejdbc;

  exports io.amberio.core;
  exports io.amberio.core.replica to
      io.amberio.cluster;
}
