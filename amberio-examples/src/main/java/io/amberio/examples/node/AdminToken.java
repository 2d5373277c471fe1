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
package io.amberio.examples.node;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The admin token of a cluster: {@code hex(HMAC-SHA256(cluster secret, "amberio admin token v1"))}.
 * Every node derives the same one from the secret it already holds, so an operator with the secret
 * (or the token alone) can change the topology through any node, and nobody else can. Admin
 * requests carry it as {@code Authorization: Bearer <token>}; without it they get 401 and change
 * nothing. The {@code v1} in the derivation is its format version: a later scheme gets another
 * label, and this one stays accepted until it is retired.
 */
public final class AdminToken {
  private static final String LABEL = "amberio admin token v1";

  private final byte[] token;

  private AdminToken(byte[] token) {
    this.token = token;
  }

  /** The token of the cluster whose secret is {@code secret}. */
  public static AdminToken fromSecret(byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return new AdminToken(
          HexFormat.of()
              .formatHex(mac.doFinal(LABEL.getBytes(StandardCharsets.US_ASCII)))
              .getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  /** The token as sent: 64 lower-case hex digits. */
  public String text() {
    return new String(token, StandardCharsets.US_ASCII);
  }

  /** Whether an {@code Authorization} header value carries this token (constant time). */
  public boolean admits(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, token);
  }
}
