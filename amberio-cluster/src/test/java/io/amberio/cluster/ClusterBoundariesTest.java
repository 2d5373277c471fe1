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
package io.amberio.cluster;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of this module, checked on its compiled main classes:
 *
 * <ul>
 *   <li>no cycle among its packages, each package taken on its own (the rooms of {@code internal}
 *       included), apart from the assembly: {@link ClusterNode} (with its builder) and {@code
 *       ClusterBlobStore} build every room and are reached from the simulation and the internal
 *       builder hook, and {@link ClusterMember} (with its builder and its package-private parts)
 *       wires a node from the topology, a registry and a transport, so they are the top of the
 *       graph and left out of it;
 *   <li>no accessible class outside {@code io.amberio.cluster.internal..} shows an internal type in
 *       a public or protected signature (field, constructor, method, throws clause, supertype):
 *       what the module exports never leaks what it does not;
 *   <li>the module descriptor exports no internal package.
 * </ul>
 */
class ClusterBoundariesTest {
  static final String ROOT = "io.amberio.cluster";
  static final String INTERNAL = ROOT + ".internal";

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  /** The classes that assemble a node or a member, with their nested types. */
  private static final List<String> ASSEMBLERS =
      List.of(
          "ClusterNode",
          "ClusterBlobStore",
          "ClusterMember",
          "ClusterMemberBuilder",
          "PeerAddresses",
          "MemberThreads");

  static final DescribedPredicate<JavaClass> ASSEMBLY =
      DescribedPredicate.describe(
          "the assembly " + ASSEMBLERS,
          c ->
              c.getPackageName().equals(ROOT)
                  && ASSEMBLERS.contains(c.getName().substring(ROOT.length() + 1).split("\\$")[0]));

  static ArchRule noPackageCycles() {
    return slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (ASSEMBLY.test(c)
                    || !(c.getPackageName().equals(ROOT)
                        || c.getPackageName().startsWith(ROOT + "."))) {
                  return SliceIdentifier.ignore();
                }
                return SliceIdentifier.of(c.getPackageName());
              }

              @Override
              public String getDescription() {
                return "every package of " + ROOT + " but the assembly";
              }
            })
        .should()
        .beFreeOfCycles();
  }

  static ArchRule noInternalTypeInAPublicSignature() {
    return ArchRuleDefinition.classes()
        .that(
            DescribedPredicate.describe(
                "are accessible outside the internal packages",
                ClusterBoundariesTest::accessibleOutsideInternal))
        .should(
            new ArchCondition<JavaClass>(
                "not show a type of an internal package in a public or protected signature") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                for (String leak : leaks(c)) {
                  events.add(SimpleConditionEvent.violated(c, leak));
                }
              }
            });
  }

  @Test
  void packagesAreFreeOfCycles() {
    noPackageCycles().check(MAIN);
  }

  @Test
  void noPublicSignatureOutsideInternalShowsAnInternalType() {
    noInternalTypeInAPublicSignature().check(MAIN);
  }

  @Test
  void theModuleExportsNoInternalPackage() throws IOException {
    String descriptor = Files.readString(Path.of("src/main/java/module-info.java"));
    Matcher m = Pattern.compile("\\bexports\\s+([\\w.]+)").matcher(descriptor);
    List<String> exported = new ArrayList<>();
    while (m.find()) {
      exported.add(m.group(1));
    }
    assertThat(exported).contains(ROOT).allMatch(p -> !isInternal(p), "is not internal");
  }

  /**
   * Whether a package is internal: the protocol's rooms under {@link #INTERNAL}, and the private
   * parts of an exported SPI package ({@code transport.internal}, {@code registry.internal}, ...),
   * any package with an {@code internal} segment.
   */
  static boolean isInternal(String packageName) {
    return List.of(packageName.split("\\.")).contains("internal");
  }

  private static boolean accessibleOutsideInternal(JavaClass c) {
    if (isInternal(c.getPackageName()) || !c.getPackageName().startsWith(ROOT)) {
      return false;
    }
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(JavaMember m) {
    return m.getModifiers().contains(JavaModifier.PUBLIC)
        || m.getModifiers().contains(JavaModifier.PROTECTED);
  }

  /** Every internal type in a visible signature of {@code c}, described. */
  static Set<String> leaks(JavaClass c) {
    Set<String> out = new LinkedHashSet<>();
    c.getRawSuperclass().ifPresent(s -> check(out, c.getName() + " extends", List.of(s)));
    for (JavaClass i : c.getRawInterfaces()) {
      check(out, c.getName() + " implements", List.of(i));
    }
    for (JavaField f : c.getFields()) {
      if (visible(f)) {
        check(out, f.getFullName(), f.getType().getAllInvolvedRawTypes());
      }
    }
    for (JavaCodeUnit u : c.getCodeUnits()) {
      if (!visible(u) || u.getName().equals("<clinit>")) {
        continue;
      }
      check(out, u.getFullName() + " returns", u.getReturnType().getAllInvolvedRawTypes());
      for (JavaType p : u.getParameterTypes()) {
        check(out, u.getFullName() + " takes", p.getAllInvolvedRawTypes());
      }
      for (JavaClass t : u.getThrowsClause().getTypes()) {
        check(out, u.getFullName() + " throws", List.of(t));
      }
    }
    return out;
  }

  private static void check(Set<String> out, String where, Iterable<JavaClass> types) {
    for (JavaClass t : types) {
      if (isInternal(t.getPackageName())) {
        out.add(where + " " + t.getName());
      }
    }
  }
}
