package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.Sequential;

class SeedNetworkTest {
  @Test
  void printsTheArchitectureAndCountsParameters() {
    Capture c = new Capture();
    Sequential model = SeedNetwork.run(c.out);
    // 50*30+30 + 30*20+20 + 20*3+3
    assertThat(model.numParameters()).isEqualTo(1530 + 620 + 63).isEqualTo(2213);
    assertThat(c.text())
        .contains(
            """
            Sequential(
              (0): Linear(in_features=50, out_features=30, bias=True)
              (1): ReLU()
              (2): Linear(in_features=30, out_features=20, bias=True)
              (3): ReLU()
              (4): Linear(in_features=20, out_features=3, bias=True)
            )
            """)
        .contains("0.weight  [30, 50]   1500")
        .contains("4.bias    [3]           3")
        .contains("numParameters() = 2213");
    assertThat(model.stateDict().keySet())
        .containsExactly("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias");
  }
}
