package org.sparkgrad.spark.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.junit.jupiter.api.Test;
import org.sparkgrad.spark.SharedSparkAccess;

/**
 * Without a Spark UI ({@code spark.ui.enabled=false}, as in the shared test context, which runs the
 * plugin) nothing is attached, while a fit's events are still posted.
 */
class SparkgradUiAttachTest {
  @Test
  void withoutAUiNoListenerIsAddedAndEventsStillReachTheBus() throws Exception {
    SparkContext sc = SharedSparkAccess.context();
    assertThat(sc.ui().isEmpty()).isTrue();
    List<String> seen = new CopyOnWriteArrayList<>();
    SparkListener spy =
        new SparkListener() {
          @Override
          public void onOtherEvent(SparkListenerEvent event) {
            if (event instanceof SparkgradFitProgress p && p.uid().equals("nnc_x")) {
              seen.add(p.state() + " " + p.step());
            }
          }
        };
    sc.addSparkListener(spy);
    try {
      // The plugin's driver part has attached already at start-up; a fit's attach comes again.
      FitProgressReporter r = SparkgradUi.reporter(sc, "NeuralNetClassifier", "nnc_x", 0);
      r.stepsDone(1, 1, 1, 1, 1.0, 2, 2);
      r.ended(null);
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(spy);
    }
    assertThat(seen).containsExactly("running 0", "running 1", "finished 1");
    assertThat(sc.listenerBus().listeners()).noneMatch(l -> l instanceof SparkgradUiListener);
    // The live store is there without a UI, and nothing wrote the fit into it.
    assertThat(sc.statusStore().store().count(SparkgradFitProgress.class)).isZero();
  }
}
