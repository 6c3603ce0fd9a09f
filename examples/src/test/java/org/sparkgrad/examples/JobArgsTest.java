package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
  void scoreJobNeedsModelAndOutput() {
    assertThatThrownBy(
            () ->
                ScoreJob.run(
                    new String[] {"--input", "generated", "--output", "o"}, new Capture().out))
        .hasMessage("--model is required (see --help)");
  }
}
