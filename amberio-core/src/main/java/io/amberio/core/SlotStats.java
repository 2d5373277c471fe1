package io.amberio.core;

/**
 * What one slot holds.
 *
 * @param slot the slot number
 * @param versions how many versions (all states) its metadata holds
 * @param liveBlobs how many versions are live
 * @param bytes the bytes of every version held (live and tombstoned)
 */
public record SlotStats(int slot, long versions, long liveBlobs, long bytes) {}
