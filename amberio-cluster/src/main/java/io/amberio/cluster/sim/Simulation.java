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
package io.amberio.cluster.sim;

import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.InternalAccess;
import io.amberio.cluster.internal.PlantedBug;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.GetOptions;
import io.amberio.core.PutOptions;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A whole cluster in one JVM on one seeded thread: N {@link ClusterNode}s over real {@link
 * ReplicaStore}s in their own directories, an {@link InMemoryNetwork} with message faults, one
 * registry (by default an {@link InMemoryRegistry}) seen by each node through a {@link
 * FaultyRegistry}, and random clients whose history is checked for linearizability. Nodes crash
 * (their store is closed, their lease left to run out) and restart from their directories; nodes
 * are partitioned and healed; registry writes time out. The same seed gives the same run: every
 * choice comes from one {@link Random} and every task runs on one {@link SimScheduler}.
 *
 * <p>Integrators use it from property tests: {@code
 * Simulation.builder(seed).directory(dir).build().run()} returns a {@link Result} whose {@link
 * Result#problems()} must be empty. {@link Result#replayCommand()} says how to run one seed again.
 * The builder takes a custom transport per node ({@link Builder#transport}, e.g. a layer over the
 * simulated network), a custom registry ({@link Builder#registry}) and a custom {@link Workload};
 * all of them must run on the simulation's scheduler.
 */
public final class Simulation implements AutoCloseable {
  private final Builder b;
  private final SimScheduler scheduler;
  private final Random random;
  private final InMemoryNetwork network;
  private final Registry registry;
  private final Workload workload;
  private final Topology topology;
  private final ClusterConfig config;
  private final List<SimNode> nodes = new ArrayList<>();
  private final HistoryRecorder recorder;
  private final List<String> events = new ArrayList<>();
  private final Map<String, Acked> acked = new HashMap<>();
  private int opsStarted;
  private int opsDone;
  private int crashes;
  private int partitions;
  private int wipes;
  private int topologyChanges;

  /** An acknowledged write: its path, version and blob id. */
  private record Acked(String path, long version, String blobId) {}

  private final class SimNode {
    final int index;
    final NodeId id;
    final Path dir;
    ReplicaStore store;
    FaultyRegistry reg;
    ClusterNode node;
    Transport transport;
    boolean up;
    boolean retired; // removed or replaced for good: never started again
    int incarnation;

    SimNode(int index) {
      this.index = index;
      this.id = NodeId.of("n" + index);
      this.dir = b.directory.resolve("n" + index);
    }

    void start() {
      incarnation++;
      store =
          ReplicaStore.open(
              BlobStore.builder()
                  .dataDir(dir)
                  .slotCount(b.slots)
                  .clock(scheduler.clock())
                  .idRandom(new Random(random.nextLong()))
                  .retention(Duration.ofDays(3650))
                  .gcInterval(Duration.ofDays(3650))
                  .chunkSize(64 * 1024)
                  .inlineThreshold(256)
                  .minFreeBytes(0));
      transport =
          Objects.requireNonNull(
              b.transports.apply(id, network), "the transport factory returned null");
      reg =
          new FaultyRegistry(registry, new Random(random.nextLong()), b.registryFaults ? 0.02 : 0);
      node =
          InternalAccess.plant(ClusterNode.builder(), b.bugs)
              .id(id)
              .topology(
                  topology.node(id).isPresent()
                      ? topology
                      : topology.with(Topology.Node.of(id.value(), "sim:" + index)))
              .store(store)
              .transport(transport)
              .registry(reg)
              .scheduler(scheduler)
              .diskExecutor(scheduler)
              .config(config)
              .random(new Random(random.nextLong()))
              .tempDir(b.directory.resolve("tmp-" + index))
              .build();
      up = true;
      node.start()
          .whenComplete(
              (v, t) -> {
                if (t != null) {
                  event("n" + index + " start failed: " + t);
                }
              });
    }

    void crash() {
      up = false;
      node.halt();
      network.crash(id);
      reg.close();
      store.close();
    }
  }

  private Simulation(Builder b) {
    this.b = b;
    this.scheduler = SimScheduler.builder(b.seed).build();
    this.random = new Random(b.seed);
    this.network = InMemoryNetwork.builder(scheduler, new Random(random.nextLong())).build();
    this.registry =
        Objects.requireNonNull(b.registries.apply(scheduler), "the registry factory returned null");
    this.workload = b.workload != null ? b.workload : Workload.mixed(b.paths);
    List<Topology.Node> tn = new ArrayList<>();
    for (int i = 0; i < b.nodes; i++) {
      tn.add(Topology.Node.of("n" + i, "sim:" + i));
    }
    this.topology = Topology.of(b.slots, b.replicationFactor, tn);
    this.config =
        new ClusterConfig(
            Duration.ofSeconds(2),
            Duration.ofMillis(500),
            Duration.ofSeconds(2),
            Duration.ofMillis(300),
            Duration.ofSeconds(6),
            64);
    this.recorder = new HistoryRecorder(scheduler.clock());
  }

  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  public SimScheduler scheduler() {
    return scheduler;
  }

  private void event(String what) {
    events.add(scheduler.elapsed().toMillis() + "ms " + what);
  }

  /** Runs the whole scenario and checks it. */
  public Result run() {
    try {
      Files.createDirectories(b.directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < b.nodes; i++) {
      SimNode n = new SimNode(i);
      nodes.add(n);
      n.start();
    }
    for (int i = 0; i < b.spares; i++) {
      nodes.add(new SimNode(b.nodes + i)); // started once a topology change adds it
    }
    List<String> problems = new ArrayList<>();
    boolean ready = scheduler.runUntil(this::allServing, Duration.ofSeconds(30));
    if (!ready) {
      problems.add("the cluster did not become ready within 30 s of simulated time");
      return result(problems, null);
    }
    network.faults(
        b.messageFaults
            ? new InMemoryNetwork.Faults(0.01, 0.01, Duration.ofMillis(1), Duration.ofMillis(20))
            : InMemoryNetwork.Faults.NONE);
    for (int c = 0; c < b.clients; c++) {
      client("c" + c);
    }
    if (b.nodeFaults) {
      scheduleFault();
    }
    if (b.spares > 0) {
      scheduleTopologyChange();
    }
    scheduler.runUntil(() -> opsDone >= b.operations, Duration.ofMinutes(30));
    if (opsDone < b.operations) {
      problems.add(
          "only "
              + opsDone
              + " of "
              + b.operations
              + " operations completed in 30 min of simulated time");
    }
    // Heal everything and let the cluster settle.
    network.faults(InMemoryNetwork.Faults.NONE);
    network.healAll();
    // The newest topology any running node follows.
    Topology last = null;
    long lastVersion = 0;
    for (SimNode n : nodes) {
      if (n.up && !n.retired && n.node.ready() && n.node.topologyVersion() > lastVersion) {
        lastVersion = n.node.topologyVersion();
        last = n.node.topology();
      }
    }
    for (SimNode n : nodes) {
      if (n.incarnation > 0 && !n.retired && last != null && last.node(n.id).isEmpty()) {
        // Removed by a change whose follow-up this run did not see (a racing operator).
        event(n.id + " is not in the final topology: retired");
        n.retired = true;
        if (n.up) {
          n.crash();
        }
      }
      if (n.incarnation == 0 && !n.retired && last != null && last.node(n.id).isPresent()) {
        // Added (or made a replacement) by a change whose answer was lost: it runs now.
        event("start " + n.id + " (in the final topology, never started)");
        n.start();
      }
      if (n.incarnation == 0 || n.retired) {
        continue; // a spare never added, or a node removed or replaced for good
      }
      if (!n.up) {
        n.start();
        event("restart n" + n.index + " (heal)");
      }
      n.reg.cutOff(false);
      n.reg.failureRate(0);
    }
    boolean settled = scheduler.runUntil(this::settled, Duration.ofSeconds(120));
    if (!settled) {
      problems.add(
          "the cluster did not settle (all replicas in sync, nothing prepared) within 120 s after healing: "
              + describe());
    }
    CheckResult check = LinearizabilityChecker.create().check(recorder.history());
    if (!check.linearizable()) {
      problems.add("not linearizable: " + check.explanation());
    }
    if (settled) {
      checkReplicas(problems);
    }
    return result(problems, check);
  }

  private Result result(List<String> problems, CheckResult check) {
    return new Result(
        b.seed,
        problems,
        recorder.history(),
        check,
        List.copyOf(events),
        opsDone,
        crashes,
        partitions,
        replay());
  }

  private String replay() {
    return "mvn -B -pl amberio-cluster verify -Dtest=SimulationProperties#replay -Damberio.sim.seed="
        + b.seed
        + (b.spares > 0 ? " -Damberio.sim.spares=" + b.spares : "")
        + " -Dsurefire.failIfNoSpecifiedTests=false";
  }

  /** Nodes that have run and are not retired: those that should be up once healed. */
  private List<SimNode> members() {
    List<SimNode> out = new ArrayList<>();
    for (SimNode n : nodes) {
      if (n.incarnation > 0 && !n.retired) {
        out.add(n);
      }
    }
    return out;
  }

  /** The member whose view the checks read. */
  private SimNode observer() {
    return members().get(0);
  }

  private boolean allServing() {
    long version = -1;
    for (SimNode n : members()) {
      if (!n.up || !n.node.ready()) {
        return false;
      }
      if (b.spares > 0) {
        // Moves done on every node, all at the same topology version.
        if (!n.node.topologyStatus().converged()
            || (version >= 0 && n.node.topologyVersion() != version)) {
          return false;
        }
        version = n.node.topologyVersion();
      }
    }
    for (int s = 0; s < b.slots; s++) {
      ClusterNode.SlotView v = observer().node.slot(s);
      if (v.inSync().size() != b.replicationFactor) {
        return false;
      }
      for (NodeId r : v.replicas()) {
        SimNode rn = nodes.get(index(r));
        if (!rn.up || !rn.node.serving(s)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean fullyReplicated() {
    for (int s = 0; s < b.slots; s++) {
      for (SimNode n : members()) {
        if (!n.up || n.node.slot(s).inSync().size() != b.replicationFactor) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean settled() {
    if (!allServing()) {
      return false;
    }
    for (SimNode n : members()) {
      if (n.node.preparedCount() > 0 || !n.store.preparedTxns().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (SimNode n : nodes) {
      if (n.incarnation == 0) {
        continue;
      }
      sb.append(n.id)
          .append(n.retired ? " retired" : n.up ? " up" : " down")
          .append(n.up && n.node.ready() ? " ready" : "")
          .append(n.up ? " v" + n.node.topologyVersion() : "")
          .append(" prepared=")
          .append(n.up ? n.node.preparedCount() : -1)
          .append("; ");
    }
    for (int s = 0; s < b.slots; s++) {
      ClusterNode.SlotView v = observer().node.slot(s);
      sb.append("slot ")
          .append(s)
          .append(" e")
          .append(v.epoch())
          .append(" target ")
          .append(v.replicas())
          .append(" in ")
          .append(v.inSync())
          .append(" learn ")
          .append(v.learners())
          .append("; ");
    }
    return sb.toString();
  }

  private static int index(NodeId n) {
    return Integer.parseInt(n.value().substring(1));
  }

  /**
   * After healing: every in-sync replica of a slot holds the same versions, and every acked write.
   */
  private void checkReplicas(List<String> problems) {
    SimNode obs = observer();
    for (int s = 0; s < b.slots; s++) {
      ClusterNode.SlotView v = obs.node.slot(s);
      if (!new java.util.HashSet<>(v.inSync()).equals(new java.util.HashSet<>(v.replicas()))
          || !v.replicas().equals(obs.node.placement().replicas(s))) {
        problems.add(
            "slot "
                + s
                + ": in sync on "
                + v.inSync()
                + ", target "
                + v.replicas()
                + ", the final topology's placement "
                + obs.node.placement().replicas(s));
      }
      Map<String, String> first = null;
      NodeId firstNode = null;
      for (NodeId r : v.inSync()) {
        Map<String, String> state = new HashMap<>();
        for (BlobInfo i : nodes.get(index(r)).store.versionsAfter(s, null, 100_000)) {
          state.put(i.path() + "#" + i.version(), i.blobId() + " " + i.state());
        }
        if (first == null) {
          first = state;
          firstNode = r;
        } else if (!first.equals(state)) {
          problems.add(
              "slot "
                  + s
                  + ": replicas "
                  + firstNode
                  + " and "
                  + r
                  + " differ: "
                  + first
                  + " vs "
                  + state);
        }
        for (Acked a : acked.values()) {
          if (obs.store.slotOf(a.path) == s) {
            String have = state.get(a.path + "#" + a.version);
            if (have == null || !have.startsWith(a.blobId)) {
              problems.add(
                  "acknowledged write " + a + " is missing on " + r + " (has " + have + ")");
            }
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ faults

  private void scheduleFault() {
    Duration gap = Duration.ofMillis(500 + random.nextInt(3000));
    scheduler.schedule(
        gap,
        () -> {
          if (opsDone >= b.operations) {
            return;
          }
          List<SimNode> candidates = members();
          SimNode n = candidates.get(random.nextInt(candidates.size()));
          int victim = n.index;
          int kind = random.nextInt(b.wipes ? 4 : 3);
          if (kind == 3 && (!fullyReplicated() || (b.spares > 0 && !converged()))) {
            kind =
                0; // replacing disks while another replica is still catching up would be a double
            // fault
          }
          Duration outage = Duration.ofMillis(500 + random.nextInt(6000));
          if (kind == 0) {
            crashes++;
            event("crash n" + victim + " for " + outage.toMillis() + "ms");
            n.crash();
            scheduler.schedule(
                outage,
                () -> {
                  if (n.up || n.retired) {
                    return; // already restarted by the final heal, or removed for good
                  }
                  event("restart n" + victim);
                  n.start();
                  scheduler.schedule(Duration.ofSeconds(3), this::scheduleFault);
                });
          } else if (kind == 3) {
            crashes++;
            wipes++;
            event(
                "replace the disks of n"
                    + victim
                    + " (crash, empty data directory) for "
                    + outage.toMillis()
                    + "ms");
            n.crash();
            SimFiles.deleteTree(n.dir);
            scheduler.schedule(
                outage,
                () -> {
                  if (n.up || n.retired) {
                    return;
                  }
                  event("restart n" + victim + " on empty disks");
                  n.start();
                  scheduler.schedule(Duration.ofSeconds(3), this::scheduleFault);
                });
          } else if (kind == 1) {
            partitions++;
            boolean registryToo = random.nextBoolean();
            event(
                "partition n"
                    + victim
                    + (registryToo
                        ? " from its peers and the registry"
                        : " from its peers (the registry still reachable)")
                    + " for "
                    + outage.toMillis()
                    + "ms");
            network.disconnect(n.id);
            n.reg.cutOff(registryToo);
            scheduler.schedule(
                outage,
                () -> {
                  event("heal n" + victim);
                  network.reconnect(n.id);
                  n.reg.cutOff(false);
                  scheduler.schedule(Duration.ofSeconds(3), this::scheduleFault);
                });
          } else {
            int other = (victim + 1 + random.nextInt(nodes.size() - 1)) % nodes.size();
            partitions++;
            event("cut n" + victim + " -> n" + other + " for " + outage.toMillis() + "ms");
            network.cut(n.id, nodes.get(other).id);
            scheduler.schedule(
                outage,
                () -> {
                  event("heal cut n" + victim + " -> n" + other);
                  network.heal(n.id, nodes.get(other).id);
                  scheduler.schedule(Duration.ofSeconds(3), this::scheduleFault);
                });
          }
        });
  }

  // ------------------------------------------------------------------ topology changes

  /**
   * Every 2 to 8 s: one topology change through a running node, or two at once through two nodes
   * (two operators racing): add a spare, remove (drain, then leave) a node, or replace a node by a
   * spare (the node is stopped for good first). Changes that fail (registry faults) are logged and
   * not retried; a drain is followed up until the node has left.
   */
  private void scheduleTopologyChange() {
    scheduler.schedule(
        Duration.ofMillis(2000 + random.nextInt(6000)),
        () -> {
          if (opsDone >= b.operations) {
            return;
          }
          List<SimNode> ready = new ArrayList<>();
          for (SimNode n : members()) {
            if (n.up && n.node.ready()) {
              ready.add(n);
            }
          }
          if (!ready.isEmpty()) {
            SimNode via = ready.get(random.nextInt(ready.size()));
            topologyChange(via);
            if (ready.size() > 1 && random.nextInt(4) == 0) {
              SimNode other = ready.get(random.nextInt(ready.size()));
              event(
                  "a second operator changes the topology at the same moment through " + other.id);
              topologyChange(other);
            }
          }
          scheduleTopologyChange();
        });
  }

  private void topologyChange(SimNode via) {
    Topology t = via.node.topology();
    List<SimNode> spares = new ArrayList<>();
    List<SimNode> holding = new ArrayList<>();
    for (SimNode n : nodes) {
      boolean in = t.node(n.id).isPresent();
      if (!in && n.incarnation == 0 && !n.retired) {
        spares.add(n);
      }
      if (in && t.node(n.id).get().weight() > 0 && !n.retired) {
        holding.add(n);
      }
    }
    int kind = random.nextInt(3);
    topologyChanges++;
    if (kind == 0 && !spares.isEmpty()) {
      SimNode add = spares.get(random.nextInt(spares.size()));
      event("add " + add.id + " through " + via.id);
      via.node
          .addNode(Topology.Node.of(add.id.value(), "sim:" + add.index))
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  event("add " + add.id + " failed: " + e);
                } else if (add.incarnation == 0 && !add.retired) {
                  event("start " + add.id + " (topology version " + v + ")");
                  add.start();
                }
              });
    } else if (kind == 1 && holding.size() > b.replicationFactor) {
      SimNode gone = holding.get(random.nextInt(holding.size()));
      event("remove " + gone.id + " through " + via.id);
      removeStep(via, gone, 0);
    } else if (kind == 2
        && !spares.isEmpty()
        && holding.size() >= b.replicationFactor
        && fullyReplicated()
        && converged()) {
      // Stopping a node for good is a permanent failure: only while every slot has its full
      // replication factor and no move is pending, as the disk replacement fault (more permanent
      // failures than replicas lose data, which no protocol can prevent).
      SimNode dead = holding.get(random.nextInt(holding.size()));
      SimNode fresh = spares.get(random.nextInt(spares.size()));
      if (dead == via) {
        return;
      }
      event("replace " + dead.id + " (stopped for good) by " + fresh.id + " through " + via.id);
      dead.retired = true;
      if (dead.up) {
        dead.crash();
      }
      via.node
          .replaceNode(dead.id, Topology.Node.of(fresh.id.value(), "sim:" + fresh.index))
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  // The change may have been written all the same (an answer lost): look again a
                  // little later; bring the dead node back only if it is still in the topology.
                  event("replace " + dead.id + " failed: " + e);
                  scheduler.schedule(
                      Duration.ofSeconds(3),
                      () -> {
                        Topology now = via.up ? via.node.topology() : null;
                        // The dead node is gone from the topology: this replacement was written
                        // (the fresh one may have been added by another operator meanwhile).
                        if (now != null && now.node(dead.id).isEmpty()) {
                          if (fresh.incarnation == 0 && now.node(fresh.id).isPresent()) {
                            event("start " + fresh.id + " (the replacement was written)");
                            fresh.start();
                          }
                        } else {
                          event(dead.id + " comes back (not replaced)");
                          dead.retired = false;
                          dead.start();
                        }
                      });
                } else if (fresh.incarnation == 0 && !fresh.retired) {
                  event("start " + fresh.id + " (topology version " + v + ")");
                  fresh.start();
                }
              });
    } else {
      topologyChanges--;
    }
  }

  /** Whether every running node sees every slot's move done, all at the same topology version. */
  private boolean converged() {
    long version = -1;
    for (SimNode n : members()) {
      if (!n.up || !n.node.ready() || !n.node.topologyStatus().converged()) {
        return false;
      }
      if (version >= 0 && n.node.topologyVersion() != version) {
        return false;
      }
      version = n.node.topologyVersion();
    }
    return true;
  }

  /** One step of removing {@code gone}; repeated every second until it has left the topology. */
  private void removeStep(SimNode via, SimNode gone, int attempt) {
    if (!via.up || attempt > 600) {
      event("removal of " + gone.id + " left to drain (" + via.id + " stopped or gave up)");
      return;
    }
    via.node
        .removeNode(gone.id)
        .whenComplete(
            (r, e) -> {
              if (e != null && !via.node.topology().node(gone.id).isPresent()) {
                // Another operator (or an attempt whose answer was lost) removed it already.
                event(gone.id + " has left the topology (removed by another change)");
                gone.retired = true;
                if (gone.up) {
                  gone.crash();
                }
                return;
              }
              if (e != null) {
                event("remove " + gone.id + " failed: " + e);
              } else if (r.removed()) {
                event("removed " + gone.id + " (topology version " + r.topologyVersion() + ")");
                gone.retired = true;
                if (gone.up) {
                  gone.crash();
                }
                return;
              }
              if (e == null || attempt < 600) {
                scheduler.schedule(Duration.ofSeconds(1), () -> removeStep(via, gone, attempt + 1));
              }
            });
  }

  // ------------------------------------------------------------------ clients

  private void client(String name) {
    if (opsStarted >= b.operations) {
      return;
    }
    opsStarted++;
    int opNo = opsStarted;
    Workload.Step step = workload.next(random, opNo, nodes.size());
    if (step.node() >= nodes.size()) {
      throw new IllegalStateException(
          "the workload chose node " + step.node() + " of " + nodes.size());
    }
    String path = step.path();
    SimNode via = nodes.get(step.node());
    Runnable next =
        () -> {
          opsDone++;
          scheduler.schedule(Duration.ofMillis(random.nextInt(20)), () -> client(name));
        };
    if (!via.up) {
      // A client cannot reach a crashed node: it tries another moment.
      opsStarted--;
      scheduler.schedule(Duration.ofMillis(50), () -> client(name));
      return;
    }
    ClusterNode node = via.node;
    Call call = step.call();
    if (call instanceof Call.Put put) {
      HistoryRecorder.Pending p = recorder.invoke(name, path, call);
      PutOptions o =
          put.expectedVersion().isPresent()
              ? PutOptions.defaults().withExpectedVersion(put.expectedVersion().getAsLong())
              : PutOptions.defaults();
      finish(
          node.put(path, put.valueId().getBytes(StandardCharsets.UTF_8), o),
          p,
          next,
          info -> {
            acked.put(
                info.blobId().toString(),
                new Acked(path, info.version(), info.blobId().toString()));
            return Outcome.written(info.version());
          });
    } else if (call instanceof Call.Get get) {
      HistoryRecorder.Pending p = recorder.invoke(name, path, call);
      GetOptions o =
          get.version().isPresent()
              ? GetOptions.version(get.version().getAsLong())
              : GetOptions.current();
      CompletableFuture<Outcome> read =
          node.get(path, o)
              .thenCompose(
                  r -> {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    return r.body()
                        .forEach(
                            (ByteBuffer f) -> {
                              byte[] a = new byte[f.remaining()];
                              f.get(a);
                              buf.writeBytes(a);
                            })
                        .thenApply(
                            n ->
                                Outcome.found(
                                    r.info().version(), buf.toString(StandardCharsets.UTF_8)));
                  });
      finish(read, p, next, x -> x);
    } else if (call instanceof Call.Delete) {
      HistoryRecorder.Pending p = recorder.invoke(name, path, call);
      finish(
          node.delete(path),
          p,
          next,
          info -> {
            acked.put(
                info.blobId().toString(),
                new Acked(path, info.version(), info.blobId().toString()));
            return Outcome.written(info.version());
          });
    } else {
      long v = ((Call.DeleteVersion) call).version();
      HistoryRecorder.Pending p = recorder.invoke(name, path, call);
      finish(node.deleteVersion(path, v), p, next, info -> Outcome.tombstoned());
    }
  }

  private <T> void finish(
      CompletableFuture<T> f,
      HistoryRecorder.Pending p,
      Runnable next,
      Function<T, Outcome> success) {
    boolean[] done = {false};
    // A client gives up after a while: the outcome is then unknown.
    Scheduler.Cancellable timer =
        scheduler.schedule(
            config.requestTimeout().plusSeconds(2),
            () -> {
              if (!done[0]) {
                done[0] = true;
                p.unknown();
                next.run();
              }
            });
    f.whenComplete(
        (r, t) -> {
          if (done[0]) {
            return;
          }
          done[0] = true;
          timer.cancel();
          if (t == null) {
            p.complete(success.apply(r));
          } else {
            Throwable c = Bodies.unwrap(t);
            if (c instanceof BlobStoreException e) {
              switch (e.reason()) {
                case VERSION_CONFLICT -> p.complete(Outcome.conflict(e.latestVersion().orElse(0)));
                case NOT_FOUND -> p.complete(Outcome.notFound());
                case DELETED -> p.complete(Outcome.deleted());
                case UNAVAILABLE, BUSY -> p.noEffect();
                default -> p.unknown();
              }
            } else {
              p.unknown();
            }
          }
          next.run();
        });
  }

  @Override
  public void close() {
    for (SimNode n : nodes) {
      if (n.up) {
        n.crash();
      }
    }
  }

  /**
   * What a run did and found.
   *
   * @param problems empty when every check passed
   */
  public record Result(
      long seed,
      List<String> problems,
      History history,
      CheckResult check,
      List<String> events,
      int operations,
      int crashes,
      int partitions,
      String replayCommand) {
    public boolean ok() {
      return problems.isEmpty();
    }

    @Override
    public String toString() {
      return "seed "
          + seed
          + ": "
          + (ok() ? "ok" : problems.size() + " problems: " + problems)
          + "; "
          + operations
          + " ops, "
          + crashes
          + " crashes, "
          + partitions
          + " partitions; replay: "
          + replayCommand;
    }
  }

  /** Sets up a simulation. */
  public static final class Builder {
    private final long seed;
    private Path directory;
    private int nodes = 3;
    private int replicationFactor = 3;
    private int slots = 4;
    private int operations = 200;
    private int clients = 4;
    private int paths = 4;
    private boolean messageFaults = true;
    private boolean nodeFaults = true;
    private boolean registryFaults = true;
    private boolean wipes = true;
    private int spares;
    private final Set<PlantedBug> bugs = EnumSet.noneOf(PlantedBug.class);
    private BiFunction<NodeId, InMemoryNetwork, Transport> transports =
        (id, network) -> network.join(id);
    private Function<SimScheduler, Registry> registries = InMemoryRegistry::new;
    private Workload workload;

    private Builder(long seed) {
      this.seed = seed;
    }

    /** Where the nodes keep their data (required; one subdirectory per node). */
    public Builder directory(Path dir) {
      this.directory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    public Builder nodes(int n) {
      this.nodes = n;
      return this;
    }

    public Builder replicationFactor(int r) {
      this.replicationFactor = r;
      return this;
    }

    public Builder slots(int s) {
      this.slots = s;
      return this;
    }

    public Builder operations(int n) {
      this.operations = n;
      return this;
    }

    public Builder clients(int n) {
      this.clients = n;
      return this;
    }

    public Builder paths(int n) {
      this.paths = n;
      return this;
    }

    /** Drops, duplicates and delays messages. */
    public Builder messageFaults(boolean on) {
      this.messageFaults = on;
      return this;
    }

    /** Crashes, restarts, partitions and one-way cuts of nodes. */
    public Builder nodeFaults(boolean on) {
      this.nodeFaults = on;
      return this;
    }

    /** Registry calls that fail or time out (outcome unknown). */
    public Builder registryFaults(boolean on) {
      this.registryFaults = on;
      return this;
    }

    /**
     * Replaces a node's disks (crash, empty data directory, restart) when every slot is fully
     * replicated.
     */
    public Builder diskReplacements(boolean on) {
      this.wipes = on;
      return this;
    }

    /**
     * Makes each node's transport, at every (re)start, from its id and the simulated network; the
     * default joins the network. Crashes, partitions and message faults act on the network, so a
     * transport that does not send through it sees none of them.
     */
    /**
     * Topology changes during the run, with {@code spares} nodes outside the first topology to add
     * (0, the default: the topology never changes). Every 2 to 8 s of simulated time a running node
     * adds a spare, removes a node (drain, then leave) or replaces one by a spare, sometimes two
     * operators at once; after healing, every slot must be in sync exactly on the final topology's
     * placement, its replicas identical.
     */
    public Builder topologyChanges(int spares) {
      if (spares < 0) {
        throw new IllegalArgumentException("spares must be >= 0, was " + spares);
      }
      this.spares = spares;
      return this;
    }

    public Builder transport(BiFunction<NodeId, InMemoryNetwork, Transport> factory) {
      this.transports = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Makes the registry the nodes share, each through its own fault-injecting view; the default is
     * an {@link InMemoryRegistry} on the simulation's scheduler.
     */
    public Builder registry(Function<SimScheduler, Registry> factory) {
      this.registries = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** What the clients do; the default is {@link Workload#mixed} over {@link #paths} paths. */
    public Builder workload(Workload workload) {
      this.workload = Objects.requireNonNull(workload, "workload");
      return this;
    }

    /**
     * Plants a deliberate protocol bug in every node, so that the simulation's own tests can show
     * it is caught. Package-private: not part of the simulation's API.
     */
    Builder plant(PlantedBug bug) {
      this.bugs.add(Objects.requireNonNull(bug, "bug"));
      return this;
    }

    public Simulation build() {
      Objects.requireNonNull(directory, "directory is required");
      return new Simulation(this);
    }
  }
}
