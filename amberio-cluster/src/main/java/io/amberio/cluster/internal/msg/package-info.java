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
 * Every encoding the cluster protocol writes, each read and written in one place: the internal
 * message headers (one record per message, its reply nested, over {@link
 * io.amberio.cluster.internal.msg.Header}), the prepared-transaction context a replica stores, and
 * the registry values.
 *
 * <p>Every encoding carries a format version. Where release 0.1 wrote one without a version, that
 * form counts as version 1: the durable ones (the stored context, the registry values) are still
 * read, so a store and a registry of that release keep working; the message headers are not (a
 * cluster is upgraded as a whole). An unknown version is refused with an {@link
 * io.amberio.cluster.internal.msg.UnsupportedVersionException} naming the version found and those
 * understood; a handler returns it to the sender as {@link
 * io.amberio.cluster.internal.msg.Codes#UNSUPPORTED_VERSION}.
 */
package io.amberio.cluster.internal.msg;
