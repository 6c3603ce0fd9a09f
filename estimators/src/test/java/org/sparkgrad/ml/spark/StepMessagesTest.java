package org.sparkgrad.ml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.train.StepResult;

/**
 * The step channel's messages without a connection: what {@link StepProtocol} writes, {@link
 * StepMessages} reads back; a message larger than the transport's frame limit is refused before
 * anything is allocated, with its size and the limit named; a truncated message is reported, not
 * read past its end.
 */
class StepMessagesTest {
  private static final byte[] TOKEN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  /** {@code message} read little-endian with its kind (the first int) already read. */
  private static ByteBuffer afterKind(ByteBuffer message, int kind) {
    ByteBuffer in = StepProtocol.littleEndian(message);
    assertThat(in.getInt()).isEqualTo(kind);
    return in;
  }

  @Test
  void aCommandRoundTripsIntoTheReadersArrays() throws IOException {
    float[] weights = {0.5f, -1.25f, 3e-7f};
    float[] buffers = {7f, 8f};
    ByteBuffer m = StepProtocol.command(null, StepProtocol.STEP, 4, 17, weights, buffers);
    float[] into = new float[3];
    StepMessages.Command c = StepMessages.command(StepProtocol.littleEndian(m), into, null, false);
    assertThat(c.op).isEqualTo(StepProtocol.STEP);
    assertThat(c.epoch).isEqualTo(4);
    assertThat(c.step).isEqualTo(17);
    assertThat(c.n).isEqualTo(3);
    assertThat(c.weights).isSameAs(into).containsExactly(weights);
    assertThat(c.buffers).containsExactly(buffers);
  }

  @Test
  void aTreeCommandCarriesTheParentsAddress() throws IOException {
    ByteBuffer m = StepProtocol.tree(5, "10.0.0.7", 40123);
    StepMessages.Command c = StepMessages.command(StepProtocol.littleEndian(m), null, null, false);
    assertThat(c.op).isEqualTo(StepProtocol.TREE);
    assertThat(c.epoch).isEqualTo(5);
    assertThat(c.step).isEqualTo(40123);
    assertThat(c.host).isEqualTo("10.0.0.7");
  }

  @Test
  void anInProcessCommandIsRefusedByAReaderInAnotherJvm() {
    ByteBuffer m = StepProtocol.command(null, StepProtocol.STEP, 0, 0, null, new float[0]);
    assertThatThrownBy(() -> StepMessages.command(StepProtocol.littleEndian(m), null, null, false))
        .isInstanceOf(IOException.class)
        .hasMessage("step channel: unknown command 1 (n = -1)");
  }

  @Test
  void aReplyRoundTripsItsHeaderGradientAndBuffers() throws IOException {
    StepResult r = new StepResult(1.5, 2.0, 0.25, 9).withBuffers(new float[] {4f});
    StepTraffic.TaskTimes times = new StepTraffic.TaskTimes(100, 60, 0, 0);
    float[] grad = {1f, 2f, 3f, 4f};
    ByteBuffer m = StepProtocol.reply(null, StepProtocol.STEP, r, grad, 3, times);
    ByteBuffer in = afterKind(m, StepProtocol.REPLY);
    StepMessages.Header h = StepMessages.header(in);
    assertThat(h.op()).isEqualTo(StepProtocol.STEP);
    assertThat(h.lossSum()).isEqualTo(1.5);
    assertThat(h.weightSum()).isEqualTo(2.0);
    assertThat(h.metricSum()).isEqualTo(0.25);
    assertThat(h.count()).isEqualTo(9);
    assertThat(h.times().computeSum()).isEqualTo(100);
    assertThat(h.times().computeMax()).isEqualTo(60);
    assertThat(h.n()).isEqualTo(3);
    assertThat(StepMessages.floats(in, h.n(), null, "a gradient")).containsExactly(1f, 2f, 3f);
    assertThat(StepMessages.lastFloats(in, null, "buffers")).containsExactly(4f);
  }

