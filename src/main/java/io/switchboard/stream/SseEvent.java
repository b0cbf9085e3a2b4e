package io.switchboard.stream;

import static java.util.Objects.requireNonNull;

/**
 * One dispatched server-sent event.
 *
 * @param event the {@code event:} field, or null when the event had none
 * @param data the {@code data:} lines joined with {@code "\n"}
 * @param id the {@code id:} field of this event, or null when it had none
 */
public record SseEvent(String event, String data, String id) {
  public SseEvent {
    requireNonNull(data, "data");
  }
}
