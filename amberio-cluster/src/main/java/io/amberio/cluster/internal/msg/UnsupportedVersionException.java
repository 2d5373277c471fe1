package io.amberio.cluster.internal.msg;

import java.util.List;

/**
 * An encoding (a message header, a stored context, a registry value) in a format version this node does
 * not speak. Its message names the version found and the versions understood.
 */
public final class UnsupportedVersionException extends IllegalArgumentException {
  private final String found;
  private final List<String> understood;

  public UnsupportedVersionException(String what, String found, List<String> understood) {
    super(what + " in format version " + found + ", which this node does not speak (it speaks "
        + String.join(", ", understood) + ")");
    this.found = found;
    this.understood = List.copyOf(understood);
  }

  public String found() {
    return found;
  }

  public List<String> understood() {
    return understood;
  }
}
