package org.sparkgrad.data;

import java.nio.ByteBuffer;

/** The element types of the IDX format, by their code in the magic number. */
enum IdxType {
  UBYTE(0x08, 1, true, "unsigned bytes"),
  BYTE(0x09, 1, true, "signed bytes"),
  SHORT(0x0B, 2, true, "16-bit integers"),
  INT(0x0C, 4, true, "32-bit integers"),
  FLOAT(0x0D, 4, false, "32-bit floats"),
  DOUBLE(0x0E, 8, false, "64-bit floats");

  final int code;
  final int size;
  final boolean integral;
  final String label;

  IdxType(int code, int size, boolean integral, String label) {
    this.code = code;
    this.size = size;
    this.integral = integral;
    this.label = label;
  }

  static IdxType of(int code, String source) {
    for (IdxType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            "%s: unknown IDX element type 0x%02X (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)",
            source, code));
  }

  /** The next element of a big-endian buffer. */
  double next(ByteBuffer b) {
    return switch (this) {
      case UBYTE -> b.get() & 0xff;
      case BYTE -> b.get();
      case SHORT -> b.getShort();
      case INT -> b.getInt();
      case FLOAT -> b.getFloat();
      case DOUBLE -> b.getDouble();
    };
  }
}
