package org.sparkgrad.examples;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A few rows of a table as text, framed as {@code Dataset.show} frames them, but into a string so
 * that a job can print it to its own stream. Long cells are cut to {@link #MAX_CELL} characters.
 */
final class TablePrinter {
  /** The longest cell shown. */
  static final int MAX_CELL = 40;

  private TablePrinter() {}

  /** The first {@code n} rows of {@code df} as a text table. */
  static String show(Dataset<Row> df, int n) {
    String[] names = df.columns();
    List<String[]> cells = new ArrayList<>();
    cells.add(names);
    for (Row r : df.takeAsList(n)) {
      String[] line = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        String s = String.valueOf(r.get(i));
        line[i] = s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 3) + "..." : s;
      }
      cells.add(line);
    }
    int[] width = new int[names.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder border = new StringBuilder("+");
    for (int w : width) {
      border.append("-".repeat(w + 2)).append('+');
    }
    StringBuilder sb = new StringBuilder().append(border).append('\n');
    for (int k = 0; k < cells.size(); k++) {
      sb.append('|');
      for (int i = 0; i < width.length; i++) {
        sb.append(' ').append(pad(cells.get(k)[i], width[i])).append(" |");
      }
      sb.append('\n');
      if (k == 0) {
        sb.append(border).append('\n');
      }
    }
    return sb.append(border).append('\n').toString();
  }

  private static String pad(String s, int width) {
    return " ".repeat(width - s.length()) + s;
  }
}
