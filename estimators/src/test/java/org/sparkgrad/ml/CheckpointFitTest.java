package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.io.Checkpointing;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.LogCapture;

/** The checkpoint params through the Spark estimators: written, kept, persisted, resumed. */
class CheckpointFitTest {
  @TempDir Path tmp;

  @Test
  void aRegressorWritesStepCheckpointsAndARepeatedFitResumesAtTheEnd() throws Exception {
    Dataset<Row> data = Data.blobsFrame(90, 3);
    Path dir = tmp.resolve("ckpt");
    String uri = dir.toUri().toString();
    NeuralNetRegressor est =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {6})
            .setBatchSize(20)
            .setMaxEpochs(3)
            .setSeed(8)
            .setDevice("cpu")
            .setCheckpointDir(uri)
            .setCheckpointIntervalUnit("step")
            .setCheckpointInterval(4)
            .setKeepCheckpoints(3);
    NeuralNetRegressionModel first = est.fit(data);
    // 90 rows, batch 20: 5 steps per epoch, 15 in all; every 4 steps, and at the end.
    try (Stream<Path> names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ckpt-000000000008", "ckpt-000000000012", "ckpt-000000000015");
    }
    NeuralNetRegressionModel again;
    try (LogCapture log = LogCapture.of(Checkpointing.class)) {
      again = est.fit(data);
      assertThat(log.lines(Level.INFO))
          .anyMatch(l -> l.contains("resuming from checkpoint") && l.contains("after epoch 3"));
    }
    assertThat(again.weights()).containsExactly(first.weights());
    assertThat(again.summary().trainLoss()).containsExactly(first.summary().trainLoss());

    // Other rows, as many: another run, named as such.
    assertThatThrownBy(() -> est.fit(Data.blobsFrame(90, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ckpt-000000000015 is for data ")
        .hasMessageMatching("(?s).*is for data [0-9a-f/]+, this fit has data [0-9a-f/]+;.*");

    Path saved = tmp.resolve("model");
    again.write().save(saved.toString());
    NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(saved.toString());
    assertThat(loaded.getCheckpointDir()).isEqualTo(uri);
    assertThat(loaded.getCheckpointIntervalUnit()).isEqualTo("step");
    assertThat(loaded.getCheckpointInterval()).isEqualTo(4);
    assertThat(loaded.getKeepCheckpoints()).isEqualTo(3);
  }
}
