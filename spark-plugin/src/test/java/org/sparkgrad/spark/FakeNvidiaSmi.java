package org.sparkgrad.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A fake {@code nvidia-smi} in a directory of its own, to put first on a script's PATH. */
final class FakeNvidiaSmi {
  private FakeNvidiaSmi() {}

  /**
   * Writes {@code dir/nvidia-smi}: checks that it was asked for GPU indices, then prints {@code
   * stdout} and exits with {@code exitCode}.
   */
  static Path install(Path dir, String stdout, int exitCode) throws IOException {
    Path script = dir.resolve("nvidia-smi");
    String body =
        "#!/bin/sh\n"
            + "if [ \"$*\" != \"--query-gpu=index --format=csv,noheader\" ]; then\n"
            + "  echo \"fake nvidia-smi: unexpected arguments: $*\" >&2; exit 64\n"
            + "fi\n"
            + "printf '%s' '"
            + stdout.replace("'", "'\\''")
            + "'\n"
            + "exit "
            + exitCode
            + "\n";
    Files.writeString(script, body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
