package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines: one line naming the option (or file), exit status 2. */
class JobArgsTest {
  @TempDir Path dir;

  private static int status(String[] args, Capture err) throws Exception {
    return JobSession.exitStatus(
        "TrainJob", args, err.out, a -> TrainJob.run(a, new Capture().out));
  }

  @Test
  void missingOutput() throws Exception {
    Capture err = new Capture();
    assertThat(status(new String[] {"--input", "generated"}, err)).isEqualTo(2);
    assertThat(err.text()).isEqualTo("TrainJob: --output is required (see --help)\n");
  }

  @Test
  void unknownOption() throws Exception {
    Capture err = new Capture();
    assertThat(status(new String[] {"--input", "generated", "--output", "m", "--epoch", "3"}, err))
        .isEqualTo(2);
    assertThat(err.text()).isEqualTo("TrainJob: unknown option --epoch (see --help)\n");
  }

  @Test
  void unknownFormat() {
    assertThatThrownBy(
            () ->
                TrainJob.run(
                    new String[] {"--input", "x.xml", "--format", "xml", "--output", "m"},
                    new Capture().out))
        .isInstanceOf(UsageException.class)
        .hasMessage("--format must be one of parquet|csv|libsvm|idx, got 'xml'");
  }

  @Test
  void malformedValuesNameTheirOption() {
    String[][] cases = {
      {"--epochs", "ten", "--epochs must be an integer, got 'ten'"},
      {"--epochs", "0", "--epochs must be >= 1, got 0"},
      {"--hidden", "64,-1", "--hidden must be comma-separated positive integers, got '64,-1'"},
      {"--lr", "fast", "--lr must be a number, got 'fast'"},
      {"--task", "ranking", "--task must be one of classification|regression, got 'ranking'"},
      {"--test-fraction", "0.95", "--test-fraction must be in [0.0, 0.9], got 0.95"},
      {"--activation", "swish", "--activation: "},
      {"--optimizer", "lbfgs", "--optimizer: "},
      {"--precision", "int8", "--precision: "},
    };
    for (String[] c : cases) {
      String[] args = {"--input", "generated", "--output", "m", c[0], c[1]};
      assertThatThrownBy(() -> TrainJob.run(args, new Capture().out))
          .as(c[0] + " " + c[1])
          .isInstanceOf(UsageException.class)
          .hasMessageStartingWith(c[2])
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void missingValue() {
    assertThatThrownBy(
            () ->
                TrainJob.run(new String[] {"--input", "generated", "--output"}, new Capture().out))
        .hasMessage("--output needs a value");
  }

  @Test
  void picocliCasesKeepTheJobsMessages() {
    String[][] cases = {
      {"--epochs", "3", "--epochs=4", "--epochs is given twice"},
      {"--output", "n", "--output is given twice"},
      {"--overwrite", "--overwrite", "--overwrite is given twice"},
      {"--overwrite=yes", "--overwrite takes no value, got 'yes'"},
      {"--epochs=ten", "--epochs must be an integer, got 'ten'"},
      {"--seed", "x1", "--seed must be an integer, got 'x1'"},
      {"--dropout", "half", "--dropout must be a number, got 'half'"},
      {"--epoch=3", "unknown option --epoch (see --help)"},
      {"-h", "unknown option -h (see --help)"},
      {"stray", "unexpected argument 'stray': options are --name value (see --help)"},
      {"--task", "--task needs a value"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 3];
      args[0] = "--input";
      args[1] = "generated";
      args[2] = "--output";
      args[3] = "m";
      System.arraycopy(c, 0, args, 4, c.length - 1);
      assertThatThrownBy(() -> TrainJob.run(args, new Capture().out))
          .as(String.join(" ", args))
          .isInstanceOf(UsageException.class)
          .hasMessage(c[c.length - 1]);
    }
  }

  @Test
  void anArgumentStartingWithAtIsAValueNotAFile() {
    TrainCommand command = new TrainCommand();
    String[] args = {"--input", "generated", "--output", "m", "--label-col", "@y"};
    assertThat(Cli.parse(command, args, new Capture().out)).isTrue();
    assertThat(command.toOptions().input().labelCol()).isEqualTo("@y");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    TrainCommand command = new TrainCommand();
    assertThat(
            Cli.parse(
                command, new String[] {"--input", "generated", "--output", "m"}, new Capture().out))
        .isTrue();
    TrainOptions o = command.toOptions();
    assertThat(o.task()).isEqualTo("classification");
    assertThat(o.validationFraction()).isEqualTo(0.1);
    assertThat(o.testFraction()).isEqualTo(0.2);
    assertThat(o.summary()).isEqualTo("m-summary.json");
    assertThat(o.plot()).isEqualTo("m-curves.png");
    assertThat(o.overwrite()).isFalse();
    assertThat(o.input())
        .isEqualTo(
            new InputOptions(
                "generated", null, null, "label", "features", List.of(), 20000, 42L, 0));
    var est = o.estimator();
    assertThat(est.getHiddenLayers()).containsExactly(256, 128);
    assertThat(est.getActivation()).isEqualTo("relu");
    assertThat(est.getOptimizer()).isEqualTo("adam");
    assertThat(est.getLearningRate()).isEqualTo(1e-3);
    assertThat(est.getBatchSize()).isEqualTo(128);
    assertThat(est.getMaxEpochs()).isEqualTo(10);
    assertThat(est.getDevice()).isEqualTo("auto");
    assertThat(est.getPrecision()).isEqualTo("float32");
    assertThat(est.getSeed()).isEqualTo(42L);
  }

  @Test
  void valuesReachTheEstimator() {
    TrainCommand command = new TrainCommand();
    String[] args = {
      "--input=generated",
      "--output",
      "m",
      "--task",
      "Regression",
      "--hidden",
      "",
      "--epochs",
      "3",
      "--lr=0.5",
      "--seed",
      "-7",
      "--overwrite",
      "--summary",
      "s.json",
      "--precision",
      "bf16"
    };
    assertThat(Cli.parse(command, args, new Capture().out)).isTrue();
    TrainOptions o = command.toOptions();
    assertThat(o.estimator().getPrecision()).isEqualTo("bf16");
    assertThat(o.task()).isEqualTo("regression");
    assertThat(o.estimator().getHiddenLayers()).isEmpty();
    assertThat(o.estimator().getMaxEpochs()).isEqualTo(3);
    assertThat(o.estimator().getLearningRate()).isEqualTo(0.5);
    assertThat(o.input().seed()).isEqualTo(-7L);
    assertThat(o.overwrite()).isTrue();
    assertThat(o.summary()).isEqualTo("s.json");
  }

  @Test
  void missingInputFileNamesThePath() throws Exception {
    TestSpark.session();
    String missing = dir.resolve("nowhere.parquet").toString();
    Capture err = new Capture();
    int s = status(new String[] {"--input", missing, "--output", dir.resolve("m").toString()}, err);
    assertThat(s).isEqualTo(2);
    assertThat(err.text())
        .isEqualTo("TrainJob: --input: no such file or directory: " + missing + "\n");
  }

  @Test
  void helpPrintsUsageAndSucceeds() throws Exception {
    Capture out = new Capture();
    assertThat(TrainJob.run(new String[] {"--help"}, out.out)).isNull();
    assertThat(out.text())
        .startsWith("Usage: TrainJob --input PATH|generated --output MODEL_PATH")
        .contains("  --input PATH|generated")
        .contains("  --batch-size N");
    Capture score = new Capture();
    assertThat(ScoreJob.run(new String[] {"--help"}, score.out)).isNull();
    assertThat(score.text()).startsWith("Usage: ScoreJob --model MODEL_PATH");
  }

  @Test
  void generatedHelpListsEveryOptionOnceUnderItsHeading() {
    Capture out = new Capture();
    TrainJob.run(new String[] {"--help"}, out.out);
    String help = out.text();
    String[] input = {
      "--input",
      "--format",
      "--labels",
      "--label-col",
      "--features-col",
      "--feature-cols",
      "--rows",
      "--seed",
      "--partitions"
    };
    String[] network = {
      "--task",
      "--hidden",
      "--activation",
      "--dropout",
      "--optimizer",
      "--lr",
      "--weight-decay",
      "--lr-schedule",
      "--batch-size",
      "--epochs",
      "--early-stopping-patience",
      "--device",
      "--precision",
      "--validation-fraction",
      "--test-fraction"
    };
    String[] output = {"--output", "--summary", "--plot", "--overwrite", "--help"};
    int inputAt = help.indexOf("\nInput:\n");
    int networkAt = help.indexOf("\nNetwork and training:\n");
    int outputAt = help.indexOf("\nOutput:\n");
    assertThat(inputAt).isPositive().isLessThan(networkAt);
    assertThat(networkAt).isLessThan(outputAt);
    int[][] sections = {{inputAt, networkAt}, {networkAt, outputAt}, {outputAt, help.length()}};
    String[][] names = {input, network, output};
    for (int s = 0; s < 3; s++) {
      for (String name : names[s]) {
        int at = help.indexOf("      " + name + " ");
        assertThat(at).as(name).isBetween(sections[s][0], sections[s][1]);
        assertThat(help.indexOf("      " + name + " ", at + 1)).as(name).isEqualTo(-1);
      }
    }
    assertThat(help.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    assertThat(help).contains("(default 42)").contains("(default 256,128)");
  }

  @Test
  void scoreJobNeedsModelAndOutput() {
    assertThatThrownBy(
            () ->
                ScoreJob.run(
                    new String[] {"--input", "generated", "--output", "o"}, new Capture().out))
        .hasMessage("--model is required (see --help)");
  }
}
