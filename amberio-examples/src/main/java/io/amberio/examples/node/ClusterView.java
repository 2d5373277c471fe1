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

import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the operations endpoints of a cluster member show about its cluster: {@code /health} asks
 * {@link #notReady()}, {@code /nodes} lists {@link #members()}, {@code /slots/{id}} adds {@link
 * #slot(int)} to the local counts. A single node has none ({@link
 * AmberioServer#start(io.amberio.core.BlobStore, ServerOptions)}); a cluster member passes {@link
 * #of(ClusterNode)}.
 */
public interface ClusterView {

  /** Why the node cannot serve requests now, or empty when it can. */
  Optional<String> notReady();

  /** The replication factor of the topology. */
  int replicationFactor();

  /** Every node of the topology, in id order. */
  List<Member> members();

  /** What this node knows of {@code slot}, which is in {@code [0, slotCount)}. */
  Slot slot(int slot);

  /**
   * A node of the topology as this node sees it.
   *
   * @param id its id
   * @param address its cluster address (host:port of its transport)
   * @param zone its zone, if the topology has zones
   * @param state {@code up}, {@code suspect} or {@code down}
   * @param slots the slots the target placement gives it, ascending
   * @param weight its weight (0: draining)
   */
  record Member(
      String id,
      String address,
      Optional<String> zone,
      String state,
      List<Integer> slots,
      int weight) {}

  /**
   * Where a topology change stands (see {@link ClusterNode#topologyStatus()}).
   *
   * @param topologyVersion the topology version in force
   * @param pending slots whose move is not done
   * @param learning slots with a learner copying now
   * @param converged no slot pending
   * @param etaMillis a guess at the time until converged (-1: none yet)
   */
  record Status(
      long topologyVersion,
      List<Integer> pending,
      int learning,
      boolean converged,
      long etaMillis) {}

  /** Where the slot moves of the topology in force stand. */
  Status status();

  /** The copies this node runs as a learner, by slot. */
  List<ClusterNode.CopyProgress> copies();

  /** How many copies this node serves to learners now. */
  int copiesServing();

  /** The admin token that admin requests must carry. */
  AdminToken adminToken();

  /** Changes the topology by {@code change}, waiting for the write. */
  Changed change(Change change);

  /**
   * Rebuilds {@code slot} after all its in-sync replicas were lost ({@link
   * ClusterNode#rebuildSlot}), or only says what that would do unless {@code acceptLoss}; waits for
   * the answer.
   */
  ClusterNode.SlotRebuild rebuild(int slot, boolean acceptLoss);

  /**
   * A change written.
   *
   * @param topologyVersion the topology version in force afterwards
   * @param removal for a removal: whether the node left or is draining
   */
  record Changed(long topologyVersion, Optional<ClusterNode.Removal> removal) {}

  /** A topology change: add, remove (one step) or replace a node. */
  sealed interface Change {
    record Add(Topology.Node node) implements Change {}

    record Remove(NodeId id) implements Change {}

    record Replace(NodeId dead, Topology.Node fresh) implements Change {}
  }

  /**
   * The registry state of a slot as this node has it cached.
   *
   * @param epoch the slot's epoch (0 until this node has loaded it)
   * @param replicas the slot's replicas, preferred coordinator first
   * @param inSync the replicas that take part in every write and may serve reads
   * @param learners the replicas catching up
   */
  record Slot(long epoch, List<String> replicas, List<String> inSync, List<String> learners) {}

  /** The view of a {@link ClusterNode}, following its topology as it changes. */
  static ClusterView of(ClusterNode node, AdminToken token) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(token, "token");
    return new ClusterView() {
      @Override
      public Optional<String> notReady() {
        Optional<String> cut = node.cutOff();
        if (cut.isPresent()) {
          return cut;
        }
        if (!node.ready()) {
          return Optional.of(
              "node "
                  + node.id()
                  + " holds no valid lease in the cluster registry (starting, stopping, "
                  + "or out of touch with the registry)");
        }
        return Optional.empty();
      }

      @Override
      public int replicationFactor() {
        return node.topology().replicationFactor();
      }

      @Override
      public List<Member> members() {
        Placement placement = node.placement();
        List<Member> out = new ArrayList<>();
        for (Topology.Node n : placement.topology().nodes()) {
          out.add(
              new Member(
                  n.id().value(),
                  n.address(),
                  n.zone(),
                  node.status(n.id()),
                  placement.slotsOf(n.id()),
                  n.weight()));
        }
        return out;
      }

      @Override
      public Slot slot(int slot) {
        ClusterNode.SlotView v = node.slot(slot);
        return new Slot(v.epoch(), names(v.replicas()), names(v.inSync()), names(v.learners()));
      }

      @Override
      public Status status() {
        ClusterNode.TopologyStatus st = node.topologyStatus();
        return new Status(
            st.topologyVersion(), st.pending(), st.learning(), st.converged(), st.etaMillis());
      }

      @Override
      public List<ClusterNode.CopyProgress> copies() {
        return node.copies();
      }

      @Override
      public int copiesServing() {
        return node.copiesServing();
      }

      @Override
      public AdminToken adminToken() {
        return token;
      }

      @Override
      public Changed change(Change change) {
        CompletableFuture<Changed> f;
        if (change instanceof Change.Add a) {
          f = node.addNode(a.node()).thenApply(v -> new Changed(v, Optional.empty()));
        } else if (change instanceof Change.Remove r) {
          f =
              node.removeNode(r.id())
                  .thenApply(x -> new Changed(x.topologyVersion(), Optional.of(x)));
        } else {
          Change.Replace r = (Change.Replace) change;
          f =
              node.replaceNode(r.dead(), r.fresh())
                  .thenApply(v -> new Changed(v, Optional.empty()));
        }
        return await(f, "topology change", "/cluster");
      }

      @Override
      public ClusterNode.SlotRebuild rebuild(int slot, boolean acceptLoss) {
        return await(node.rebuildSlot(slot, acceptLoss), "slot rebuild", "/slots/" + slot);
      }
    };
  }

  /** Waits up to 30 s for a change the registry must confirm; its own failure is rethrown. */
  private static <T> T await(CompletableFuture<T> f, String what, String where) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the " + what, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the registry did not confirm the "
              + what
              + " within 30 s; read "
              + where
              + " to see whether it took effect",
          e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(String.valueOf(c), c);
    }
  }

  private static List<String> names(List<NodeId> ids) {
    return ids.stream().map(NodeId::value).toList();
  }
}
