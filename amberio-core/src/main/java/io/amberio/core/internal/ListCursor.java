package io.amberio.core.internal;

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The position after which a listing continues: a path and, when listing every version, a version.
 * Encoded as {@code c<base64url(path)>} or {@code v<version>.<base64url(path)>}: opaque to clients, valid on
 * any node (it names a position in the global path order, not a slot or a node).
 */
record ListCursor(String path, long version) {

  static ListCursor decode(String text, boolean allVersions) {
    if (text == null) {
      return null;
    }
    try {
      if (!allVersions && text.startsWith("c")) {
        return new ListCursor(decodePath(text.substring(1)), 0);
      }
      if (allVersions && text.startsWith("v")) {
        int dot = text.indexOf('.');
        if (dot > 1) {
          long version = Long.parseLong(text.substring(1, dot));
          if (version >= 1) {
            return new ListCursor(decodePath(text.substring(dot + 1)), version);
          }
        }
      }
    } catch (IllegalArgumentException | CharacterCodingException | BlobStoreException e) {
      throw invalid(text, e);
    }
    throw invalid(text, null);
  }

  private static String decodePath(String b64) throws CharacterCodingException {
    byte[] bytes = Base64.getUrlDecoder().decode(b64);
    String path =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
    BlobPaths.validate(path);
    return path;
  }

  private static BlobStoreException invalid(String text, Throwable cause) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return BlobStoreException.of(Reason.INVALID_CURSOR,
        "'" + shown + "' is not a cursor of this kind of listing; pass back nextCursor exactly as returned", cause);
  }

  String encode(boolean allVersions) {
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(path.getBytes(StandardCharsets.UTF_8));
    return allVersions ? "v" + version + "." + b64 : "c" + b64;
  }
}
