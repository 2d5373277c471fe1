package io.amberio.core.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** The checked options of a store, as the builder hands them over. {@code scheduler} may be null. */
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
    ScheduledExecutorService scheduler) {}
