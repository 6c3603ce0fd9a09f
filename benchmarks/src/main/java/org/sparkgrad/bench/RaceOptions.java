package org.sparkgrad.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The command-line options of {@link FashionMnistRace}. */
final class RaceOptions {
  static final String USAGE =
      "options: --quick  --data DIR  --epochs N  --batch-size N  --partitions N  --lr X"
          + "  --seed N  --mllib-iters 10,25,50,100,200  --mllib-cap-s S  --skip-mllib"
          + "  --skip-torch  --torch both|system|openblas  --skip-scaling  --scaling-epochs N"
          + "  --cluster  --images DIR  --skip-idx";

  Path data = FashionMnist.DEFAULT_DIR;
  boolean quick;
  int epochs = 10;
  int batchSize = 128;
  int partitions = 2;
  double lr = 1e-3;
  long seed = 0;
  int[] mllibIters = {10, 25, 50, 100, 200};
  int mllibCapSeconds = 900;
  boolean skipMllib;
  boolean skipTorch;
  String torch = "both";
  boolean skipScaling;
  int scalingEpochs = 3;
  boolean cluster;
  Path images;

  /** CnnRace with --images: fit from the PNG files only, not first from the IDX rows. */
  boolean skipIdx;

  long trainRows = 60_000;

  static RaceOptions parse(String[] args) {
    RaceOptions o = new RaceOptions();
    // --quick first, so that explicit flags override its smaller defaults wherever they stand.
    if (Arrays.asList(args).contains("--quick")) {
      o.quick = true;
      o.epochs = 2;
      o.mllibIters = new int[] {1, 3};
      o.mllibCapSeconds = 240;
      o.scalingEpochs = 1;
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {}
        case "--skip-mllib" -> o.skipMllib = true;
        case "--skip-torch" -> o.skipTorch = true;
        case "--skip-scaling" -> o.skipScaling = true;
        case "--cluster" -> o.cluster = true;
        case "--skip-idx" -> o.skipIdx = true;
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("option " + a + " needs a value; " + USAGE);
          }
          String v = args[++i];
          switch (a) {
            case "--data" -> o.data = Path.of(v);
            case "--images" -> o.images = Path.of(v);
            case "--epochs" -> o.epochs = positive(a, v);
            case "--batch-size" -> o.batchSize = positive(a, v);
            case "--partitions" -> o.partitions = positive(a, v);
            case "--lr" -> {
              o.lr = Double.parseDouble(v);
              if (!(o.lr > 0)) {
                throw new IllegalArgumentException("--lr must be > 0, got " + v);
              }
            }
            case "--seed" -> o.seed = Long.parseLong(v);
            case "--mllib-iters" ->
                o.mllibIters =
                    Arrays.stream(v.split(",", -1)).mapToInt(s -> positive(a, s)).toArray();
            case "--mllib-cap-s" -> o.mllibCapSeconds = positive(a, v);
            case "--torch" -> {
              if (!Arrays.asList("both", "system", "openblas").contains(v)) {
                throw new IllegalArgumentException(
                    "--torch must be both, system or openblas, got " + v);
              }
              o.torch = v;
            }
            case "--scaling-epochs" -> o.scalingEpochs = positive(a, v);
            default -> throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
          }
        }
      }
    }
    if (Files.exists(o.data) && !Files.isDirectory(o.data)) {
      throw new IllegalArgumentException("--data must be a folder, got file " + o.data);
    }
    return o;
  }

  private static int positive(String name, String v) {
    int n = Integer.parseInt(v.trim());
    if (n <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + n);
    }
    return n;
  }
}
