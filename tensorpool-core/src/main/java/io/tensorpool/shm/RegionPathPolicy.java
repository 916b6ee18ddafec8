package io.tensorpool.shm;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Path containment and safe opening of region files (Wire §15.21a.5). Base directories are canonicalised once, at
 * construction; every announced path is canonicalised, must lie inside one of them, must be a regular file, is opened
 * without following symlinks, and the opened descriptor is checked to be the same file that was validated. Any
 * failure rejects the region (fail closed).
 */
public final class RegionPathPolicy
{
    private static final Field CHANNEL_FD_FIELD;
    private static final Field FD_INT_FIELD;

    static
    {
        Field channelFd = null;
        Field fdInt = null;
        try
        {
            // The opened-handle identity check needs the descriptor number: --add-opens java.base/sun.nio.ch and
            // java.base/java.io (the flags Flink's own launcher already passes on Java 17).
            channelFd = Class.forName("sun.nio.ch.FileChannelImpl").getDeclaredField("fd");
            channelFd.setAccessible(true);
            fdInt = FileDescriptor.class.getDeclaredField("fd");
            fdInt.setAccessible(true);
        }
        catch (final Exception | LinkageError ex)
        {
            channelFd = null;
            fdInt = null;
        }
        CHANNEL_FD_FIELD = channelFd;
        FD_INT_FIELD = fdInt;
    }

    private final List<Path> canonicalBaseDirs;
    private volatile Runnable beforeOpenHook;

    /**
     * @param allowedBaseDirs directories regions may live in; each must exist and is resolved to its canonical form.
     * @throws ShmValidationException if a base directory is not absolute, missing or not a directory.
     */
    public RegionPathPolicy(final Collection<Path> allowedBaseDirs)
    {
        if (allowedBaseDirs.isEmpty())
        {
            throw new ShmValidationException("no allowed base directory configured for region files");
        }
        final List<Path> bases = new ArrayList<>();
        for (final Path dir : allowedBaseDirs)
        {
            if (!dir.isAbsolute())
            {
                throw new ShmValidationException("allowed base directory must be absolute: " + dir);
            }
            try
            {
                final Path real = dir.toRealPath();
                if (!Files.isDirectory(real))
                {
                    throw new ShmValidationException("allowed base directory is not a directory: " + dir);
                }
                bases.add(real);
            }
            catch (final IOException ex)
            {
                throw new ShmValidationException("allowed base directory cannot be resolved: " + dir + " (" + ex + ")");
            }
        }
        this.canonicalBaseDirs = Collections.unmodifiableList(bases);
    }

    /** A policy allowing regions below the given directories (see the constructor). */
    public static RegionPathPolicy of(final Path... allowedBaseDirs)
    {
        return new RegionPathPolicy(List.of(allowedBaseDirs));
    }

    /** The allowed base directories in canonical form, resolved once at construction. */
    public List<Path> canonicalBaseDirs()
    {
        return canonicalBaseDirs;
    }

    /** True if the opened-handle identity check is available in this JVM (see class docs for the flags). */
    public static boolean handleCheckAvailable()
    {
        return CHANNEL_FD_FIELD != null;
    }

    /**
     * Validate an announced path: absolute, canonical form inside an allowed base directory, regular file.
     *
     * @return the canonical path.
     */
    public Path validate(final String announcedPath)
    {
        if (announcedPath == null || announcedPath.isEmpty())
        {
            throw new ShmValidationException("region path is empty");
        }
        final Path path;
        try
        {
            path = Path.of(announcedPath);
        }
        catch (final InvalidPathException ex)
        {
            throw new ShmValidationException("region path is not a valid path (" + ex.getReason() + "): " +
                printable(announcedPath));
        }
        if (!path.isAbsolute())
        {
            throw new ShmValidationException("region path must be absolute: " + announcedPath);
        }
        final Path canonical;
        try
        {
            canonical = path.toRealPath();
        }
        catch (final NoSuchFileException ex)
        {
            throw new ShmValidationException("region file does not exist: " + announcedPath);
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("region path cannot be resolved: " + announcedPath + " (" + ex + ")");
        }
        if (!isContained(canonical))
        {
            throw new ShmValidationException("region path " + announcedPath + " resolves to " + canonical +
                ", outside the allowed base directories " + canonicalBaseDirs);
        }
        final BasicFileAttributes attrs = readAttributes(canonical, announcedPath);
        if (!attrs.isRegularFile())
        {
            throw new ShmValidationException("region path is not a regular file (" + fileKind(canonical, attrs) +
                "): " + announcedPath);
        }
        return canonical;
    }

