package io.tensorpool.shm;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Creating and mapping all regions of one stream, in the recommended layout of Wire §15.21a.3 as {@link RegionPaths}
 * spells it: {@code <base>/<namespace>/<producer_instance_id>/epoch-<E>/header.ring} and
 * {@code payload-<pool_id>.pool}. Only a region owner (the driver, or a standalone producer) creates; clients only map
 * what was announced.
 */
public final class StreamRegionFiles
{
    private StreamRegionFiles()
    {
    }

    /**
     * Create the epoch directory and every region of a stream; on any failure, whatever was created is closed and
     * removed again.
     *
     * @param poolIds     pool ids, parallel to {@code strides}.
     * @param fileMode    {@link MappedRegion#PRIVATE_FILE_MODE} or {@link MappedRegion#GROUP_FILE_MODE}; directories
     *                    get the matching 0700/0770.
     * @return the mapped regions and, through {@link #layoutOf}, the layout to announce.
     */
    public static StreamRegions create(
        final Path baseDir,
        final String namespace,
        final String producerInstanceId,
        final int streamId,
        final long epoch,
        final int nslots,
        final int[] poolIds,
        final int[] strides,
        final Set<PosixFilePermission> fileMode,
        final boolean prefault,
        final long nowNs)
    {
        return create(baseDir, namespace, producerInstanceId, streamId, epoch, nslots, poolIds, strides, fileMode,
            prefault, false, nowNs);
    }

    /**
     * {@link #create(Path, String, String, int, long, int, int[], int[], Set, boolean, long)}, optionally requiring
     * hugepage-backed regions (Wire §15.22): the epoch directory must then be on hugetlbfs, checked before any file
     * is created.
     *
     * @throws HugepagesUnavailableException if hugepages are required and the directory is not on hugetlbfs, or if
     *                                       the kernel has none left for a region on hugetlbfs.
     */
    public static StreamRegions create(
        final Path baseDir,
        final String namespace,
        final String producerInstanceId,
        final int streamId,
        final long epoch,
        final int nslots,
        final int[] poolIds,
        final int[] strides,
        final Set<PosixFilePermission> fileMode,
        final boolean prefault,
        final boolean requireHugepages,
        final long nowNs)
    {
        if (poolIds.length == 0 || poolIds.length != strides.length)
        {
            throw new ShmValidationException("a stream needs at least one pool and one stride per pool, got " +
                poolIds.length + " ids and " + strides.length + " strides");
        }
        final Set<PosixFilePermission> dirMode = fileMode.contains(PosixFilePermission.GROUP_READ) ?
            RegionPaths.GROUP_DIR_MODE : RegionPaths.PRIVATE_DIR_MODE;
        final Path epochDir = RegionPaths.epochDirectory(baseDir, namespace, producerInstanceId, epoch);
        createBaseDirectory(baseDir);
        // a fresh epoch directory (an existing one is refused), so the rollback below removes only what we made
        RegionPaths.createEpochDirectory(baseDir, epochDir, dirMode);
        final long pid = ProcessHandle.current().pid();
        final List<MappedRegion> created = new ArrayList<>();
        try
        {
            if (requireHugepages)
            {
                requireHugetlbfs(epochDir);
            }
            final MappedRegion header = MappedRegion.create(RegionPaths.headerRing(epochDir),
                RegionSpec.headerRing(streamId, epoch, nslots), fileMode, prefault, pid, nowNs);
            created.add(header);
            final List<MappedRegion> pools = new ArrayList<>();
            for (int i = 0; i < poolIds.length; i++)
            {
                final MappedRegion pool = MappedRegion.create(RegionPaths.payloadPool(epochDir, poolIds[i]),
                    RegionSpec.payloadPool(streamId, epoch, poolIds[i], nslots, strides[i]), fileMode, prefault, pid,
                    nowNs);
                created.add(pool);
                pools.add(pool);
            }
            return new StreamRegions(header, pools);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(created);
            deleteRecursively(epochDir);
            throw ex;
        }
    }

    private static void requireHugetlbfs(final Path epochDir)
    {
        try
        {
            Hugepages.verify(epochDir.toRealPath());
        }
        catch (final ShmValidationException | IOException ex)
        {
            throw new HugepagesUnavailableException(ex instanceof ShmValidationException ? ex.getMessage() :
                "cannot verify hugepage backing of " + epochDir + ": " + ex, ex);
        }
    }

        /** The layout a region owner announces for regions it created. */
    public static StreamLayout layoutOf(final StreamRegions regions, final boolean requireHugepages)
    {
        final List<PoolDescriptor> pools = new ArrayList<>();
        for (int i = 0; i < regions.poolCount(); i++)
        {
            final PayloadPool pool = regions.pool(i);
            pools.add(new PoolDescriptor(pool.poolId(), pool.nslots(), pool.strideBytes(),
                RegionUri.format(pool.region().path().toAbsolutePath().toString(), requireHugepages)));
        }
        return new StreamLayout(regions.streamId(), regions.epoch(), ShmLayout.LAYOUT_VERSION,
            regions.headerRing().nslots(),
            RegionUri.format(regions.headerRing().region().path().toAbsolutePath().toString(), requireHugepages),
            pools);
    }

    /**
     * Map every region of an announced layout after validating the layout itself, each region's path and its
     * superblock. All or nothing: on failure nothing stays mapped.
     *
     * @param writable true for a producer attached through a driver, false for consumers.
     */
    public static StreamRegions map(final StreamLayout layout, final RegionPathPolicy policy, final boolean writable)
    {
        layout.validate();
        final List<MappedRegion> mapped = new ArrayList<>();
        try
        {
            final MappedRegion header = MappedRegion.map(layout.headerRegionUri(),
                RegionSpec.headerRing(layout.streamId(), layout.epoch(), layout.headerNslots()), policy, writable);
            mapped.add(header);
            final List<MappedRegion> pools = new ArrayList<>();
            for (final PoolDescriptor pool : layout.pools())
            {
                final MappedRegion region = MappedRegion.map(pool.regionUri(), RegionSpec.payloadPool(
                    layout.streamId(), layout.epoch(), pool.poolId(), pool.nslots(), pool.strideBytes()), policy,
                    writable);
                mapped.add(region);
                pools.add(region);
            }
            return new StreamRegions(header, pools);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(mapped);
            throw ex;
        }
    }

    /** Remove an epoch directory and its files (cleanup of stale epochs, Wire §15.21a.7). */
    public static void deleteRecursively(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try
        {
            Files.walkFileTree(dir, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException exc) throws IOException
                {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot delete " + dir + ": " + ex, ex);
        }
    }

    /** The base directory itself is created when missing (default mode); everything below it by RegionPaths. */
    private static void createBaseDirectory(final Path baseDir)
    {
        try
        {
            Files.createDirectories(baseDir);
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot create shm base directory " + baseDir + ": " + ex, ex);
        }
    }
}
