package org.sparkgrad.ml.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code data/} folder of a saved model, read and written through the Hadoop {@link FileSystem}
 * of its path (local, HDFS, S3, ...):
 *
 * <ul>
 *   <li>{@code data/model.json}: {@code formatVersion}, {@code modelClass}, {@code numFeatures},
 *       {@code numOutputs}, {@code vectorOutput}, and {@code network} (the {@code NetworkSpec});
 *   <li>{@code data/weights.safetensors}: the state dict ({@code 0.weight}, {@code 0.bias}, ...,
 *       and batch norm's trained buffers {@code 1.running_mean}, {@code 1.running_var}, {@code
 *       1.num_batches_tracked}), which PyTorch's {@code safetensors.torch.load_file} reads into the
 *       same {@code nn.Sequential}.
 * </ul>
 */
public final class ModelFiles {
  /** The format this version writes and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  /** The model description, relative to the model folder. */
  public static final String MODEL_JSON = "data/model.json";

  /** The weights, relative to the model folder. */
  public static final String WEIGHTS = "data/weights.safetensors";

  private ModelFiles() {}

  /**
   * {@code data/model.json} as written, bound by Jackson.
   *
   * @param formatVersion {@link #FORMAT_VERSION} of the writer
   * @param modelClass the model's class name
   * @param numFeatures the input size per row
   * @param numOutputs the output size per row
   * @param vectorOutput whether a regressor predicts a vector
   * @param network the network spec's JSON, as parsed ({@code NetworkSpec.toJson})
   */
  public record ModelJson(
      int formatVersion,
      String modelClass,
      int numFeatures,
      int numOutputs,
      boolean vectorOutput,
      Object network) {}

  /** The file system of {@code path}. */
  public static FileSystem fs(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot open the file system of " + path + ": " + e, e);
    }
  }

  /** Writes {@code text} as UTF-8 to a new file. */
  public static void writeText(FileSystem fs, Path file, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Writes a new file with {@code writer}. */
  public static void write(FileSystem fs, Path file, Writer writer) throws IOException {
    try (OutputStream out = fs.create(file, false)) {
      writer.write(out);
    }
  }

  /** Reads a whole file. */
  public static byte[] read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  /** Writes one file's content. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }
}