    /** True if a canonical path lies strictly inside one of the allowed base directories. */
    public boolean isContained(final Path canonical)
    {
        for (final Path base : canonicalBaseDirs)
        {
            if (canonical.startsWith(base) && !canonical.equals(base))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Validate and open a region file without following symlinks, then check that the opened descriptor refers to the
     * validated file (same device and inode, regular file).
     */
    public FileChannel open(final String announcedPath, final boolean writable)
    {
        return openFile(announcedPath, writable).channel();
    }

    /** A region file opened and verified by {@link #openFile}: the canonical path that was validated and its channel. */
    record OpenedFile(Path canonical, FileChannel channel)
    {
    }

    /** Test seam: runs between validation and open, to stage a swap of the file. */
    void beforeOpen(final Runnable hook)
    {
        this.beforeOpenHook = hook;
    }

    OpenedFile openFile(final String announcedPath, final boolean writable)
    {
        final Path canonical = validate(announcedPath);
        final Object expectedKey = readAttributes(canonical, announcedPath).fileKey();
        if (expectedKey == null || !handleCheckAvailable())
        {
            throw new ShmValidationException("cannot verify the opened region file on this JVM/platform (needs " +
                "Linux and --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED);" +
                " refusing to map " + announcedPath);
        }

        final Runnable hook = beforeOpenHook;
        if (hook != null)
        {
            hook.run();
        }

        FileChannel channel = null;
        try
        {
            // NOFOLLOW_LINKS refuses a final component swapped for a symlink; the identity check below catches a swap
            // of any directory above it.
            channel = writable ?
                FileChannel.open(canonical, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS) :
                FileChannel.open(canonical, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

            final int fd = FD_INT_FIELD.getInt(CHANNEL_FD_FIELD.get(channel));
            final BasicFileAttributes opened = Files.readAttributes(
                Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class);
            if (!opened.isRegularFile())
            {
                throw new ShmValidationException("opened region file is not a regular file (" +
                    fileKind(canonical, opened) + "): " + announcedPath);
            }
            if (!expectedKey.equals(opened.fileKey()))
            {
                throw new ShmValidationException("region file changed between validation and open (" +
                    expectedKey + " became " + opened.fileKey() + "): " + announcedPath);
            }
            // Wire §15.21a.6: regions are 0600 or 0660. A world-writable file lets any local user corrupt frames
            // (the seqlock cannot detect a third writer), so it is refused rather than mapped.
            final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(
                Path.of("/proc/self/fd/" + fd));
            if (mode.contains(PosixFilePermission.OTHERS_WRITE))
            {
                throw new ShmValidationException("region file is writable by others (mode " +
                    PosixFilePermissions.toString(mode) +
                    "); regions must be rw------- or rw-rw---- (Wire §15.21a.6): " + announcedPath);
            }
            return new OpenedFile(canonical, channel);
        }
        catch (final ShmValidationException ex)
        {
            closeQuietly(channel);
            throw ex;
        }
        catch (final IOException | ReflectiveOperationException | RuntimeException ex)
        {
            closeQuietly(channel);
            throw new ShmValidationException("cannot open region file " + announcedPath + ": " + ex, ex);
        }
    }

    private static BasicFileAttributes readAttributes(final Path canonical, final String announcedPath)
    {
        try
        {
            return Files.readAttributes(canonical, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot stat region file " + announcedPath + ": " + ex);
        }
    }

    private static String fileKind(final Path path, final BasicFileAttributes attrs)
    {
        if (attrs.isDirectory())
        {
            return "directory";
        }
        if (attrs.isSymbolicLink())
        {
            return "symbolic link";
        }
        try
        {
            // st_mode file type bits (S_IFMT)
            final int mode = (Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            switch (mode & 0xF000)
            {
                case 0x1000:
                    return "FIFO";
                case 0x2000:
                    return "character device";
                case 0x6000:
                    return "block device";
                case 0xC000:
                    return "socket";
                default:
                    break;
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // fall back to the portable description
        }
        return attrs.isOther() ? "device, FIFO or socket" : "unknown file type";
    }

    private static String printable(final String text)
    {
        final StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < ' ' || c >= 0x7F)
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // already failing; the validation error is what the caller needs
            }
        }
    }
}
