package org.sparkgrad.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The split-K rule of the own SGEMM ({@link TiledGemm#splitSlices}); needs no device. The split
 * products' results are checked against the CPU in {@link CudaBackendContractTest}.
 */
class TiledGemmSplitTest {
  @Test
  void narrowProductsWithALongKAreSplitOnAnH100() {
    // An MLP's classifier layer on 132 SMs: 4 output tiles, K = 784 -> 6 slices of >= 128.
    assertThat(TiledGemm.splitSlices(256, 10, 784, 132)).isEqualTo(6);
    // Its weight gradient (hidden x 10 over a batch of 4096): capped at 16 slices.
    assertThat(TiledGemm.splitSlices(256, 10, 4096, 132)).isEqualTo(16);
    // The benchmark MLP's head (batch 1024): forward and weight gradient, 16 tiles, K / 128 = 8.
    assertThat(TiledGemm.splitSlices(1024, 10, 1024, 132)).isEqualTo(8);
    assertThat(TiledGemm.splitSlices(10, 1024, 1024, 132)).isEqualTo(8);
    // One tile and 2 SMs (the emulated driver): enough slices for two blocks per SM.
    assertThat(TiledGemm.splitSlices(10, 7, 1000, 2)).isEqualTo(4);
  }

  @Test
  void productsThatFillTheGpuOrHaveAShortKAreNotSplit() {
    // 12 x 12 tiles fill 132 SMs.
    assertThat(TiledGemm.splitSlices(768, 768, 4096, 132)).isEqualTo(1);
    // The head's input gradient: inner 10, 256 tiles.
    assertThat(TiledGemm.splitSlices(1024, 1024, 10, 132)).isEqualTo(1);
    // K below two slices' worth.
    assertThat(TiledGemm.splitSlices(256, 10, 255, 132)).isEqualTo(1);
    assertThat(TiledGemm.splitSlices(256, 10, 256, 132)).isEqualTo(2);
  }
}
