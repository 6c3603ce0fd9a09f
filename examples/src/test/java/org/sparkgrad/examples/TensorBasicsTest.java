package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TensorBasicsTest {
  @Test
  void runsAndLearns() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    double loss = TensorBasics.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("z.gradFn = AddBackward").contains("dtype=int64");
    // Separable data: gradient descent drives the loss well below log(2) = 0.693.
    assertThat(loss).isLessThan(0.2);
  }
}
