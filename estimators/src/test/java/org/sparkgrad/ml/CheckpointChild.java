package org.sparkgrad.ml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkgrad.ml.support.Data;

/**
 * The driver program of {@link CheckpointProcessTest}, run in its own JVM: a {@code local[2]} fit
 * with a checkpoint folder that, if asked, ends its JVM abruptly ({@link Runtime#halt}, no shutdown
 * hooks, as a killed driver) from the training listener after an epoch; otherwise it finishes and
 * writes the model's weights, one per line, to a file.
 *
 * <p>Arguments: {@code checkpointDir haltAfterEpoch(0: never) weightsFile}.
 */
public final class CheckpointChild {
  /** The exit status of a halted child. */
  static final int HALTED = 3;

  private CheckpointChild() {}

  /** The training data, the same in every JVM. */
  static Dataset<Row> data() {
    return Data.blobsFrame(240, 17);
  }

  /** The estimator of the test: dropout and a warm-up schedule make every piece of state count. */
  static NeuralNetClassifier estimator(String checkpointDir) {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {12})
        .setDropout(0.2)
        .setOptimizer("adam")
        .setLearningRate(0.02)
        .setWarmupSteps(5)
        .setBatchSize(32)
        .setMaxEpochs(5)
        .setSeed(23)
        .setNumReplicas(2)
        .setDevice("cpu")
        .setCheckpointDir(checkpointDir);
  }

  /** Runs the fit; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    String dir = args[0];
    int haltAfter = Integer.parseInt(args[1]);
    NeuralNetClassifier est =
        estimator(dir)
            .setTrainingListener(
                stats -> {
                  if (stats.epoch() == haltAfter) {
                    System.err.println("halting after epoch " + haltAfter);
                    System.err.flush();
                    Runtime.getRuntime().halt(HALTED);
                  }
                });
    NeuralNetClassificationModel model = est.fit(data());
    List<String> lines = new ArrayList<>();
    for (float w : model.weights()) {
      lines.add(Float.toString(w));
    }
    Files.write(Path.of(args[2]), lines, StandardCharsets.UTF_8);
    System.exit(0);
  }
}
