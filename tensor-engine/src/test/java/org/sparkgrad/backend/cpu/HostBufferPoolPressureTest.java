package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DeviceScope;
import org.sparkgrad.tensor.Tensor;
import org.sparkgrad.util.ChildJvm;

/**
 * A thread's pool of free buffers gives its memory back when the heap needs it: in a JVM of 96 MiB,
 * a pool holding 48 MiB after a recycling scope does not stop the thread from then holding 64 MiB
 * of other arrays. With the pool held strongly, the same program fails with an OutOfMemoryError
 * (checked); an executor reuses its task threads, so that is a finished fit's activations kept from
 * whatever runs next there.
 */
class HostBufferPoolPressureTest {
  private static final int MIB_FLOATS = 1 << 18;

  @Test
  void aFullPoolYieldsItsMemoryToLaterAllocations() throws Exception {
    String out =
        ChildJvm.run(List.of("-Xmx96m", "-XX:+UseSerialGC"), HostBufferPoolPressureTest.class, 120);
    assertThat(out).contains("pooled before: 48 MiB or more").contains("held: 64 MiB");
  }

  /** The child: fills the pool with 48 MiB, then holds 64 MiB of fresh arrays. */
  public static void main(String[] args) {
    try (DeviceScope scope = DeviceScope.openRecycling(List.of())) {
      for (int i = 0; i < 6; i++) {
        Tensor.zeros(4 * MIB_FLOATS).neg();
      }
    }
    long pooled = HostBufferPool.pooledBytes();
    System.out.println("pooled before: " + (pooled >= 48L << 20 ? "48 MiB or more" : pooled));
    List<float[]> held = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      held.add(new float[MIB_FLOATS]);
    }
    System.out.println("held: " + held.size() + " MiB");
  }
}
