package org.sparkgrad.ml.data;

/**
 * A row that fails validation while a partition is converted. The message is a template in which
 * {@code {row}} stands for the row's position; on the driver, {@link DataPreparation} replaces it
 * with the row's index in the input DataFrame's order.
 */
public final class BadRowException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The placeholder for the row position in {@link #template()}. */
  public static final String ROW = "{row}";

  private final String template;

  /**
   * A failure described by {@code template}, found at {@code where} (for example "row 3 of
   * partition 1").
   */
  public BadRowException(String template, String where) {
    super(template.replace(ROW, where));
    this.template = template;
  }

  /** The message with {@link #ROW} in place of the position. */
  public String template() {
    return template;
  }
}
