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
 * directories 0700 (0770 when shared with a group) and files 0600 (0660). Only the region owner uses this: consumers
 * never derive paths, they map what is announced (Wire §15.21a.4).
 */
public final class RegionPaths
{
    /** Private usage directories (Wire §15.21a.6). */
    public static final Set<PosixFilePermission> PRIVATE_DIR_MODE = PosixFilePermissions.fromString("rwx------");
    /** Shared-group usage directories (SPEC_DECISIONS: 0770; Java cannot set the setgid bit portably). */
    public static final Set<PosixFilePermission> GROUP_DIR_MODE = PosixFilePermissions.fromString("rwxrwx---");

    /** File name of the header ring inside an epoch directory. */
    public static final String HEADER_RING_FILE = "header.ring";

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
        if (!shmBaseDir.isAbsolute())
        {
            throw new ShmValidationException("shm_base_dir must be absolute: " + shmBaseDir);
        }
        checkSegment("namespace", namespace);
        checkSegment("producer_instance_id", producerInstanceId);
        return shmBaseDir.resolve(namespace).resolve(producerInstanceId)
            .resolve("epoch-" + Long.toUnsignedString(epoch));
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
