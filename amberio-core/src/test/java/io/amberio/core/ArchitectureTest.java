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
package io.amberio.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of the core module, checked on the compiled classes: no package cycles, the module
 * exports the user API to everyone and the replica seam to the cluster alone, and no exported
 * signature names a type its readers cannot see.
 */
class ArchitectureTest {
  private static final String API = "io.amberio.core";
  private static final String REPLICA = "io.amberio.core.replica";
  private static final String INTERNAL = "io.amberio.core.internal";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(API);
  }

  @Test
  void packagesBelowTheApiAreFreeOfCycles() {
    slices().matching("io.amberio.core.(**)").should().beFreeOfCycles().check(classes);
  }

  /**
   * The engine depends on the API's types (it implements them); the API reaches the engine only
   * through its two doors: the builder opens the store, and {@link ListPage#cursorAfter} encodes a
   * cursor with the engine's codec. So the API package and the engine form no cycle beyond those
   * two edges.
   */
  @Test
  void theApiReachesTheEngineOnlyThroughItsDoors() {
    noClasses()
        .that()
        .resideInAnyPackage(API, REPLICA)
        .and()
        .doNotHaveFullyQualifiedName(BlobStoreBuilder.class.getName())
        .and()
        .doNotHaveFullyQualifiedName(ListPage.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAPackage(INTERNAL + "..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(API)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(REPLICA + "..")
        .check(classes);
  }

  @Test
  void theModuleExportsTheApiToAllAndTheReplicaSeamToTheClusterOnly()
      throws IOException, URISyntaxException {
    Path classesDir =
        Path.of(BlobStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classesDir.resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }
    Map<String, Set<String>> exports = new TreeMap<>();
    for (Exports e : module.exports()) {
      exports.put(e.source(), e.targets());
    }
    assertThat(module.name()).isEqualTo(API);
    assertThat(exports).containsOnlyKeys(API, REPLICA);
    assertThat(exports.get(API)).as("exported to everyone").isEmpty();
    assertThat(exports.get(REPLICA)).containsExactly("io.amberio.cluster");
    assertThat(module.opens()).isEmpty();
    assertThat(module.isOpen()).isFalse();
  }

  @Test
  void noExportedSignatureNamesAHiddenType() {
    List<String> leaks = new ArrayList<>();
    for (JavaClass c : classes) {
      String pkg = c.getPackageName();
      if (!(pkg.equals(API) || pkg.equals(REPLICA)) || !visible(c)) {
        continue;
      }
      // the API may name neither the engine nor the replica seam; the seam may not name the engine
      List<String> hidden = pkg.equals(API) ? List.of(INTERNAL, REPLICA) : List.of(INTERNAL);
      Stream.Builder<JavaType> shown = Stream.builder();
      c.getSuperclass().ifPresent(shown::add);
      c.getInterfaces().forEach(shown::add);
      for (JavaField f : c.getFields()) {
        if (visible(f.getModifiers())) {
          shown.add(f.getType());
        }
      }
      for (JavaCodeUnit m : c.getCodeUnits()) {
        if (visible(m.getModifiers())) {
          shown.add(m.getReturnType());
          m.getParameterTypes().forEach(shown::add);
          m.getThrowsClause().getTypes().forEach(shown::add);
        }
      }
      shown
          .build()
          .flatMap(t -> t.getAllInvolvedRawTypes().stream())
          .filter(t -> hidden.stream().anyMatch(h -> t.getPackageName().startsWith(h)))
          .forEach(t -> leaks.add(c.getName() + " shows " + t.getName()));
    }
    assertThat(leaks).isEmpty();
  }

  private static boolean visible(JavaClass c) {
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!visible(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }
}
