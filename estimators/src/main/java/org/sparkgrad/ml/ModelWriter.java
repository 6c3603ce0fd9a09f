package org.sparkgrad.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.io.ModelFiles;
import org.sparkgrad.ml.train.UserModule;
import org.sparkgrad.util.StrictJson;

/**
 * Saves a {@link NeuralNetModel} in MLlib's layout: {@code metadata/} written by MLlib's {@code
 * DefaultParamsWriter} (class, uid, params), and the {@code data/} folder of {@link ModelFiles}.
 * {@code save} refuses an existing path unless {@code overwrite()} is called (MLlib's rule); if
 * writing fails, the partly written folder is removed. A model of a user's module records the
 * factory's class name, so one whose factory cannot be rebuilt by name (a lambda) is refused before
 * anything is written.
 */
public final class ModelWriter extends MLWriter {
  private final NeuralNetModel<?> model;

  /** A writer of {@code model}. */
  public ModelWriter(NeuralNetModel<?> model) {
    this.model = model;
  }

  @Override
  public void saveImpl(String path) {
    UserModule module = model.networkSpec().userModule();
    if (module != null && !module.loadable()) {
      throw new IllegalArgumentException(ModuleFactories.unsaveable(module.className()));
    }
    Path root = new Path(path);
    FileSystem fs = ModelFiles.fs(root, sc().hadoopConfiguration());
    try {
      DefaultParamsWriter.saveMetadata(model, path, sparkSession());
      ModelFiles.ModelJson json =
          new ModelFiles.ModelJson(
              ModelFiles.FORMAT_VERSION,
              model.getClass().getName(),
              model.numFeatures(),
              model.numOutputs(),
              model instanceof NeuralNetRegressionModel r && r.isVectorOutput(),
              StrictJson.parse(model.networkSpec().toJson()));
      ModelFiles.writeText(fs, new Path(root, ModelFiles.MODEL_JSON), StrictJson.write(json));
      Map<String, String> meta =
          Map.of("format", "pt", "sparkgrad.formatVersion", "" + ModelFiles.FORMAT_VERSION);
      ModelFiles.write(
          fs,
          new Path(root, ModelFiles.WEIGHTS),
          out -> StateDict.write(model.stateDict(), meta, out));
    } catch (IOException | RuntimeException e) {
      try {
        fs.delete(root, true);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("could not save the model to " + path + ": " + io, io);
      }
      throw (RuntimeException) e;
    }
  }
}
