package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.tensor.Generator;

/**
 * A batch-norm CNN and small 8x8 images for the batch-statistics tests: class 0 has a bright row,
 * class 1 a bright column, class 2 a bright diagonal, with noise and a per-image brightness offset
 * (so that batch statistics matter).
 */
public final class BatchNormSteps {
  /** [1,8,8] -conv(p1)-> [4,8,8] -bn-> -relu-> -max2-> [4,4,4] -flatten-> 64 -> 3. */
  public static final String CNN =
      "{\"input_shape\": [1, 8, 8], \"layers\": ["
          + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 4, \"kernel_size\": 3,"
          + " \"padding\": 1, \"bias\": false},"
          + " {\"type\": \"batch_norm2d\", \"num_features\": 4},"
          + " {\"type\": \"relu\"},"
          + " {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
          + " {\"type\": \"flatten\"},"
          + " {\"type\": \"linear\", \"in_features\": 64, \"out_features\": 3}]}";

  public static final int FEATURES = 64;

  private BatchNormSteps() {}

  /** {@code n} images and their labels: {@code x[i]} of 64 values, {@code y[i]} in 0..2. */
  public static float[][] images(int n, long seed, float[] labels) {
    Generator g = new Generator(seed);
    float[][] x = new float[n][FEATURES];
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      int at = (int) (g.nextDouble() * 8);
      double offset = 2 * g.nextDouble();
      for (int p = 0; p < FEATURES; p++) {
        int r = p / 8;
        int col = p % 8;
        boolean on = c == 0 ? r == at : c == 1 ? col == at : r == col;
        x[i][p] = (float) ((on ? 1.0 : 0.0) + offset + 0.3 * g.nextGaussian());
      }
      labels[i] = c;
    }
    return x;
  }

  /** The rows split into {@code parts} partitions of about equal size, with row ids. */
  public static List<PartitionData> partitions(float[][] x, float[] y, int parts) {
    List<PartitionData> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      BlockBuilder b = new BlockBuilder(FEATURES, 1, false);
      for (int i = p; i < x.length; i += parts) {
        b.add(x[i], new float[] {y[i]}, 1f);
      }
      out.add(new PartitionData(p, b.build(), new BlockBuilder(FEATURES, 1, false).build()));
    }
    return RowIds.assign(out);
  }

  /** Adam at 0.01, batches of {@code batch}, {@code epochs} epochs, shuffled, seed 5. */
  public static TrainingConfig adam(int batch, int epochs) {
    return new TrainingConfig(
        "adam", 0.01, 0.9, 0, "constant", 1, 1, 0, 0, batch, epochs, 5, true, false, 0);
  }
}
