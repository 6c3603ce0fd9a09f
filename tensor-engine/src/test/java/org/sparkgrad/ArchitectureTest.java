package org.sparkgrad;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine's layering: no Spark anywhere, and JCuda only inside the CUDA backend. */
class ArchitectureTest {
  private static final JavaClasses ENGINE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.sparkgrad");

  @Test
  void engineHasNoSpark() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "scala..")
        .because("the tensor engine runs without Spark")
        .check(ENGINE);
  }

  @Test
  void onlyTheCudaBackendImportsJcuda() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.sparkgrad.backend.cuda..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jcuda..")
        .because("a machine without CUDA must load every other class")
        .check(ENGINE);
  }

  @Test
  void theEngineIsNotEmpty() {
    // Guards the two rules above from passing vacuously on an empty import.
    org.assertj.core.api.Assertions.assertThat(ENGINE.contain("org.sparkgrad.tensor.Tensor"))
        .isTrue();
  }
}
