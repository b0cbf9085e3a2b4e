package io.switchboard.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.ErrorStatus;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Logback's console appender, except that an event marked {@link #MORE} (more lines follow at once) is held
 * in a buffer until an unmarked one arrives. The request-line writer marks all but the last line of each
 * batch, so a busy gateway writes its request lines with one {@code write(2)} per batch instead of one per
 * line (System.err flushes on every write: about half of a request line's cost). Every other event is
 * written at once, as before.
 */
public final class StderrAppender extends OutputStreamAppender<ILoggingEvent> {
  /** On an event: more lines follow right away, so its output may wait for theirs. */
  public static final Marker MORE = MarkerFactory.getMarker("SWITCHBOARD_MORE_LINES");

  @Override
  public void start() {
    // Writes go to System.err as it is at the time (like logback's console target), in as few calls as the
    // markers allow.
    setOutputStream(new BufferedOutputStream(new CurrentStderr(), 64 * 1024));
    setImmediateFlush(false);
    super.start();
  }

  @Override
  protected void subAppend(ILoggingEvent event) {
    super.subAppend(event);
    if (!isStarted() || holds(event)) {
      return;
    }
    streamWriteLock.lock();
    try {
      getOutputStream().flush();
    } catch (IOException e) {
      addStatus(new ErrorStatus("flushing to System.err failed", this, e));
    } finally {
      streamWriteLock.unlock();
    }
  }

  private static boolean holds(ILoggingEvent event) {
    List<Marker> markers = event.getMarkerList();
    return markers != null && markers.contains(MORE);
  }

  /** System.err, looked up on each write so a replaced System.err is honoured. */
  private static final class CurrentStderr extends OutputStream {
    @Override
    public void write(int b) {
      System.err.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.err.write(b, off, len);
    }

    @Override
    public void flush() {
      System.err.flush();
    }
  }
}
