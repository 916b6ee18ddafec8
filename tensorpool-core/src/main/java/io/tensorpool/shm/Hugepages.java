package io.tensorpool.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hugepage verification for {@code require_hugepages=true} regions (Wire §15.22): the file must live on hugetlbfs
 * and the hugepage size must be known; anywhere this cannot be verified the region is rejected, never downgraded.
 */
public final class Hugepages
{
    private Hugepages()
    {
    }

    /** @return the hugepage size in bytes backing {@code path}. */
    public static long verify(final Path path)
    {
        final String type;
        try
        {
            type = Files.getFileStore(path).type();
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot determine the filesystem of " + path + ": " + ex);
        }
        if (!"hugetlbfs".equals(type))
        {
            throw new ShmValidationException("require_hugepages=true but " + path + " is on " + type +
                ", not hugetlbfs");
        }
        final long size = defaultHugepageSize();
        if (size <= 0)
        {
            throw new ShmValidationException("require_hugepages=true but the hugepage size cannot be read");
        }
        return size;
    }

    /** Hugepagesize from /proc/meminfo in bytes, or -1 if unknown. */
    public static long defaultHugepageSize()
    {
        try
        {
            final List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            for (final String line : lines)
            {
                if (line.startsWith("Hugepagesize:"))
                {
                    final String[] parts = line.substring("Hugepagesize:".length()).trim().split("\\s+");
                    final long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && "kB".equals(parts[1]) ? value * 1024 : value;
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // unknown: callers fail closed
        }
        return -1;
    }
}
