package io.amberio.core.internal;

import io.amberio.core.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/** The checked options of a store, as the builder hands them over. {@code scheduler} is null when the store is to own one. */
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
    InstantSource clock,
    Scheduler scheduler) {}
