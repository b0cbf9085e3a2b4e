package io.switchboard.provider;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One-shot timeouts for the request path. Every request arms two (its deadline and its attempt's) and
 * nearly always cancels both within milliseconds; a Vert.x timer each costs a map entry shared by all event
 * loops, a scheduled task and a priority-queue insert and removal, about 4% of an event loop's time in the
 * c=32 benchmark. Here each event loop keeps, per delay, a list in deadline order (a later call with the
 * same delay always ends later), so arming appends, cancelling unlinks, and one scheduled task per list
 * wakes up for its head. Off an event loop (a worker, a test thread) it falls back to a Vert.x timer.
 *
 * <p>The action runs on the context that armed the timeout, like a Vert.x timer's handler.
 */
public final class LoopTimers {
  /** Per-thread, as Netty keeps its own per-loop caches: each event loop owns its lists and nobody else touches them. */
  private static final FastThreadLocal<Lanes> LANES = new FastThreadLocal<>();

  private LoopTimers() {}

  /** A timeout that can be cancelled, from any thread, any number of times. */
  public interface Timeout {
    /** Stops the timeout unless its action already ran. */
    void cancel();
  }

  /** Runs {@code action} after {@code delayMillis} (at least 1 ms) unless cancelled first. */
  public static Timeout schedule(Vertx vertx, long delayMillis, Runnable action) {
    long delay = Math.max(1, delayMillis);
    ContextInternal context = ContextInternal.current();
    if (context == null || !context.isEventLoopContext() || !context.nettyEventLoop().inEventLoop()) {
      long id = vertx.setTimer(delay, ignored -> action.run());
      return () -> vertx.cancelTimer(id);
    }
    Lanes lanes = LANES.get();
    if (lanes == null) {
      lanes = new Lanes(context.nettyEventLoop());
      LANES.set(lanes);
    }
    return lanes.schedule(context, delay, action);
  }

  /** One event loop's lists, one per delay. Only its own thread reads or changes them. */
  private static final class Lanes {
    final EventLoop loop;
    final Map<Long, Lane> byDelay = new HashMap<>();

    Lanes(EventLoop loop) {
      this.loop = loop;
    }

    Entry schedule(ContextInternal context, long delayMillis, Runnable action) {
      Lane lane = byDelay.get(delayMillis);
      if (lane == null) {
        lane = new Lane(this, delayMillis);
        byDelay.put(delayMillis, lane);
      }
      Entry entry = new Entry(lane, context, action, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis));
      lane.append(entry);
      return entry;
    }
  }

  /** Entries of one delay in arming order, which is deadline order; the head is the next to expire. */
  private static final class Lane {
    final Lanes owner;
    final long delayMillis;
    Entry head;
    Entry tail;
    /** The task that wakes up for the head, or null when none is scheduled. */
    ScheduledFuture<?> wakeUp;

    Lane(Lanes owner, long delayMillis) {
      this.owner = owner;
      this.delayMillis = delayMillis;
    }

    void append(Entry entry) {
      if (tail == null) {
        head = tail = entry;
      } else {
        entry.prev = tail;
        tail.next = entry;
        tail = entry;
      }
      if (wakeUp == null) {
        // A cancelled head leaves its wake-up in place: it fires, finds a later head and sleeps again, which
        // is cheaper than cancelling and re-arming on every request when requests come one at a time.
        arm(entry.deadline);
      }
    }

    void unlink(Entry entry) {
      if (entry.prev != null) {
        entry.prev.next = entry.next;
      } else {
        head = entry.next;
      }
      if (entry.next != null) {
        entry.next.prev = entry.prev;
      } else {
        tail = entry.prev;
      }
      entry.prev = entry.next = null;
    }

    void arm(long deadline) {
      wakeUp = owner.loop.schedule(this::expire, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    void expire() {
      wakeUp = null;
      long now = System.nanoTime();
      while (head != null && head.deadline - now <= 0) {
        Entry due = head;
        unlink(due);
        due.fire();
      }
      if (head != null) {
        arm(head.deadline);
      } else {
        owner.byDelay.remove(delayMillis, this);  // delays cut to what is left of a request are one-offs
      }
    }
  }

  private static final class Entry implements Timeout {
    final Lane lane;
    final ContextInternal context;
    final long deadline;
    Runnable action;  // null once fired or cancelled
    Entry prev;
    Entry next;

    Entry(Lane lane, ContextInternal context, Runnable action, long deadline) {
      this.lane = lane;
      this.context = context;
      this.action = action;
      this.deadline = deadline;
    }

    @Override
    public void cancel() {
      if (!lane.owner.loop.inEventLoop()) {
        try {
          lane.owner.loop.execute(this::cancel);
        } catch (RejectedExecutionException e) {
          // The loop has shut down: nothing it scheduled will run any more.
        }
        return;
      }
      if (action != null) {
        action = null;
        lane.unlink(this);
      }
    }

    void fire() {
      Runnable a = action;
      action = null;
      if (a != null) {
        context.emit(ignored -> a.run());
      }
    }
  }
}
