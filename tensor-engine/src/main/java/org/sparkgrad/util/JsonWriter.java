package org.sparkgrad.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Writes Java values as compact JSON, refusing what JSON cannot represent. */
final class JsonWriter {
  private final StringBuilder sb;

  /** Object keys (String) and array indices (Integer) from the root to the value being written. */
  private final Deque<Object> path = new ArrayDeque<>();

  JsonWriter(StringBuilder sb) {
    this.sb = sb;
  }

  void write(Object v, int depth) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String str) {
      writeString(str);
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof Number n) {
      writeNumber(n);
    } else if (v instanceof Map<?, ?> map) {
      writeObject(map, depth + 1);
    } else if (v instanceof Iterable<?> it) {
      checkDepth(depth + 1);
      sb.append('[');
      Iterator<?> iterator = it.iterator();
      for (int i = 0; iterator.hasNext(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        path.addLast(i);
        write(iterator.next(), depth + 1);
        path.removeLast();
      }
      sb.append(']');
    } else if (v instanceof float[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        path.addLast(i);
        writeNumber(a[i]);
        path.removeLast();
        sb.append(i < a.length - 1 ? "," : "");
      }
      sb.append(']');
    } else if (v instanceof double[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        path.addLast(i);
        writeNumber(a[i]);
        path.removeLast();
        sb.append(i < a.length - 1 ? "," : "");
      }
      sb.append(']');
    } else if (v instanceof int[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        sb.append(i > 0 ? "," : "").append(a[i]);
      }
      sb.append(']');
    } else if (v instanceof long[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        sb.append(i > 0 ? "," : "").append(a[i]);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException(
          "JSON cannot hold a " + v.getClass().getName() + " at " + pathString());
    }
  }

  private void writeObject(Map<?, ?> map, int depth) {
    checkDepth(depth);
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new IllegalArgumentException(
            "JSON object keys must be strings, got "
                + typeName(e.getKey())
                + " at "
                + pathString());
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      path.addLast(key);
      writeString(key);
      sb.append(':');
      write(e.getValue(), depth);
      path.removeLast();
    }
    sb.append('}');
  }

  private void writeNumber(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(
            "JSON cannot hold the number " + d + " at " + pathString());
      }
      // Float.toString is the shortest decimal that reads back as the same float.
      sb.append(n instanceof Float f ? Float.toString(f) : Double.toString(d));
    } else if (n instanceof Long
        || n instanceof Integer
        || n instanceof Short
        || n instanceof Byte
        || n instanceof BigInteger) {
      sb.append(n);
    } else if (n instanceof BigDecimal bd) {
      sb.append(bd.toString());
    } else {
      throw new IllegalArgumentException(
          "JSON cannot hold a " + n.getClass().getName() + " at " + pathString());
    }
  }

  private void checkDepth(int depth) {
    if (depth > Json.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "JSON value nested deeper than "
              + Json.MAX_DEPTH
              + " (a cycle?) at "
              + abbreviate(pathString()));
    }
  }

  private String pathString() {
    StringBuilder p = new StringBuilder("$");
    for (Object seg : path) {
      if (seg instanceof Integer i) {
        p.append('[').append(i).append(']');
      } else {
        p.append('[').append(Json.quote((String) seg)).append(']');
      }
    }
    return p.toString();
  }

  private void writeString(String s) {
    int bad = appendString(sb, s, false);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "JSON cannot hold a string with an unpaired surrogate (index "
              + bad
              + ") at "
              + pathString());
    }
  }

  /**
   * Appends {@code s} as a quoted JSON string literal and returns -1. An unpaired surrogate is
   * written as a {@code \\uXXXX} escape if {@code escapeUnpaired}, else its index is returned and
   * {@code sb} holds a partial literal.
   */
  static int appendString(StringBuilder sb, String s, boolean escapeUnpaired) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)) {
            if (!Character.isHighSurrogate(c)
                || i + 1 >= s.length()
                || !Character.isLowSurrogate(s.charAt(i + 1))) {
              if (!escapeUnpaired) {
                return i;
              }
              sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
              continue;
            }
            sb.append(c).append(s.charAt(++i));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
    return -1;
  }

  static String typeName(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof java.util.List) {
      return "an array";
    }
    if (v instanceof Map) {
      return "an object";
    }
    return "a " + v.getClass().getName();
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 100) + "..." + s.substring(s.length() - 97);
  }
}
