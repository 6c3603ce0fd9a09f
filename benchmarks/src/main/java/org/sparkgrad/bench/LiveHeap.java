package org.sparkgrad.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The largest live heap of this JVM: the heap in use after each full collection, the only one that
 * leaves nothing but reachable objects (after a young collection the old generation still holds its
 * garbage, and the heap pools' peaks count every garbage object not yet collected). A daemon thread
 * asks for a full collection ({@code System.gc()}) every {@code periodMillis}, so the figure is
 * sampled at that period; each costs a pause, a few percent of a run at a period of seconds.
 */
final class LiveHeap implements AutoCloseable {
  private final AtomicLong peak = new AtomicLong();
  private final Thread sampler;

  private LiveHeap(long periodMillis) {
    Set<String> heapPools = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    NotificationListener listener =
        (n, handback) -> {
          if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
              n.getType())) {
            return;
          }
          var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
          if (!info.getGcAction().contains("major")) {
            return;
          }
          long used = 0;
          for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
              MemoryUsage u = e.getValue();
              used += u.getUsed();
            }
          }
          peak.accumulateAndGet(used, Math::max);
        };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
    }
    sampler =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(periodMillis);
                  System.gc();
                }
              } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
              }
            },
            "live-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts sampling: a full collection every {@code periodMillis}. */
  static LiveHeap start(long periodMillis) {
    return new LiveHeap(periodMillis);
  }

  /** The largest heap in use after a full collection since {@link #start}, in bytes. */
  long peakBytes() {
    return peak.get();
  }

  /** Stops the sampling collections. */
  @Override
  public void close() {
    sampler.interrupt();
  }
}
