package org.sparkgrad.backend.cpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Reads a defined function's offset from the dynamic symbol table of a 64-bit little-endian ELF
 * shared library, and the virtual address its first loadable segment asks for: enough to find a
 * function in one particular loaded copy of a library when two copies export the same name.
 */
final class ElfSymbols {
  private static final int SHT_DYNSYM = 11;
  private static final int PT_LOAD = 1;
  private static final int STT_FUNC = 2;

  private final ByteBuffer elf;

  private ElfSymbols(ByteBuffer elf) {
    this.elf = elf;
  }

  /** Maps the file; throws if it is not a 64-bit little-endian ELF file. */
  static ElfSymbols read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      b.order(ByteOrder.LITTLE_ENDIAN);
      if (b.limit() < 64
          || b.getInt(0) != 0x464c457f // "\177ELF" read little-endian
          || b.get(4) != 2 // ELFCLASS64
          || b.get(5) != 1) { // ELFDATA2LSB
        throw new IOException(file + " is not a 64-bit little-endian ELF file");
      }
      return new ElfSymbols(b);
    }
  }

  /** The virtual address of the first PT_LOAD segment (0 for ordinary shared libraries). */
  long firstLoadAddress() throws IOException {
    long phoff = elf.getLong(0x20);
    int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
    int phnum = Short.toUnsignedInt(elf.getShort(0x38));
    for (int i = 0; i < phnum; i++) {
      int p = Math.toIntExact(phoff + (long) i * phentsize);
      if (elf.getInt(p) == PT_LOAD) {
        return elf.getLong(p + 0x10) - elf.getLong(p + 0x08); // p_vaddr - p_offset
      }
    }
    throw new IOException("no loadable segment");
  }

  /** The st_value of the defined function {@code name} in .dynsym, if there is one. */
  OptionalLong function(String name) {
    long shoff = elf.getLong(0x28);
    int shentsize = Short.toUnsignedInt(elf.getShort(0x3a));
    int shnum = Short.toUnsignedInt(elf.getShort(0x3c));
    byte[] want = name.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < shnum; i++) {
      int s = Math.toIntExact(shoff + (long) i * shentsize);
      if (elf.getInt(s + 0x04) != SHT_DYNSYM) {
        continue;
      }
      long symOff = elf.getLong(s + 0x18);
      long symSize = elf.getLong(s + 0x20);
      long entSize = elf.getLong(s + 0x38);
      int strSection = Math.toIntExact(shoff + (long) elf.getInt(s + 0x28) * shentsize);
      long strOff = elf.getLong(strSection + 0x18);
      for (long e = 0; e + entSize <= symSize; e += entSize) {
        int sym = Math.toIntExact(symOff + e);
        int info = Byte.toUnsignedInt(elf.get(sym + 4));
        int shndx = Short.toUnsignedInt(elf.getShort(sym + 6));
        if ((info & 0xf) == STT_FUNC
            && shndx != 0
            && nameIs(Math.toIntExact(strOff + Integer.toUnsignedLong(elf.getInt(sym))), want)) {
          return OptionalLong.of(elf.getLong(sym + 8));
        }
      }
    }
    return OptionalLong.empty();
  }

  private boolean nameIs(int at, byte[] want) {
    if (at + want.length >= elf.limit()) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (elf.get(at + i) != want[i]) {
        return false;
      }
    }
    return elf.get(at + want.length) == 0;
  }
}
