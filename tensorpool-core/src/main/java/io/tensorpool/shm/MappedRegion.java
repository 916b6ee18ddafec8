package io.tensorpool.shm;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One memory-mapped region file: a header ring or a payload pool. Created by the owner of the region (driver or
 * standalone producer) or mapped by a client after path containment and superblock validation.
 */
public final class MappedRegion implements AutoCloseable
{
    /** Private usage default (Wire §15.21a.6). */
    public static final Set<PosixFilePermission> PRIVATE_FILE_MODE = PosixFilePermissions.fromString("rw-------");
    /** Shared-group usage (Wire §15.21a.6). */
    public static final Set<PosixFilePermission> GROUP_FILE_MODE = PosixFilePermissions.fromString("rw-rw----");

    private final Path path;
    private final RegionSpec spec;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private boolean closed;

    private MappedRegion(final Path path, final RegionSpec spec, final MappedByteBuffer mapped)
    {
        this.path = path;
        this.spec = spec;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
    }

    /**
     * Create a new region file (failing if it exists), size it, write the superblock and fsync (Wire §15.14).
     *
     * @param prefault touch every page so the first frames do not take page faults.
     */
    public static MappedRegion create(
        final Path path,
        final RegionSpec spec,
        final Set<PosixFilePermission> fileMode,
        final boolean prefault,
        final long pid,
        final long nowNs)
    {
        final long size = spec.fileSize();
        if (size > Integer.MAX_VALUE)
        {
            throw new ShmValidationException("region " + path + " would be " + size + " bytes; maximum is " +
                Integer.MAX_VALUE);
        }
        try (FileChannel channel = FileChannel.open(
            path,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(fileMode)))
        {
            // the umask may have narrowed the creation mode; set it exactly
            Files.setPosixFilePermissions(path, fileMode);
            channel.truncate(size);
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            final MappedRegion region = new MappedRegion(path, spec, mapped);
            if (prefault)
            {
                for (long offset = ShmLayout.PAGE_SIZE; offset < size; offset += ShmLayout.PAGE_SIZE)
                {
                    region.buffer.putByte((int)offset, (byte)0);
                }
            }
            Superblock.write(region.buffer, spec, pid, nowNs, nowNs);
            mapped.force();
            channel.force(true);
            return region;
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new ShmValidationException("region file already exists: " + path);
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot create region file " + path + ": " + ex, ex);
        }
    }

    /**
     * Map an announced region: URI parsing, path containment, safe open, hugepage and stride rules, file size and
     * full superblock validation, in that order (Wire §15.21a.5, §15.22, §15.1). Nothing is mapped on failure.
     */
    public static MappedRegion map(
        final String regionUri, final RegionSpec expected, final RegionPathPolicy policy, final boolean writable)
    {
        final RegionUri uri = RegionUri.parse(regionUri);
        try (FileChannel channel = policy.open(uri.path(), writable))
        {
            final Path path = Path.of(uri.path());
            if (uri.requireHugepages())
            {
                final long hugepageSize = Hugepages.verify(path);
                if (expected.strideBytes() != 0)
                {
                    RegionSpec.checkStride(expected.strideBytes() & 0xFFFF_FFFFL, hugepageSize);
                }
            }
            final long expectedSize = expected.fileSize();
            final long actualSize = channel.size();
            if (actualSize < expectedSize)
            {
                throw new ShmValidationException("region file " + path + " is " + actualSize +
                    " bytes, smaller than the " + expectedSize + " bytes its layout needs");
            }
            if (expectedSize > Integer.MAX_VALUE)
            {
                throw new ShmValidationException("region " + path + " of " + expectedSize +
                    " bytes is larger than this implementation can map (" + Integer.MAX_VALUE + ")");
            }
            final MappedByteBuffer mapped = channel.map(
                writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, expectedSize);
            final MappedRegion region = new MappedRegion(path, expected, mapped);
            try
            {
                Superblock.validate(region.buffer, expected, path.toString());
            }
            catch (final ShmValidationException ex)
            {
                region.close();
                throw ex;
            }
            return region;
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot map region " + regionUri + ": " + ex, ex);
        }
    }

    public Path path()
    {
        return path;
    }

    public RegionSpec spec()
    {
        return spec;
    }

    /** The whole region, superblock included. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public boolean isClosed()
    {
        return closed;
    }

    /** Unmap. The buffer must not be touched afterwards. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            buffer.wrap(0, 0);
            IoUtil.unmap(mapped);
        }
    }

    @Override
    public String toString()
    {
        return "MappedRegion{" + path + " " + spec + "}";
    }
}
