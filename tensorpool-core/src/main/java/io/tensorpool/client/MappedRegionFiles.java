package io.tensorpool.client;

import io.tensorpool.driver.ShmDriverConfiguration;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The files behind the consumer's mapping: which directories announced regions may live in (Wire §15.21a.5) and
 * whether the files mapped are still the ones mapped, so a region truncated, replaced or removed under the mapping is
 * noticed at the liveness period instead of faulting on the next read (docs/hardening.md).
 * <p>
 * Separate from {@link TensorPoolConsumer} because it is all filesystem policy and none of it is the mapping state
 * machine: the consumer decides when to map and unmap, this class opens the regions and remembers their identity.
 * Not thread-safe; driven by the consumer's thread, never on the frame path.
 */
final class MappedRegionFiles
{
    private final TensorPoolConsumer.Context ctx;
    private final boolean driverMode;
    // built at map time, not at construction: base directories may be created later by a producer or the driver
    private RegionPathPolicy pathPolicy;

    // identity (file key) and mapped size of every region file of the current mapping, header ring first
    private Path[] files = new Path[0];
    private Object[] fileKeys = new Object[0];
    private long[] fileSizes = new long[0];

    MappedRegionFiles(final TensorPoolConsumer.Context ctx, final boolean driverMode)
    {
        this.ctx = ctx;
        this.driverMode = driverMode;
    }

    /**
     * Map every region of the layout read-only under the path policy and remember each file's identity.
     *
     * @throws ShmValidationException   if a region's path, file or superblock is not acceptable.
     * @throws IllegalArgumentException if the layout itself is not.
     */
    StreamRegions map(final StreamLayout layout)
    {
        if (pathPolicy == null)
        {
            pathPolicy = driverMode ? driverPathPolicy() : new RegionPathPolicy(ctx.allowedBaseDirs());
        }
        final StreamRegions mapped = StreamRegionFiles.map(layout, pathPolicy, false);
        record(mapped);
        return mapped;
    }

    /** A new driver lease: build the path policy again, the driver may have created its base directory since. */
    void newLease()
    {
        pathPolicy = null;
    }

    /** The mapping is gone: nothing to check until the next {@link #map}. */
    void forget()
    {
        files = new Path[0];
    }

    /** Each mapped file is still the same inode and at least as large as mapped; true when nothing is mapped. */
    boolean intact()
    {
        for (int i = 0; i < files.length; i++)
        {
            try
            {
                final BasicFileAttributes attrs = Files.readAttributes(files[i], BasicFileAttributes.class);
                if (attrs.size() < fileSizes[i] || (fileKeys[i] != null && !fileKeys[i].equals(attrs.fileKey())))
                {
                    return false;
                }
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
        return true;
    }

    /** Allowed base dirs that exist now, plus the driver's default base dir (driver mode only). */
    private RegionPathPolicy driverPathPolicy()
    {
        final List<Path> existing = new ArrayList<>();
        final LinkedHashSet<Path> candidates = new LinkedHashSet<>(ctx.allowedBaseDirs());
        candidates.add(ShmDriverConfiguration.defaultShmBaseDir());
        for (final Path dir : candidates)
        {
            if (Files.isDirectory(dir))
            {
                existing.add(dir);
            }
        }
        return new RegionPathPolicy(existing);
    }

    private void record(final StreamRegions mapped)
    {
        final int count = 1 + mapped.poolCount();
        files = new Path[count];
        fileKeys = new Object[count];
        fileSizes = new long[count];
        for (int i = 0; i < count; i++)
        {
            final MappedRegion region = i == 0 ? mapped.headerRing().region() : mapped.pool(i - 1).region();
            files[i] = region.path();
            fileSizes[i] = region.spec().fileSize();
            fileKeys[i] = fileKey(region.path());
        }
    }

    // null where the filesystem has no file keys: then only the size is checked
    private static Object fileKey(final Path path)
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
