package org.sparkgrad.backend.cuda;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import jcuda.driver.CUdeviceptr;

/**
 * One device allocation, and which streams have used it: the caching allocator hands blocks out
 * again, and each backend thread has its own stream, so work on one stream must not overtake work
 * on another that touches the same bytes.
 *
 * <p>{@link #use} is called before every kernel or copy that reads or writes the block. A read
 * waits for the last write if another stream made it (once per write and reading stream); a write
 * waits for the last write and for every read since, on other streams. On one stream, program order
 * already orders everything and nothing is waited for. A block returned to the cache keeps this
 * history, so its next owner waits for the previous owner's pending work.
 */
final class DeviceBlock {
  private final CUdeviceptr pointer;
  private final long bytes;

  private StreamContext writer;
  private final Set<StreamContext> readers = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<StreamContext> synced = Collections.newSetFromMap(new IdentityHashMap<>());

  DeviceBlock(CUdeviceptr pointer, long bytes) {
    this.pointer = pointer;
    this.bytes = bytes;
  }

  CUdeviceptr pointer() {
    return pointer;
  }

  /** The block's size: the allocator's bucket, at least the bytes asked for. */
  long bytes() {
    return bytes;
  }

  /** Orders {@code stream}'s next operation on this block after other streams' conflicting ones. */
  synchronized void use(StreamContext stream, boolean write) {
    if (write) {
      if (writer != null && writer != stream) {
        stream.waitFor(writer);
      }
      for (StreamContext r : readers) {
        if (r != stream && r != writer) {
          stream.waitFor(r);
        }
      }
      readers.clear();
      synced.clear();
      writer = stream;
    } else {
      if (writer != null && writer != stream && synced.add(stream)) {
        stream.waitFor(writer);
      }
      if (stream != writer) {
        readers.add(stream);
      }
    }
  }
}
