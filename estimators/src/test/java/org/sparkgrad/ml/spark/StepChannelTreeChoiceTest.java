package org.sparkgrad.ml.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** When the step channel sums through the reduction tree rather than at the driver. */
class StepChannelTreeChoiceTest {
  @Test
  void byDefaultTheTreeServesTwelvePartitionsAndMoreWithoutBatchNorm() {
    SparkConf conf = new SparkConf(false);
    assertThat(StepChannel.useTree(conf, 2, false)).isFalse();
    assertThat(StepChannel.useTree(conf, 11, false)).isFalse();
    assertThat(StepChannel.useTree(conf, 12, false)).isTrue();
    assertThat(StepChannel.useTree(conf, 256, false)).isTrue();
    assertThat(StepChannel.useTree(conf, 256, true)).as("batch norm").isFalse();
  }

  @Test
  void theThresholdAndTheSwitchAreSettings() {
    SparkConf low = new SparkConf(false).set("spark.sparkgrad.fit.channel.treeMinPartitions", "3");
    assertThat(StepChannel.useTree(low, 2, false)).isFalse();
    assertThat(StepChannel.useTree(low, 3, false)).isTrue();
    SparkConf off =
        new SparkConf(false)
            .set("spark.sparkgrad.fit.channel.treeMinPartitions", "3")
            .set("spark.sparkgrad.fit.channel.tree", "false");
    assertThat(StepChannel.useTree(off, 64, false)).isFalse();
  }
}
