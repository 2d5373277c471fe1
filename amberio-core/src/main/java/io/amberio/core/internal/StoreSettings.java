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
package io.amberio.core.internal;

import io.amberio.core.Compression;
import io.amberio.core.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;

/**
 * The checked options of a store, as the builder hands them over. {@code scheduler} is null when
 * the store is to own one; {@code idRandom} is null when blob ids take their random bits from a
 * {@link java.security.SecureRandom}.
 */
public record StoreSettings(
    List<Path> dataDirs,
    int slotCount,
    int chunkSize,
    int inlineThreshold,
    long maxBlobSize,
    Duration retention,
    Duration gcInterval,
    int maxOpenSlots,
    Duration idleSlotTimeout,
    long minFreeBytes,
    long readCacheBytes,
    InstantSource clock,
    Random idRandom,
    Scheduler scheduler,
    Compression compression) {}
