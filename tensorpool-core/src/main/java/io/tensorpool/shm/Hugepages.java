package io.tensorpool.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hugepage verification for {@code require_hugepages=true} regions (Wire §15.22): the file must live on a hugetlbfs
 * mount and that mount's page size must be known; anywhere this cannot be verified the region is rejected, never
 * silently downgraded. The mount and its {@code pagesize=} option come from {@code /proc/self/mountinfo}, so a 1 GiB
 * hugetlbfs mount is told apart from the 2 MiB default.
 */
public final class Hugepages
{
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private Hugepages()
    {
    }

    /**
     * Verify that a canonical region path is backed by hugepages.
     *
     * @param canonicalPath the file, symlinks already resolved.
     * @return the hugepage size in bytes of the mount holding the file.
     * @throws ShmValidationException if the file is not on hugetlbfs or the page size cannot be determined.
     */
    public static long verify(final Path canonicalPath)
    {
        final List<String> mountinfo;
        try
        {
            mountinfo = Files.readAllLines(MOUNTINFO);
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("require_hugepages=true but " + MOUNTINFO + " cannot be read to verify " +
                canonicalPath + ": " + ex);
        }
        return verify(canonicalPath, mountinfo, defaultHugepageSize());
    }

    /** {@link #verify(Path)} against given {@code mountinfo} lines and default hugepage size (for tests). */
    static long verify(final Path canonicalPath, final List<String> mountinfo, final long defaultHugepageSize)
    {
        final String file = canonicalPath.toString();
        String bestMountPoint = null;
        String bestType = null;
        String bestOptions = null;
        for (final String line : mountinfo)
        {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            final String[] fields = line.split(" ");
            final int separator = indexOf(fields, "-");
            if (fields.length < 5 || separator < 0)
            {
                continue;
            }
            final String mountPoint = unescape(fields[4]);
            if (isUnder(file, mountPoint) && (bestMountPoint == null || mountPoint.length() >= bestMountPoint.length()))
            {
                bestMountPoint = mountPoint;
                bestType = separator + 1 < fields.length ? fields[separator + 1] : "";
                bestOptions = separator + 3 < fields.length ? fields[separator + 3] : "";
            }
        }
        if (bestMountPoint == null)
        {
            throw new ShmValidationException("require_hugepages=true but no mount holds " + canonicalPath);
        }
        if (!"hugetlbfs".equals(bestType))
        {
            throw new ShmValidationException("require_hugepages=true but " + canonicalPath + " is on " + bestType +
                " (mounted at " + bestMountPoint + "), not hugetlbfs");
        }
        final long size = pageSizeOption(bestOptions);
        final long result = size > 0 ? size : defaultHugepageSize;
        if (result <= 0)
        {
            throw new ShmValidationException("require_hugepages=true but the hugepage size of " + bestMountPoint +
                " cannot be determined");
        }
        return result;
    }

    /**
     * The hugepage size of the hugetlbfs mount holding {@code path}, or -1 if the path is not on hugetlbfs (or the
     * mount table cannot be read). Used on creation, where a region on hugetlbfs must have a stride that is a
     * multiple of that size (Wire §15.22) whether or not its URI will say {@code require_hugepages=true}.
     */
    public static long hugetlbfsPageSize(final Path path)
    {
        try
        {
            return hugetlbfsPageSize(path, Files.readAllLines(MOUNTINFO), defaultHugepageSize());
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /** {@link #hugetlbfsPageSize(Path)} against given {@code mountinfo} lines (for tests). */
    static long hugetlbfsPageSize(final Path path, final List<String> mountinfo, final long defaultHugepageSize)
    {
        try
        {
            return verify(path, mountinfo, defaultHugepageSize);
        }
        catch (final ShmValidationException notHugetlbfs)
        {
            return -1;
        }
    }

    /** The {@code pagesize=} mount option in bytes (e.g. {@code pagesize=2M}), or -1 if absent or malformed. */
    static long pageSizeOption(final String options)
    {
        for (final String option : options.split(","))
        {
            if (option.startsWith("pagesize="))
            {
                return parseSize(option.substring("pagesize=".length()));
            }
        }
        return -1;
    }

    /** {@code HugePages_Free=N of M} of the default hugepage size from /proc/meminfo, for error messages. */
    public static String freeHugepagesDescription()
    {
        final List<String> meminfo = meminfoLines();
        final String free = field(meminfo, "HugePages_Free:");
        final String total = field(meminfo, "HugePages_Total:");
        return free == null && total == null ? "free hugepages unknown" :
            "HugePages_Free=" + (free == null ? "?" : free) + " of " + (total == null ? "?" : total);
    }

    /** Hugepagesize from /proc/meminfo in bytes, or -1 if unknown. */
    public static long defaultHugepageSize()
    {
        final String value = field(meminfoLines(), "Hugepagesize:");
        try
        {
            if (value != null)
            {
                final String[] parts = value.split("\\s+");
                final long number = Long.parseLong(parts[0]);
                return parts.length > 1 && "kB".equals(parts[1]) ? number * 1024 : number;
            }
        }
        catch (final RuntimeException ignore)
        {
            // unknown: callers fail closed
        }
        return -1;
    }

    /** The lines of /proc/meminfo, or none if it cannot be read. */
    private static List<String> meminfoLines()
    {
        try
        {
            return Files.readAllLines(MEMINFO);
        }
        catch (final IOException | RuntimeException ex)
        {
            return List.of();
        }
    }

    /** The trimmed value of the meminfo line starting with {@code key}, or null if absent. */
    private static String field(final List<String> meminfo, final String key)
    {
        for (final String line : meminfo)
        {
            if (line.startsWith(key))
            {
                return line.substring(key.length()).trim();
            }
        }
        return null;
    }

    private static long parseSize(final String text)
    {
        if (text.isEmpty())
        {
            return -1;
        }
        final char unit = Character.toUpperCase(text.charAt(text.length() - 1));
        final int shift = unit == 'K' ? 10 : unit == 'M' ? 20 : unit == 'G' ? 30 : 0;
        final String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        try
        {
            final long value = Long.parseLong(digits);
            return value > 0 && value < (1L << (62 - shift)) ? value << shift : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static boolean isUnder(final String file, final String mountPoint)
    {
        if ("/".equals(mountPoint))
        {
            return file.startsWith("/");
        }
        return file.startsWith(mountPoint) &&
            (file.length() == mountPoint.length() || file.charAt(mountPoint.length()) == '/');
    }

    private static int indexOf(final String[] fields, final String value)
    {
        for (int i = 6; i < fields.length; i++)
        {
            if (value.equals(fields[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    private static String unescape(final String field)
    {
        if (field.indexOf('\\') < 0)
        {
            return field;
        }
        final StringBuilder sb = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++)
        {
            final char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1))
            {
                sb.append((char)Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(final String s, final int from)
    {
        if (from + 3 > s.length())
        {
            return false;
        }
        for (int i = from; i < from + 3; i++)
        {
            if (s.charAt(i) < '0' || s.charAt(i) > '7')
            {
                return false;
            }
        }
        return true;
    }
}
