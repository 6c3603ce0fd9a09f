package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.params.CheckpointParams;
import org.sparkgrad.ml.params.ClassifierParams;
import org.sparkgrad.ml.params.ColumnParams;
import org.sparkgrad.ml.params.ExecutionParams;
import org.sparkgrad.ml.params.NetworkParams;
import org.sparkgrad.ml.params.OptimizerParams;
import org.sparkgrad.ml.params.ParamDecl;
import org.sparkgrad.ml.params.ParamDecl.Task;
import org.sparkgrad.ml.params.ParamSet;
import org.sparkgrad.ml.params.RegressorParams;
import org.sparkgrad.ml.params.TrainingParams;

/**
 * Each param is declared once, in its group, with a doc and a default (or on purpose without one),
 * and the params Spark finds on an estimator are exactly its task's declarations.
 */
class ParamDeclarationsTest {
  private static final List<Class<?>> GROUPS =
      List.of(
          ColumnParams.class,
          NetworkParams.class,
          UserModuleParams.class,
          TrainingParams.class,
          OptimizerParams.class,
          ExecutionParams.class,
          CheckpointParams.class,
          ClassifierParams.class,
          RegressorParams.class);

  /** The optional params: unset until a user sets them. */
  private static final Set<String> WITHOUT_DEFAULT =
      Set.of("weightCol", "validationIndicatorCol", "moduleFactory");

  private static List<ParamDecl<?>> ofTask(Task task) {
    Stream<ParamDecl<?>> all =
        Stream.concat(
            NeuralNetParams.declarations().stream(), RegressorParams.MODEL_DECLARED.stream());
    return all.filter(d -> d.appliesTo(task)).toList();
  }

  @Test
  void eachNameIsDeclaredOncePerTaskWithADocAndADefault() {
    for (Task task : Task.values()) {
      List<ParamDecl<?>> decls = ofTask(task);
      List<String> names = decls.stream().map(ParamDecl::name).toList();
      assertThat(new HashSet<>(names)).as("names of %s", task).hasSameSizeAs(names);
      for (ParamDecl<?> d : decls) {
        assertThat(d.doc(task)).as("doc of %s", d).isNotBlank();
        assertThat(d.hasDefault(task))
            .as("default of %s", d)
            .isEqualTo(!WITHOUT_DEFAULT.contains(d.name()));
      }
    }
    assertThat(ofTask(Task.CLASSIFICATION)).hasSize(46).contains(ClassifierParams.CLASS_WEIGHTS);
    assertThat(ofTask(Task.REGRESSION)).hasSize(45).contains(RegressorParams.LABEL_STD);
  }

  /** A declaration left out of its group's list would silently not be a param of anything. */
  @Test
  void everyDeclarationOfAGroupIsInItsList() throws IllegalAccessException {
    List<Object> listed = new ArrayList<>(NeuralNetParams.declarations());
    listed.addAll(RegressorParams.MODEL_DECLARED);
    int fields = 0;
    for (Class<?> group : GROUPS) {
      for (Field f : group.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == ParamDecl.class) {
          assertThat(listed).as("%s.%s", group.getSimpleName(), f.getName()).contains(f.get(null));
          fields++;
        }
      }
    }
    assertThat(fields).isEqualTo(listed.size());
  }

  @Test
  void sparkFindsExactlyTheDeclaredParamsWithTheirDocs() {
    checkInstance(new NeuralNetClassifier(), Task.CLASSIFICATION);
    checkInstance(new NeuralNetRegressor(), Task.REGRESSION);
  }

  private static void checkInstance(Params p, Task task) {
    List<ParamDecl<?>> decls =
        NeuralNetParams.declarations().stream().filter(d -> d.appliesTo(task)).toList();
    assertThat(Arrays.stream(p.params()).map(Param::name))
        .containsExactlyInAnyOrderElementsOf(decls.stream().map(ParamDecl::name).toList());
    for (ParamDecl<?> d : decls) {
      assertThat(p.getParam(d.name()).doc()).isEqualTo(d.doc(task));
    }
  }

  @Test
  void variantsDifferByTask() {
    assertThat(ColumnParams.LABEL_COL.doc(Task.CLASSIFICATION)).contains("class indices");
    assertThat(ColumnParams.LABEL_COL.doc(Task.REGRESSION)).contains("ML Vector");
    assertThat(new NeuralNetRegressor().labelCol().doc()).contains("ML Vector");
    assertThat(ClassifierParams.PROBABILITY_COL.appliesTo(Task.REGRESSION)).isFalse();
    assertThatThrownBy(() -> ClassifierParams.PROBABILITY_COL.doc(Task.REGRESSION))
        .hasMessage("probabilityCol is not a param of REGRESSION estimators");
  }

  @Test
  void aNameDeclaredTwiceIsRefused() {
    NeuralNetClassifier owner = new NeuralNetClassifier();
    assertThatThrownBy(
            () ->
                new ParamSet(
                    owner,
                    Task.CLASSIFICATION,
                    List.of(TrainingParams.BATCH_SIZE, TrainingParams.BATCH_SIZE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("param batchSize is declared twice");
    assertThatThrownBy(() -> ParamDecl.byTask(ColumnParams.WEIGHT_COL, ColumnParams.FEATURES_COL))
        .hasMessage("one param, two names: weightCol and featuresCol");
  }

  @Test
  void arrayDefaultsAreNotSharedBetweenInstances() {
    NeuralNetClassifier a = new NeuralNetClassifier();
    NeuralNetClassifier b = new NeuralNetClassifier();
    assertThat(a.getOrDefault(a.hiddenLayers())).isNotSameAs(b.getOrDefault(b.hiddenLayers()));
    a.getOrDefault(a.hiddenLayers())[0] = 3;
    assertThat(b.getHiddenLayers()).containsExactly(64);
  }
}
