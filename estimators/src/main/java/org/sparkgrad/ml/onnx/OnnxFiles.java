package org.sparkgrad.ml.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes an exported ONNX file through the Hadoop {@link FileSystem} of its path (local, HDFS, S3,
 * ...), as the rest of persistence does. The bytes go to a hidden temporary file beside the target
 * that is renamed into place once complete, so a failed export leaves no partial file; an existing
 * file is replaced only when asked.
 */
public final class OnnxFiles {
  private OnnxFiles() {}

  /**
   * Writes {@code bytes} to {@code path}.
   *
   * @throws IllegalArgumentException if {@code path} exists and {@code overwrite} is false, or is a
   *     directory
   * @throws UncheckedIOException naming the path if writing fails
   */
  public static void write(String path, byte[] bytes, boolean overwrite, Configuration conf) {
    Path target = new Path(path);
    FileSystem fs;
    try {
      fs = target.getFileSystem(conf);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot open the file system of " + path + ": " + e, e);
    }
    Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID());
    try {
      if (fs.exists(target)) {
        if (fs.getFileStatus(target).isDirectory()) {
          throw new IllegalArgumentException(
              "cannot export the ONNX model to " + path + ": it is a directory");
        }
        if (!overwrite) {
          throw new IllegalArgumentException(
              "cannot export the ONNX model to "
                  + path
                  + ": the file already exists; use exportOnnx(path, true) to replace it");
        }
      }
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      if (overwrite) {
        fs.delete(target, false);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not export the ONNX model to " + path + ": " + e.getMessage(), e);
    } finally {
      try {
        fs.delete(tmp, false);
      } catch (IOException e) {
        // the temporary file is hidden and harmless; the export's own outcome matters more
      }
    }
  }
}
