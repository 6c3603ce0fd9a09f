package org.sparkgrad.ml;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Tensor;

/**
 * The estimators use the engine through its API: no class here touches a backend's storage or a
 * tensor's ({@code ParameterVectors} moves weights and gradients to and from flat arrays, {@code
 * Backends} gives devices).
 */
class EngineBoundaryTest {
  private static final JavaClasses ESTIMATORS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.sparkgrad.ml");

  @Test
  void noEstimatorClassReachesIntoABackend() {
    assertThat(ESTIMATORS.contain("org.sparkgrad.ml.train.Replica")).isTrue();
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.sparkgrad.backend.cpu..", "org.sparkgrad.backend.cuda..")
        .because("only the engine knows how its tensors are stored")
        .check(ESTIMATORS);
  }

  @Test
  void noEstimatorClassTouchesTensorStorage() {
    noClasses()
        .should()
        .callMethod(Tensor.class, "storage")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.sparkgrad.backend.Storage")
        .because("flat weights and gradients go through ParameterVectors, not tensor storage")
        .check(ESTIMATORS);
  }
}