  @Test
  void aSubtreesSumsRoundTripInDouble() throws IOException {
    double[] sums = {1e-12, 1 + 1e-12};
    ByteBuffer m =
        StepProtocol.sums(
            null, StepProtocol.STEP, new StepResult(), sums, StepTraffic.TaskTimes.NONE);
    ByteBuffer in = afterKind(m, StepProtocol.SUMS);
    StepMessages.Header h = StepMessages.header(in);
    assertThat(StepMessages.doubles(in, h.n())).containsExactly(sums);
    assertThat(StepMessages.lastFloats(in, null, "buffers")).isEmpty();
  }

  @Test
  void aHelloRoundTripsAndOneWithAnotherTokenIsRefused() throws IOException {
    ByteBuffer m = StepProtocol.hello(TOKEN, 2, 31L, true, 4555);
    StepMessages.Hello h = StepMessages.hello(afterKind(m.duplicate(), StepProtocol.HELLO), TOKEN);
    assertThat(h).isEqualTo(new StepMessages.Hello(2, 31L, true, 4555));
    // Where Spark authenticates the connection (no token), zeros are accepted.
    ByteBuffer zeros = StepProtocol.hello(null, 0, 1L, false, 0);
    assertThat(StepMessages.hello(afterKind(zeros, StepProtocol.HELLO), null).partition()).isZero();
    byte[] other = TOKEN.clone();
    other[15] = 0;
    assertThatThrownBy(
            () -> StepMessages.hello(afterKind(m.duplicate(), StepProtocol.HELLO), other))
        .isInstanceOf(IOException.class)
        .hasMessage("not a task of this fit (partition 2)");
  }

  @Test
  void aMessageLargerThanTheFrameLimitIsRefusedWithItsSize() {
    assertThat(StepMessages.size("a command of 3 weights", 32)).isEqualTo(32);
    long tooMany = 600_000_000L;
    assertThatThrownBy(
            () -> StepMessages.size("a command of " + tooMany + " weights", 16 + 4 * tooMany + 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "step channel: a command of 600000000 weights needs 2400000020 bytes, more than one"
                + " message of Spark's transport carries (2147483583 bytes)");
  }

  @Test
  void aTruncatedReplyIsReportedWithTheMissingBytes() throws IOException {
    StepResult r = new StepResult(1, 1, 0, 1);
    ByteBuffer m =
        StepProtocol.reply(
            null, StepProtocol.STEP, r, new float[] {1f, 2f}, 2, StepTraffic.TaskTimes.NONE);
    ByteBuffer cut = afterKind(m, StepProtocol.REPLY);
    cut.limit(cut.limit() - 9); // the stream ended inside the gradient
    StepMessages.Header h = StepMessages.header(cut);
    assertThatThrownBy(() -> StepMessages.floats(cut, h.n(), null, "a gradient"))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "step channel: a truncated message: a gradient of 2 values needs 8 bytes, 3 are left");
    ByteBuffer header = afterKind(m, StepProtocol.REPLY);
    header.limit(20);
    assertThatThrownBy(() -> StepMessages.header(header))
        .isInstanceOf(IOException.class)
        .hasMessage("step channel: a truncated message: a reply needs 72 bytes, 16 are left");
  }

  @Test
  void buffersFollowedByStrayBytesAreRefused() {
    ByteBuffer m = StepProtocol.sum(new float[] {1f, 2f});
    ByteBuffer longer = StepProtocol.buffer(m.remaining() + 4);
    longer.put(m).putInt(99).flip();
    ByteBuffer in = afterKind(longer, StepProtocol.SUM);
    assertThatThrownBy(() -> StepMessages.lastFloats(in, null, "a round's sums"))
        .isInstanceOf(IOException.class)
        .hasMessage("step channel: a round's sums of 2 values (8 bytes) came with 12 bytes");
  }
}
