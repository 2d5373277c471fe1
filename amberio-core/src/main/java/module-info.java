/**
 * Amberio core: the {@link io.amberio.core.BlobStore} and its value types. The replica seam
 * ({@code io.amberio.core.replica}) is for the cluster module alone; everything under
 * {@code io.amberio.core.internal} is the engine and is not exported.
 */
module io.amberio.core {
  requires transitive com.github.f4b6a3.ulid; // BlobId wraps a Ulid
  requires java.sql;
  requires org.slf4j;
  requires org.xerial.sqlitejdbc;

  exports io.amberio.core;
  exports io.amberio.core.replica to io.amberio.cluster;
}
