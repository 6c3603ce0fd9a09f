package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

class PipelineExamplesTest {
  @TempDir Path dir;

  @Test
  void javaPipelineIsTunedSavedAndReloaded() throws Exception {
    Path saved = dir.resolve("java-pipeline");
    Capture c = new Capture();
    PipelineExample.Result r = PipelineExample.run(TestSpark.session(), saved.toString(), c.out);
    assertThat(r.accuracy()).isGreaterThan(0.85);
    assertThat(r.reloadedAccuracy()).isEqualTo(r.accuracy());
    // 6 epochs at a learning rate of 3e-4 leave the network far from trained: tuning picks 1e-2.
    assertThat(r.bestParams().toString()).contains("learningRate: 0.01");
    assertThat(Files.isDirectory(saved.resolve("stages"))).isTrue();
    assertThat(c.text()).contains("cross-validated accuracy").contains("reloaded test accuracy");
    // Two grid points, each reported once.
    assertThat(c.text().split("cross-validated accuracy", -1)).hasSize(3);
  }

  @Test
  void scalaPipelineIsTunedSavedAndReloaded() {
    Path saved = dir.resolve("scala-pipeline");
    Tuple2<Object, Object> r = PipelineExampleScala.run(TestSpark.session(), saved.toString());
    double accuracy = (Double) r._1();
    // Three rings: a linear model scores about 1/3 to 1/2.
    assertThat(accuracy).isGreaterThan(0.85);
    assertThat((Double) r._2()).isEqualTo(accuracy);
    assertThat(Files.isDirectory(saved.resolve("stages"))).isTrue();
  }
}
