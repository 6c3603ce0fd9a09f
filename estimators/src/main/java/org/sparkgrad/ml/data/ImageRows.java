package org.sparkgrad.ml.data;

import java.util.Arrays;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of the {@code image} struct column of Spark's image data source ({@code
 * spark.read.format("image")}, {@code org.apache.spark.ml.image.ImageSchema}): {@code origin},
 * {@code height}, {@code width}, {@code nChannels}, {@code mode} and {@code data}, the pixels as
 * unsigned bytes, row-major {@code [height, width, nChannels]}, in the channel order Spark stores:
 * OpenCV's BGR for colour images and BGRA with alpha (Spark does not reorder to RGB).
 *
 * <p>An image becomes {@code nChannels * height * width} floats, channel-major ({@code [C, H, W]},
 * as {@code torchvision.transforms.ToTensor} lays out images), each byte scaled to {@code [0, 1]}
 * by {@code / 255}. The channels stay in Spark's order: channel 0 is blue for colour images. Only
 * Spark's 8-bit modes are read (one byte per channel value).
 */
public final class ImageRows {
  private static final Set<String> FIELDS =
      Set.of("origin", "height", "width", "nChannels", "mode", "data");

  private ImageRows() {}

  /** True for a struct with the fields of Spark's image schema. */
  public static boolean isImage(DataType t) {
    return t instanceof StructType s && Set.of(s.fieldNames()).containsAll(FIELDS);
  }

  /** The {@code [nChannels, height, width]} of an image struct value. */
  public static int[] shape(Row image) {
    return new int[] {
      image.<Integer>getAs("nChannels"), image.<Integer>getAs("height"), image.getAs("width")
    };
  }

  /** Where the image came from ({@code origin}, usually its file), for messages. */
  public static String origin(Row image) {
    String o = image.getAs("origin");
    return o == null || o.isEmpty() ? "(no origin)" : o;
  }

  /**
   * Writes {@code image}'s pixels, scaled to [0, 1] and channel-major, into {@code out} from {@code
   * offset}; returns null, or a problem template naming {@code column}, the row and the image's
   * origin.
   *
   * @param expected the {@code [C, H, W]} every image must have, or {@code [n]}: any image of
   *     {@code n} values
   * @param expectedOrigin where {@code expected} comes from, for messages
   */
  static String read(
      Row image, String column, int[] expected, String expectedOrigin, float[] out, int offset) {
    int[] s = shape(image);
    boolean fits =
        expected.length == 1
            ? (long) s[0] * s[1] * s[2] == expected[0]
            : Arrays.equals(s, expected);
    if (!fits) {
      return "column '"
          + column
          + "' has an image of "
          + describe(s)
          + " in row "
          + BadRowException.ROW
          + " (origin "
          + origin(image)
          + "), expected "
          + describe(expected)
          + " ("
          + expectedOrigin
          + "); resize the images to one size first";
    }
    byte[] data = image.getAs("data");
    int c = s[0];
    int hw = s[1] * s[2];
    if (data == null || data.length != c * hw) {
      return "column '"
          + column
          + "' has an image in row "
          + BadRowException.ROW
          + " (origin "
          + origin(image)
          + ") whose data holds "
          + (data == null ? "nothing" : data.length + " bytes")
          + ", not one byte per value of "
          + describe(s)
          + " (mode "
          + image.getAs("mode")
          + "); only Spark's 8-bit image modes are read";
    }
    for (int p = 0; p < hw; p++) {
      for (int ch = 0; ch < c; ch++) {
        out[offset + ch * hw + p] = (data[p * c + ch] & 0xFF) / 255f;
      }
    }
    return null;
  }

  /** "28x28 with 1 channel"; "784 values" for {@code [784]}. */
  static String describe(int[] chw) {
    if (chw.length == 1) {
      return chw[0] + " values (height x width x channels)";
    }
    return chw[1] + "x" + chw[2] + " with " + chw[0] + (chw[0] == 1 ? " channel" : " channels");
  }
}
