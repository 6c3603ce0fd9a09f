package org.sparkgrad.ml;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The estimators' layers, as MLlib keeps {@code ml/ann} under its estimator: the trainer core
 * ({@code ml.train}) knows nothing of Spark, the Spark adapters ({@code ml.spark}) sit on top of
 * it, and no two packages depend on each other.
 */
class LayeringTest {
  private static final JavaClasses ESTIMATORS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.sparkgrad.ml");

  @Test
  void theTrainerCoreUsesNoSpark() {
    assertThat(ESTIMATORS.contain("org.sparkgrad.ml.train.Trainer")).isTrue();
    noClasses()
        .that()
        .resideInAPackage("org.sparkgrad.ml.train..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "org.sparkgrad.ml.spark..", "scala..")
        .because("the trainer core trains any Module on plain iterators, with or without Spark")
        .check(ESTIMATORS);
  }

  @Test
  void noPackageCycles() {
    assertThat(ESTIMATORS.contain("org.sparkgrad.ml.spark.SparkGradientSource")).isTrue();
    slices()
        .matching("org.sparkgrad.(**)")
        .should()
        .beFreeOfCycles()
        .because("each package is a layer that the ones above it use")
        .check(ESTIMATORS);
  }
}
