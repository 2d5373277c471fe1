package io.amberio.cluster.transport;

import java.util.Objects;

/**
 * The failure a {@link RequestHandler} reports to the caller: the caller's future fails with a {@link
 * TransportException} of reason {@link TransportException.Reason#REMOTE_ERROR} that carries {@link
 * #code()} and the message.
 */
public class HandlerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The longest code, in characters. */
  public static final int MAX_CODE_LENGTH = 64;

  private final String code;

  /**
   * A failure with a machine-readable {@code code} (1 to 64 characters of {@code a-z 0-9 . _ -}) and a
   * message for people.
   */
  public HandlerException(String code, String message) {
    this(code, message, null);
  }

  /** As {@link #HandlerException(String, String)}, with a local cause (which does not cross the wire). */
  public HandlerException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = checkCode(code);
  }

  /** The machine-readable code. */
  public String code() {
    return code;
  }

  private static String checkCode(String code) {
    Objects.requireNonNull(code, "code");
    if (code.isEmpty() || code.length() > MAX_CODE_LENGTH || !code.chars().allMatch(HandlerException::allowed)) {
      throw new IllegalArgumentException("a code is 1 to " + MAX_CODE_LENGTH + " of a-z 0-9 . _ -, was '" + code + "'");
    }
    return code;
  }

  private static boolean allowed(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  }
}
