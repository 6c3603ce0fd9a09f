package org.sparkgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.Tensor;
import org.sparkgrad.util.StrictJson;

/**
 * A safetensors file checked and laid out before its first byte is written: the header (padded with
 * spaces to a multiple of 8 bytes, as the reference implementation pads it) and the tensors in the
 * map's iteration order.
 */
final class SafeTensorsWriter {
  private final byte[] header;
  private final List<Tensor> tensors;

  private SafeTensorsWriter(byte[] header, List<Tensor> tensors) {
    this.header = header;
    this.tensors = tensors;
  }

  static SafeTensorsWriter prepare(Map<String, Tensor> tensors, Map<String, String> metadata) {
    if (tensors == null) {
      throw new IllegalArgumentException("tensors must not be null");
    }
    if (metadata == null) {
      throw new IllegalArgumentException("metadata must not be null (pass an empty map)");
    }
    Map<String, Object> json = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      Map<String, String> meta = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        checkText(e.getKey(), "metadata key");
        checkText(e.getValue(), "metadata value for key '" + e.getKey() + "'");
        meta.put(e.getKey(), e.getValue());
      }
      json.put(SafeTensorsLayout.METADATA_KEY, meta);
    }
    List<Tensor> order = new ArrayList<>(tensors.size());
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      checkText(name, "tensor name");
      if (name.equals(SafeTensorsLayout.METADATA_KEY)) {
        throw new IllegalArgumentException(
            "tensor name '" + name + "' is reserved for the metadata; rename the tensor");
      }
      Tensor t = e.getValue();
      if (t == null) {
        throw new IllegalArgumentException("tensor '" + name + "' is null");
      }
      long end = offset + (long) t.numel() * t.dtype().byteSize();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", SafeTensorsLayout.code(t.dtype()));
      entry.put("shape", t.shape());
      entry.put("data_offsets", new long[] {offset, end});
      json.put(name, entry);
      order.add(t);
      offset = end;
    }
    byte[] utf8 = StrictJson.write(json).getBytes(StandardCharsets.UTF_8);
    int padded = (utf8.length + 7) / 8 * 8;
    if (padded > SafeTensors.MAX_HEADER_SIZE) {
      throw new IllegalArgumentException(
          "safetensors header would be "
              + padded
              + " bytes, over the limit of "
              + SafeTensors.MAX_HEADER_SIZE
              + "; use fewer tensors or shorter names and metadata");
    }
    byte[] header = Arrays.copyOf(utf8, padded);
    Arrays.fill(header, utf8.length, padded, (byte) ' ');
    return new SafeTensorsWriter(header, order);
  }

  /** Writes the length, the header and the data; does not close {@code out}. */
  void writeTo(OutputStream out) throws IOException {
    byte[] length = new byte[8];
    ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
    out.write(length);
    out.write(header);
    byte[] chunk = new byte[TensorBytes.CHUNK];
    for (Tensor t : tensors) {
      TensorBytes.write(t, out, chunk);
    }
    out.flush();
  }

  /** Refuses null and strings that UTF-8 cannot encode (unpaired surrogates). */
  private static void checkText(String s, String what) {
    if (s == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    try {
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(s));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " '" + s + "' is not valid Unicode", e);
    }
  }
}
