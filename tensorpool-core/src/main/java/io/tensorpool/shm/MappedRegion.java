package io.tensorpool.shm;

import io.tensorpool.codecs.wire.RegionType;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /**
     * {@code sun.nio.ch.FileChannelImpl.setUninterruptible()}, or null where it is not accessible. A channel kept for
     * {@link #isBacked()} must survive an interrupt of the polling thread (Flink interrupts task threads): an
     * interruptible channel would close itself and make a healthy mapping look truncated.
     */
    private static final java.lang.reflect.Method SET_UNINTERRUPTIBLE = uninterruptibleMethod();

    /** Zeros written per call when reserving a new file's blocks. */
    private static final int RESERVE_CHUNK_BYTES = 1 << 20;

    private final Path path;
    private final RegionSpec spec;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    /** Kept open while mapped: {@link #isBacked()} asks it for the size of the mapped inode (fstat). */
    private final FileChannel channel;
    private boolean closed;

    private MappedRegion(
        final Path path, final RegionSpec spec, final MappedByteBuffer mapped, final FileChannel channel)
    {
        this.path = path;
        this.spec = spec;
        this.mapped = mapped;
        this.channel = channel;
        // the mapping may be longer than the layout (whole hugepages on hugetlbfs); the buffer is exactly the layout
        this.buffer = new UnsafeBuffer(mapped, 0, (int)spec.fileSize());
        makeUninterruptible(channel);
    }

    private static java.lang.reflect.Method uninterruptibleMethod()
    {
        try
        {
            final java.lang.reflect.Method method =
                Class.forName("sun.nio.ch.FileChannelImpl").getMethod("setUninterruptible");
            method.setAccessible(true);
            return method;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }

    private static void makeUninterruptible(final FileChannel channel)
    {
        if (SET_UNINTERRUPTIBLE != null && SET_UNINTERRUPTIBLE.getDeclaringClass().isInstance(channel))
        {
            try
            {
                SET_UNINTERRUPTIBLE.invoke(channel);
            }
            catch (final ReflectiveOperationException | RuntimeException ignore)
            {
                // interruptible then: an interrupt closes the channel and isBacked() reports the mapping as lost
            }
        }
    }

    /**
     * Create a new region file and map it read-write (Wire §15.14): the file must not exist (it is created with
     * {@code O_EXCL}, so a planted file or symlink is refused), gets exactly {@code fileMode}, is sized to the layout,
     * optionally reserved and prefaulted, gets its superblock, and is flushed to the backing store ({@code msync} and
     * {@code fsync}) before this returns, so the region can be announced. On failure the file is removed.
     *
     * @param path     where to create the file; its directory must exist.
     * @param spec     the layout to create.
     * @param fileMode {@link #PRIVATE_FILE_MODE} (0600), {@link #GROUP_FILE_MODE} (0660) or narrower; modes granting
     *                 any access to others or execute permission are refused (Wire §15.10, §15.21a.6).
     * @param prefault allocate every block before mapping (zeros written through the file channel, so a full
     *                 filesystem fails here with a message naming the path and size, never as a SIGBUS later) and
     *                 touch every page so the first frames take no page faults (Driver §policies.prefault_shm).
     *                 Without it the file is sparse: cheaper, but a full filesystem then surfaces on the first
     *                 write into an unbacked page, as a SIGBUS in the writer.
     * @param pid      the creating process id, written to the superblock.
     * @param nowNs    CLOCK_MONOTONIC nanoseconds for the start and activity timestamps (0 is written as 1).
     * @throws ShmValidationException naming the path and the cause.
     */
    public static MappedRegion create(
        final Path path,
        final RegionSpec spec,
        final Set<PosixFilePermission> fileMode,
        final boolean prefault,
        final long pid,
        final long nowNs)
    {
        checkLittleEndianHost();
        checkFileMode(path, fileMode);
        final Path parent = path.toAbsolutePath().getParent();
        final long hugepageSize = parent == null ? -1 : Hugepages.hugetlbfsPageSize(parent);
        if (hugepageSize > 0 && spec.regionType() == RegionType.PAYLOAD_POOL)
        {
            // Wire §15.22: on hugetlbfs the stride must be a multiple of the mount's hugepage size
            try
            {
                RegionSpec.checkStride(spec.strideBytes() & 0xFFFF_FFFFL, hugepageSize);
            }
            catch (final ShmValidationException ex)
            {
                throw new ShmValidationException("cannot create region file " + path + " on hugetlbfs: " +
                    ex.getMessage());
            }
        }
        final long size = spec.fileSize();
        final long mapLength = mappingLength(size, hugepageSize);
        if (mapLength > Integer.MAX_VALUE)
        {
            throw new ShmValidationException("region " + path + " would be " + mapLength + " bytes; maximum is " +
                Integer.MAX_VALUE);
        }
        boolean created = false;
        FileChannel channel = null;
        MappedRegion region = null;
        try
        {
            channel = FileChannel.open(
                path,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(fileMode));
            created = true;
            // the umask may have narrowed the creation mode; set it exactly
            Files.setPosixFilePermissions(path, fileMode);
            channel.truncate(size);
            if (prefault && hugepageSize <= 0)
            {
                reserve(channel, path, size);
            }
            // mapping sizes the file: on hugetlbfs only to whole hugepages (anything else is EINVAL)
            final MappedByteBuffer mapped;
            try
            {
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, mapLength);
            }
            catch (final IOException ex)
            {
                if (hugepageSize > 0)
                {
                    // hugetlbfs reserves every page at mmap: a failure here is the pool or the mount running out
                    throw new HugepagesUnavailableException("cannot create region file " + path + ": hugetlbfs could " +
                        "not reserve " + mapLength / hugepageSize + " hugepage(s) of " + hugepageSize + " bytes (" +
                        Hugepages.freeHugepagesDescription() + "; raise vm.nr_hugepages or the mount's size=)", ex);
                }
                throw ex;
            }
            region = new MappedRegion(path, spec, mapped, channel);
            if (prefault)
            {
                // Pages now exist (reserved above, or by hugetlbfs at mmap time): touching them only fills the page
                // tables, so the first frames take no faults.
                final long step = hugepageSize > 0 ? hugepageSize : ShmLayout.PAGE_SIZE;
                for (long offset = step; offset < size; offset += step)
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
        catch (final IOException | RuntimeException | InternalError ex)
        {
            // InternalError: SIGBUS on a mapped page the filesystem cannot back, as the JVM reports it. Reserving the
            // file first makes that impossible on tmpfs and disks; kept for hugetlbfs and for concurrent truncation.
            if (region != null)
            {
                region.close();
            }
            else
            {
                CloseHelper.quietClose(channel);
            }
            if (created)
            {
                deleteQuietly(path);
            }
            if (ex instanceof ShmValidationException)
            {
                throw (ShmValidationException)ex;
            }
            throw new ShmValidationException("cannot create region file " + path + ": " + ex, ex);
        }
    }

    /**
     * Allocate every block of a new region file by writing zeros through the channel, before it is mapped: a full
     * filesystem (a full /dev/shm) then fails here, synchronously, as {@code ENOSPC}, instead of as a SIGBUS on the
     * first touch of an unbacked page, which the JVM reports asynchronously and may deliver after any
     * {@code try} around the access. Not for hugetlbfs, which has no {@code write} and reserves its pages at mmap.
     */
    private static void reserve(final FileChannel channel, final Path path, final long size)
    {
        final ByteBuffer zeros = ByteBuffer.allocateDirect((int)Math.min(size, RESERVE_CHUNK_BYTES));
        long position = 0;
        try
        {
            while (position < size)
            {
                zeros.clear().limit((int)Math.min(zeros.capacity(), size - position));
                while (zeros.hasRemaining())
                {
                    position += channel.write(zeros, position);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot create region file " + path + ": reserving its " + size +
                " bytes failed after " + position + " bytes: " + ex.getMessage() +
                " (is the filesystem full? free space or use a smaller profile)", ex);
        }
        finally
        {
            BufferUtil.free(zeros);
        }
    }

    /**
     * Map an announced region: URI parsing, path containment, safe open, hugepage and stride rules, file size and
     * full superblock validation, in that order (Wire §15.21a.5, §15.22, §15.1). Nothing stays mapped on failure.
     *
     * @param regionUri the announced {@code shm:file?path=...} URI.
     * @param expected  what the announce (or attach response) says the region is.
     * @param policy    allowed base directories and the safe-open rules.
     * @param writable  map read-write (the region owner) or read-only (consumers).
     * @throws ShmValidationException naming the rule, the value found and the value expected.
     */
    public static MappedRegion map(
        final String regionUri, final RegionSpec expected, final RegionPathPolicy policy, final boolean writable)
    {
        checkLittleEndianHost();
        final RegionUri uri = RegionUri.parse(regionUri);
        final RegionPathPolicy.OpenedFile opened = policy.openFile(uri.path(), writable);
        final FileChannel channel = opened.channel();
        try
        {
            final Path path = Path.of(uri.path());
            final long hugepageSize;
            if (uri.requireHugepages())
            {
                hugepageSize = Hugepages.verify(opened.canonical());
                if (expected.regionType() == RegionType.PAYLOAD_POOL)
                {
                    RegionSpec.checkStride(expected.strideBytes() & 0xFFFF_FFFFL, hugepageSize);
                }
            }
            else
            {
                // a writer may put a region on hugetlbfs without requiring it: it still maps in whole hugepages
                hugepageSize = Hugepages.hugetlbfsPageSize(opened.canonical());
            }
            final long expectedSize = expected.fileSize();
            final long actualSize = channel.size();
            if (actualSize < expectedSize)
            {
                throw new ShmValidationException("region file " + path + " is " + actualSize +
                    " bytes, smaller than the " + expectedSize + " bytes its layout needs");
            }
            // hugetlbfs files are whole hugepages long, and unmapping needs the whole-hugepage length
            final long mapLength = Math.min(actualSize, mappingLength(expectedSize, hugepageSize));
            if (mapLength > Integer.MAX_VALUE)
            {
                throw new ShmValidationException("region " + path + " of " + mapLength +
                    " bytes is larger than this implementation can map (" + Integer.MAX_VALUE + ")");
            }
            final MappedByteBuffer mapped = channel.map(
                writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, mapLength);
            final MappedRegion region = new MappedRegion(path, expected, mapped, channel);
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
            CloseHelper.quietClose(channel);
            throw new ShmValidationException("cannot map region " + regionUri + ": " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            throw ex;
        }
    }

    /**
     * How much of a region file to map: its layout size, rounded up to whole hugepages on hugetlbfs, which sizes
     * files and unmaps mappings only in whole hugepages.
     *
     * @param hugepageSize the mount's hugepage size (a power of two), or a value {@code <= 0} when the file is not on
     *                     hugetlbfs.
     */
    static long mappingLength(final long layoutSize, final long hugepageSize)
    {
        return hugepageSize > 0 ? BitUtil.align(layoutSize, hugepageSize) : layoutSize;
    }

    /** Wire §15.1: the layout is little-endian and this implementation does not byte-swap. */
    private static void checkLittleEndianHost()
    {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new ShmValidationException("SHM regions are little-endian; this " + ByteOrder.nativeOrder() +
                " host is not supported (Wire §15.1)");
        }
    }

    private static void checkFileMode(final Path path, final Set<PosixFilePermission> fileMode)
    {
        for (final PosixFilePermission permission : fileMode)
        {
            switch (permission)
            {
                case OTHERS_READ:
                case OTHERS_WRITE:
                case OTHERS_EXECUTE:
                case OWNER_EXECUTE:
                case GROUP_EXECUTE:
                    throw new ShmValidationException("region file mode " + PosixFilePermissions.toString(fileMode) +
                        " for " + path + " is too open: use rw------- (0600) or rw-rw---- (0660)");
                default:
                    break;
            }
        }
        if (!fileMode.contains(PosixFilePermission.OWNER_READ) || !fileMode.contains(PosixFilePermission.OWNER_WRITE))
        {
            throw new ShmValidationException("region file mode " + PosixFilePermissions.toString(fileMode) + " for " +
                path + " must give the owner read and write");
        }
    }

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // the creation error is what the caller needs
        }
    }

    /** The path the region was created at or announced with (not canonicalised). */
    public Path path()
    {
        return path;
    }

    /** The layout the region was created with or validated against. */
    public RegionSpec spec()
    {
        return spec;
    }

    /** The whole region, superblock included. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** True once {@link #close()} has unmapped the region. */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Unmap. Idempotent. The buffer is re-wrapped to zero length first, so a late access through {@link #buffer()}
     * fails with a bounds error; views obtained earlier (payload views, {@link FrameView}) must not be used afterwards:
     * close on the thread that reads, never while another thread reads.
     */
    /**
     * True if the mapped file still has every byte this mapping covers: an fstat of the mapped inode (whatever path
     * now names). A file truncated under the mapping makes access to the lost pages raise SIGBUS, which the JVM
     * reports as an asynchronous {@code InternalError} and, until then, lets the read return stale register contents;
     * checking this before reading (once per poll batch; it is a system call) keeps a reader off such pages.
     * Allocation-free.
     */
    public boolean isBacked()
    {
        if (closed)
        {
            return false;
        }
        try
        {
            return channel.size() >= spec.fileSize();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            buffer.wrap(0, 0);
            IoUtil.unmap(mapped);
            CloseHelper.quietClose(channel);
        }
    }

    @Override
    public String toString()
    {
        return "MappedRegion{" + path + " " + spec + "}";
    }
}
