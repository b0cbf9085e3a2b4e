package io.switchboard.store;

/**
 * How {@link RequestLogStore#spendSince} groups the logged cost. {@link #KEY_MODEL} keys its sums by
 * {@code keyId + SEPARATOR + model}; key ids never contain the separator.
 */
public enum SpendScope {
  KEY("key_id"),
  USER("user_id"),
  MODEL("model_requested"),
  KEY_MODEL("key_id, model_requested");

  /** Between the key id and the model in a {@link #KEY_MODEL} group. */
  public static final char SEPARATOR = '\u001f';

  final String columns;

  SpendScope(String columns) {
    this.columns = columns;
  }
}
