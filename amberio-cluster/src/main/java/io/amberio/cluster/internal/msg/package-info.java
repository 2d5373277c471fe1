/**
 * Every encoding the cluster protocol writes, each read and written in one place: the internal message
 * headers (one record per message, its reply nested, over {@link io.amberio.cluster.internal.msg.Header}),
 * the prepared-transaction context a replica stores, and the registry values.
 *
 * <p>Every encoding carries a format version. Where release 0.1 wrote one without a version, that form
 * counts as version 1: the durable ones (the stored context, the registry values) are still read, so a
 * store and a registry of that release keep working; the message headers are not (a cluster is upgraded
 * as a whole). An unknown version is refused with an
 * {@link io.amberio.cluster.internal.msg.UnsupportedVersionException} naming the version found and those
 * understood; a handler returns it to the sender as {@link io.amberio.cluster.internal.msg.Codes#UNSUPPORTED_VERSION}.
 */
package io.amberio.cluster.internal.msg;
