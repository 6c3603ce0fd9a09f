package org.sparkgrad.backend.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.openblas.presets.openblas_nolapack.SetNumThreads;

/**
 * Sets the thread count of the bundled OpenBLAS itself, not of whichever OpenBLAS the process
 * loaded first.
 *
 * <p>Why: JavaCPP's {@code blas_set_num_threads} looks {@code openblas_set_num_threads} up by name
 * across the loaded libraries and takes the first. Where a system OpenBLAS is loaded too (MLlib's
 * netlib loads it, and {@link SystemBlasFirst} loads it first on purpose), that is the system's:
 * the call then sets MLlib's thread count and leaves the bundled library at one thread per core,
 * which oversubscribes Spark's task threads. So on Linux the function is found in the bundled
 * file's own symbol table ({@link ElfSymbols}) and called at the address where that file is mapped
 * ({@code /proc/self/maps}), and only there. The address is used only when it falls in an
 * executable mapping of the bundled file; otherwise the thread count is set JavaCPP's way and a
 * warning says which library it may have reached.
 */
final class BundledThreads {
  private static final Logger LOG = Logger.getLogger(BundledThreads.class.getName());
  static final String BUNDLED_FILE = "libopenblas_nolapack.so.0";

  private BundledThreads() {}

  /**
   * Sets the bundled OpenBLAS's thread count; returns how it was reached (for the backend's name).
   */
  static String set(int threads) {
    Loader.load(openblas_nolapack.class); // the bundled library is mapped from here on
    OptionalLong address = bundledFunction("openblas_set_num_threads");
    if (address.isPresent()) {
      new Setter(address.getAsLong()).call(threads);
      return "set in the bundled library";
    }
    LOG.warning(
        "could not find openblas_set_num_threads in the bundled OpenBLAS's own mapping; setting "
            + threads
            + " thread(s) through JavaCPP, which may reach a system OpenBLAS loaded earlier");
    openblas_nolapack.blas_set_num_threads(threads);
    return "set through JavaCPP";
  }

  /** The address of {@code name} in the mapped bundled library, if it can be located safely. */
  static OptionalLong bundledFunction(String name) {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return OptionalLong.empty();
    }
    try {
      List<String> lines = Files.readAllLines(maps, StandardCharsets.US_ASCII);
      Mapping first = null;
      for (String line : lines) {
        Mapping m = Mapping.parse(line);
        if (m != null && m.path.endsWith("/" + BUNDLED_FILE) && m.offset == 0 && m.loaded) {
          first = m;
          break;
        }
      }
      if (first == null) {
        return OptionalLong.empty();
      }
      ElfSymbols elf = ElfSymbols.read(Path.of(first.path));
      OptionalLong value = elf.function(name);
      if (value.isEmpty()) {
        return OptionalLong.empty();
      }
      long bias = first.start - elf.firstLoadAddress();
      long address = bias + value.getAsLong();
      for (String line : lines) {
        Mapping m = Mapping.parse(line);
        if (m != null
            && m.path.equals(first.path)
            && m.loaded
            && m.executable
            && address >= m.start
            && address < m.end) {
          return OptionalLong.of(address);
        }
      }
      return OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      LOG.fine(() -> "reading the bundled OpenBLAS's mapping failed: " + e);
      return OptionalLong.empty();
    }
  }

  /**
   * One line of /proc/self/maps: {@code start-end perms offset dev inode path}. The dynamic loader
   * maps a library privately ({@code p}); a file mapped to read its symbols is shared.
   */
  private record Mapping(
      long start, long end, boolean executable, boolean loaded, long offset, String path) {
    static Mapping parse(String line) {
      String[] f = line.trim().split("\\s+", 6);
      if (f.length < 6 || !f[5].startsWith("/")) {
        return null;
      }
      int dash = f[0].indexOf('-');
      return new Mapping(
          Long.parseUnsignedLong(f[0].substring(0, dash), 16),
          Long.parseUnsignedLong(f[0].substring(dash + 1), 16),
          f[1].indexOf('x') >= 0,
          f[1].endsWith("p"),
          Long.parseUnsignedLong(f[2], 16),
          f[5]);
    }
  }

  /**
   * JavaCPP's function pointer for {@code void(int)}: its no-argument constructor allocates the
   * holder that {@code call} reads, and {@code put} stores the function's address in it (a function
   * pointer built around a bare address would be read as the holder and fault).
   */
  private static final class Setter extends SetNumThreads {
    Setter(long function) {
      super();
      put(new Address(function));
    }
  }

  /** A JavaCPP pointer to a given native address. */
  private static final class Address extends Pointer {
    Address(long address) {
      this.address = address;
    }
  }
}
