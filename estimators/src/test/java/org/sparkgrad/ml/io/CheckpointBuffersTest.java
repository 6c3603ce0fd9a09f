package org.sparkgrad.ml.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.TrainingCheckpoint;
import org.sparkgrad.nn.Module;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Tensor;

/**
 * A checkpoint keeps the buffers (batch norm's running statistics) beside the weights, in the state
 * dict under PyTorch's names, and restores them, so a resumed fit continues from the same running
 * statistics.
 */
class CheckpointBuffersTest {
  private static final NetworkSpec SPEC =
      NetworkSpec.parse(
          "{\"layers\": [{\"type\": \"linear\", \"in_features\": 3, \"out_features\": 2},"
              + " {\"type\": \"batch_norm1d\", \"num_features\": 2}]}");

  @Test
  void buffersAndBestBuffersRoundTripAndRestore() {
    Module net = SPEC.module(0);
    float[] weights = Replica.flatWeights(net);
    float[] buffers = {0.5f, -2, 3, 0.125f, 11};
    float[] bestBuffers = {1, 2, 3, 4, 6};
    SGD sgd = new SGD(net.parameters(), 0.1);
    TrainingCheckpoint c =
        new TrainingCheckpoint(
            weights,
            buffers,
            sgd.stateDict(),
            1,
            2,
            9,
            new StepResult(),
            0.5,
            List.of(),
            weights.clone(),
            bestBuffers,
            0.25,
            1,
            0,
            false);
    Map<String, byte[]> files = CheckpointCodec.encode(c, SPEC, Map.of("run", "r1"));
    Map<String, Tensor> state =
        StateDict.read(files.get(CheckpointCodec.WEIGHTS), CheckpointCodec.WEIGHTS);
    assertThat(state.get("1.running_mean").toFloatArray()).containsExactly(0.5f, -2);
    assertThat(state.get("1.num_batches_tracked").toLongArray()).containsExactly(11);
    TrainingCheckpoint back = CheckpointCodec.decode(files, SPEC);
    assertThat(back.buffers()).containsExactly(buffers);
    assertThat(back.bestBuffers()).containsExactly(bestBuffers);
    Module resumed = SPEC.module(0);
    back.restore(resumed, new SGD(resumed.parameters(), 0.1));
    assertThat(Replica.flatBuffers(resumed)).containsExactly(buffers);
    assertThat(resumed.stateDict().get("1.running_var").toFloatArray()).containsExactly(3, 0.125f);
  }
}
