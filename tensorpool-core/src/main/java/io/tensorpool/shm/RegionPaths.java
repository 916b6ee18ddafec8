package io.tensorpool.shm;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The recommended region file layout (Wire §15.21a.3, SPEC_DECISIONS "Files"):
 * {@code <shm_base_dir>/<namespace>/<producer_instance_id>/epoch-<E>/header.ring} and {@code payload-<pool_id>.pool},
 * directories 0700 (0770 when shared with a group) and files 0600 (0660). The one place that spells this layout:
 * {@link StreamRegionFiles}, the driver and the standalone producer all build and read their directories here. Only
 * region owners use it: consumers never derive paths, they map what is announced (Wire §15.21a.4).
 */
public final class RegionPaths
{
    /** Private usage directories (Wire §15.21a.6). */
    public static final Set<PosixFilePermission> PRIVATE_DIR_MODE = PosixFilePermissions.fromString("rwx------");
    /** Shared-group usage directories (SPEC_DECISIONS: 0770; Java cannot set the setgid bit portably). */
    public static final Set<PosixFilePermission> GROUP_DIR_MODE = PosixFilePermissions.fromString("rwxrwx---");

    /** File name of the header ring inside an epoch directory. */
    public static final String HEADER_RING_FILE = "header.ring";
    /** Name prefix of an epoch directory: {@code epoch-<E>}, E the unsigned decimal epoch. */
    public static final String EPOCH_DIRECTORY_PREFIX = "epoch-";

    /** Longest directory name most filesystems take (NAME_MAX). */
    private static final int MAX_SEGMENT_LENGTH = 255;

    private RegionPaths()
    {
    }

    /**
     * The epoch directory of a producer instance.
     *
     * @throws ShmValidationException if the base is not absolute or a name is not one safe path segment.
     */
    public static Path epochDirectory(
        final Path shmBaseDir, final String namespace, final String producerInstanceId, final long epoch)
    {
        return epochDirectory(instanceDirectory(shmBaseDir, namespace, producerInstanceId), epoch);
    }

    /**
     * The directory of a producer instance, {@code <shm_base_dir>/<namespace>/<producer_instance_id>}, holding its
     * epoch directories.
     *
     * @throws ShmValidationException if the base is not absolute or a name is not one safe path segment.
     */
    public static Path instanceDirectory(
        final Path shmBaseDir, final String namespace, final String producerInstanceId)
    {
        if (!shmBaseDir.isAbsolute())
        {
            throw new ShmValidationException("shm_base_dir must be absolute: " + shmBaseDir);
        }
        checkSegment("namespace", namespace);
        checkSegment("producer_instance_id", producerInstanceId);
        return shmBaseDir.resolve(namespace).resolve(producerInstanceId);
    }

    /** {@code <instanceDir>/epoch-<E>}, E unsigned. */
    public static Path epochDirectory(final Path instanceDirectory, final long epoch)
    {
        return instanceDirectory.resolve(EPOCH_DIRECTORY_PREFIX + Long.toUnsignedString(epoch));
    }

    /**
     * The epoch an {@code epoch-<E>} directory stands for.
     *
     * @return E (unsigned bits), or -1 (all ones, never a usable epoch) if the name is not {@code epoch-} followed by
     *         an unsigned decimal.
     */
    public static long epochOf(final Path epochDirectory)
    {
        final Path name = epochDirectory.getFileName();
        final String text = null == name ? "" : name.toString();
        if (!text.startsWith(EPOCH_DIRECTORY_PREFIX))
        {
            return -1;
        }
        try
        {
            return Long.parseUnsignedLong(text.substring(EPOCH_DIRECTORY_PREFIX.length()));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /** {@code <epochDir>/header.ring}. */
    public static Path headerRing(final Path epochDirectory)
    {
        return epochDirectory.resolve(HEADER_RING_FILE);
    }

    /** {@code <epochDir>/payload-<pool_id>.pool}. */
    public static Path payloadPool(final Path epochDirectory, final int poolId)
    {
        if (poolId < 0 || poolId > 0xFFFF)
        {
            throw new ShmValidationException("pool_id must fit in u16, was " + poolId);
        }
        return epochDirectory.resolve("payload-" + poolId + ".pool");
    }

    /**
     * Create the epoch directory and any missing parents below {@code shmBaseDir} with {@code dirMode} (set exactly,
     * whatever the umask). The epoch directory itself must not exist yet: a new epoch gets a fresh directory, so a
     * planted directory or symlink is refused. Existing parents must be real directories, not symlinks.
     *
     * @param dirMode {@link #PRIVATE_DIR_MODE} or {@link #GROUP_DIR_MODE} (or narrower); access for others is refused.
     * @return the created directory.
     */
    public static Path createEpochDirectory(
        final Path shmBaseDir, final Path epochDirectory, final Set<PosixFilePermission> dirMode)
    {
        for (final PosixFilePermission permission : dirMode)
        {
            if (permission == PosixFilePermission.OTHERS_READ || permission == PosixFilePermission.OTHERS_WRITE ||
                permission == PosixFilePermission.OTHERS_EXECUTE)
            {
                throw new ShmValidationException("region directory mode " + PosixFilePermissions.toString(dirMode) +
                    " for " + epochDirectory + " is too open: use rwx------ (0700) or rwxrwx--- (0770)");
            }
        }
        final Path base = shmBaseDir.normalize();
        final Path target = epochDirectory.normalize();
        if (!target.startsWith(base) || target.equals(base))
        {
            throw new ShmValidationException("epoch directory " + epochDirectory + " is not below " + shmBaseDir);
        }
        try
        {
            Path current = base;
            for (final Path segment : base.relativize(target))
            {
                current = current.resolve(segment);
                final boolean last = current.equals(target);
                if (Files.exists(current, LinkOption.NOFOLLOW_LINKS))
                {
                    if (last)
                    {
                        throw new ShmValidationException("epoch directory already exists: " + current);
                    }
                    if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS))
                    {
                        throw new ShmValidationException("region directory " + current +
                            " exists but is not a directory (symlinks are not followed)");
                    }
                    continue;
                }
                try
                {
                    Files.createDirectory(current, PosixFilePermissions.asFileAttribute(dirMode));
                }
                catch (final FileAlreadyExistsException raced)
                {
                    if (last || !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS))
                    {
                        throw new ShmValidationException("region directory appeared concurrently: " + current);
                    }
                    continue;
                }
                Files.setPosixFilePermissions(current, dirMode);
            }
            return target;
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot create region directory " + epochDirectory + ": " + ex, ex);
        }
    }

    private static void checkSegment(final String what, final String segment)
    {
        if (segment == null || segment.isEmpty() || ".".equals(segment) || "..".equals(segment))
        {
            throw new ShmValidationException(what + " must be a non-empty path segment, was '" + segment + "'");
        }
        if (segment.length() > MAX_SEGMENT_LENGTH)
        {
            throw new ShmValidationException(what + " is longer than " + MAX_SEGMENT_LENGTH + " characters: length=" +
                segment.length());
        }
        for (int i = 0; i < segment.length(); i++)
        {
            final char c = segment.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '/' || c == '\\' || c == '?' || c == '|')
            {
                throw new ShmValidationException(what + " contains a forbidden character (code " + (int)c +
                    ") at index " + i + ": '" + segment + "'");
            }
        }
    }
}
