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
/**
 * The runnable single node: {@link io.amberio.examples.node.AmberioServer} serves the HTTP API of
 * the contract ({@code contract/http-api.md}) over one {@link io.amberio.core.BlobStore}, and
 * {@link io.amberio.examples.node.NodeCommand} is {@code amberio node}. With {@code --config FILE}
 * the same server fronts a cluster member instead ({@link
 * io.amberio.examples.node.ClusterMemberServer} over the library's {@link
 * io.amberio.cluster.ClusterMember}, configured by {@link io.amberio.examples.node.ConfigFile}; see
 * {@code docs/cluster-node.md}).
 *
 * <h2>Where the contract is silent</h2>
 *
 * <ul>
 *   <li><b>Paths</b> are taken raw from the request line (Jetty's URI checks are off and nothing
 *       normalizes them), then percent-decoded strictly: {@code %XX} is a byte ({@code %2F} is
 *       {@code /}); {@code +} and {@code ;} are themselves; a malformed escape, a raw non-ASCII or
 *       control character, or bytes that are not UTF-8 are {@code 400 invalid_path}. {@code
 *       /objects/} (empty path) is {@code invalid_path}. A URI Jetty itself cannot parse ({@code
 *       %00}, a lone {@code %}, {@code ..} above the root) is also {@code 400 invalid_path}.
 *   <li><b>Query strings</b> follow the same decoding: {@code +} is a plus, not a space (send
 *       {@code %20}). An endpoint rejects parameters it does not know ({@code 400
 *       invalid_parameter}) and a parameter given twice (400 with that parameter's code), so a typo
 *       cannot widen a DELETE.
 *   <li><b>Numbers</b> ({@code version}, {@code limit}, range positions, slot ids) are ASCII
 *       decimal digits that fit in a signed 64-bit integer; anything else is a 400 with the
 *       parameter's code ({@code invalid_version}, {@code invalid_limit}, {@code invalid_range},
 *       {@code invalid_slot}). {@code versions} is exactly {@code true} or {@code false} ({@code
 *       invalid_versions}); a bad {@code prefix} is {@code invalid_prefix}; an empty {@code cursor}
 *       means the first page.
 *   <li><b>Ranges</b>: one {@code bytes} range; several ranges, another unit, {@code last < first}
 *       or a number too large are {@code 400 invalid_range} rather than a silent full answer. Any
 *       range of an empty blob is {@code 416}. {@code If-Range} (strong ETag or exact date) is
 *       honoured.
 *   <li><b>Preconditions</b> follow RFC 9110 order: {@code If-Match} (strong) then {@code
 *       If-Unmodified-Since} give 412 {@code precondition_failed}; {@code If-None-Match} (weak,
 *       {@code *} and lists included) then {@code If-Modified-Since} give 304; all before the
 *       range.
 *   <li><b>ETags</b> are quoted in the {@code ETag} header and bare in JSON bodies ({@code
 *       "etag"}).
 *   <li><b>Errors of our own</b>: {@code unknown_endpoint} (404), {@code method_not_allowed} (405,
 *       with {@code Allow}), {@code invalid_content_type}, {@code incomplete_body} (the client
 *       stopped sending), {@code request_timeout} (408, idle or below the minimum rate), {@code
 *       header_too_large} (431), {@code uri_too_long} (414), {@code bad_request} (other malformed
 *       HTTP), {@code slot_not_found}, {@code unavailable} (503 while draining or when the store is
 *       closed), {@code corrupt} and {@code io_error} (500).
 *   <li><b>Trailing slashes</b> are not stripped: {@code /health/} is an unknown endpoint, and
 *       {@code /objects/a/} is the path {@code a/}, which is invalid (empty segment).
 * </ul>
 */
package io.amberio.examples.node;
