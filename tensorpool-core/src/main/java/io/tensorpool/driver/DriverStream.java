package io.tensorpool.driver;

import io.tensorpool.shm.RegionPaths;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One stream the driver owns: its profile, current epoch and regions, the producer lease if any. Region files live in
 * {@code <base>/<namespace>/<instance_id>-stream-<id>/epoch-<E>/} (Wire §15.21a.3, the per-stream directory standing
 * in for {@code <producer_instance_id>}). Duty-cycle thread only.
 */
final class DriverStream
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverStream.class);

    final int streamId;
    final DriverProfile profile;
    final boolean dynamic;
    final String directoryName;
    final Path streamDirectory;
    DriverLease producerLease;
    int consumerCount;
    long lastEpoch;
    StreamRegions regions;
    StreamLayout layout;
    private final ArrayDeque<long[]> retiredEpochs = new ArrayDeque<>();

    DriverStream(final ShmDriver.Context ctx, final int streamId, final DriverProfile profile, final boolean dynamic)
    {
        this.streamId = streamId;
        this.profile = profile;
        this.dynamic = dynamic;
        this.directoryName = directoryName(ctx.instanceId(), streamId);
        this.streamDirectory = RegionPaths.instanceDirectory(ctx.shmBaseDir(), ctx.namespace(), directoryName);
        this.lastEpoch = maxEpochOnDisk(streamDirectory);
    }

    static String directoryName(final String instanceId, final int streamId)
    {
        return instanceId + "-stream-" + Integer.toUnsignedString(streamId);
    }

    boolean hasRegions()
    {
        return regions != null;
    }

    long epoch()
    {
        return regions == null ? -1 : regions.epoch();
    }

    int producerClientId()
    {
        return producerLease == null ? 0 : producerLease.clientId;
    }

    /**
     * Create regions for the next epoch and make them current (Driver §6); the previous epoch is unmapped and
     * retired for GC. On failure the current regions stay as they were.
     */
    void advanceEpoch(final ShmDriver.Context ctx, final long nowNs)
    {
        final long epoch = lastEpoch + 1;
        final StreamRegions created = StreamRegionFiles.create(ctx.shmBaseDir(), ctx.namespace(), directoryName,
            streamId, epoch, profile.headerNslots(), profile.poolIds(), profile.strideBytes(), ctx.fileMode(),
            ctx.prefault(), ctx.requireHugepages(), nowNs);
        lastEpoch = epoch;
        if (regions != null)
        {
            retiredEpochs.addLast(new long[]{regions.epoch(), nowNs});
            CloseHelper.quietClose(regions);
        }
        regions = created;
        layout = StreamRegionFiles.layoutOf(created, ctx.requireHugepages());
    }

    /** Refresh {@code activity_timestamp_ns} of every current region on behalf of the stream (Driver §3). */
    void refreshActivity(final long nowNs)
    {
        if (regions != null)
        {
            regions.refreshActivity(nowNs);
        }
    }

    /**
     * Remove retired epoch directories beyond the newest {@code keep - 1} retired ones (the current epoch counts as
     * one), once they are older than the minimum age (Wire §15.21a.7).
     *
     * @return directories removed.
     */
    int collectGarbage(final int keep, final long minAgeNs, final long nowNs)
    {
        int removed = 0;
        final Iterator<long[]> it = retiredEpochs.iterator();
        int excess = retiredEpochs.size() - (keep - 1);
        while (excess > 0 && it.hasNext())
        {
            final long[] retired = it.next();
            if (nowNs - retired[1] < minAgeNs)
            {
                break;
            }
            final Path dir = RegionPaths.epochDirectory(streamDirectory, retired[0]);
            try
            {
                StreamRegionFiles.deleteRecursively(dir);
                removed++;
                LOG.debug("epoch GC removed stream={} epoch={} dir={}", Integer.toUnsignedString(streamId),
                    retired[0], dir);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("epoch GC failed stream={} dir={}: {}", Integer.toUnsignedString(streamId), dir,
                    ex.getMessage());
            }
            it.remove();
            excess--;
        }
        return removed;
    }

    /** Startup GC: keep only the newest {@code keep} epoch directories left by a previous run. */
    static int collectStartupGarbage(final Path streamDirectory, final int keep)
    {
        int removed = 0;
        final long[] epochs = epochsOnDisk(streamDirectory);
        java.util.Arrays.sort(epochs);
        for (int i = 0; i < epochs.length - keep; i++)
        {
            StreamRegionFiles.deleteRecursively(RegionPaths.epochDirectory(streamDirectory, epochs[i]));
            removed++;
        }
        return removed;
    }

    void close()
    {
        CloseHelper.quietClose(regions);
        regions = null;
    }

    static long maxEpochOnDisk(final Path streamDirectory)
    {
        long max = 0;
        for (final long epoch : epochsOnDisk(streamDirectory))
        {
            max = Math.max(max, epoch);
        }
        return max;
    }

    private static long[] epochsOnDisk(final Path streamDirectory)
    {
        if (!Files.isDirectory(streamDirectory))
        {
            return new long[0];
        }
        final java.util.ArrayList<Long> epochs = new java.util.ArrayList<>();
        try (DirectoryStream<Path> entries =
            Files.newDirectoryStream(streamDirectory, RegionPaths.EPOCH_DIRECTORY_PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                final long epoch = RegionPaths.epochOf(entry);
                if (epoch > 0) // anything else is not one of ours; leave it alone
                {
                    epochs.add(epoch);
                }
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot list epoch directories in {}: {}", streamDirectory, ex.toString());
        }
        return epochs.stream().mapToLong(Long::longValue).toArray();
    }
}
