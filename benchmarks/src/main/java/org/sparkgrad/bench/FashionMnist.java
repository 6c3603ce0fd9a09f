package org.sparkgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparkgrad.data.IdxReader;
import org.sparkgrad.tensor.Tensor;

/**
 * Fashion-MNIST as Debian's {@code dataset-fashion-mnist} installs it: four gzip-compressed IDX
 * files in one folder. Images are flattened to 784 floats in [0, 1]; labels are int64.
 */
record FashionMnist(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY) {
  /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
  static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  static final String[] FILES = {
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz"
  };

  /** True if every file is in {@code dir}. */
  static boolean present(Path dir) {
    for (String f : FILES) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        return false;
      }
    }
    return true;
  }

  /** What to do when the files are missing. */
  static String howToInstall(Path dir) {
    return "Fashion-MNIST not found in "
        + dir
        + " (expected "
        + String.join(", ", FILES)
        + ").\nInstall it with:  sudo apt-get install dataset-fashion-mnist\n"
        + "or pass another folder holding the same four files with --data DIR.";
  }

  static FashionMnist load(Path dir) throws IOException {
    return new FashionMnist(
        images(dir.resolve(FILES[0])),
        labels(dir.resolve(FILES[1])),
        images(dir.resolve(FILES[2])),
        labels(dir.resolve(FILES[3])));
  }

  private static Tensor images(Path file) throws IOException {
    IdxReader.Images x = IdxReader.readImages(file, true);
    return Tensor.wrap(x.data(), x.count(), x.data().length / x.count());
  }

  private static Tensor labels(Path file) throws IOException {
    return Tensor.wrapLongs(IdxReader.readLabels(file));
  }
}
