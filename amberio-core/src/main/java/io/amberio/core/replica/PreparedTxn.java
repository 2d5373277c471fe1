package io.amberio.core.replica;

/**
 * A durable prepared transaction.
 *
 * @param slot the slot of the path
 * @param spec what was prepared
 * @param size the bytes received (PUT), else 0
 * @param maxVersion the path's highest version when it was prepared (the replica's vote)
 */
public record PreparedTxn(int slot, PrepareSpec spec, long size, long maxVersion) {}
