package io.tensorpool.client;

import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionPaths;
import io.tensorpool.shm.ShmValidationException;
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

/**
 * Standalone mode (Wire §10.1.1): the producer owns its SHM. On open it picks an epoch above every
 * {@code epoch-<E>} directory already present for {@code <base>/<namespace>/<producer_instance_id>} (so a restart always
 * bumps the epoch, Wire §15.2), optionally removes those older epoch directories (Wire §15.21a.7), and creates the
 * header ring and pools. Activity timestamps are refreshed every announce period (Wire §15.14). On close the regions
 * are unmapped and their files removed; the empty epoch directory stays as the record of the last epoch.
 */
public final class StandaloneRegionSource implements ProducerRegionSource
{
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneRegionSource.class);

    private TensorPoolProducer.Context context;
    private StreamRegions regions;
    private StreamLayout layout;
    private Path epochDirectory;
    private long activityPeriodNs;
    private long nextActivityNs;

    @Override
    public void open(final TensorPoolProducer.Context context)
    {
        this.context = context;
        final Path instanceDir = instanceDirectory();
        final long epoch = highestEpoch(instanceDir) + 1;
        if (context.deleteStaleEpochs())
        {
            deleteEpochDirectories(instanceDir, context.streamId());
        }
        final long nowNs = context.nanoClock().nanoTime();
        create(epoch, context.headerNslots(), context.poolIds(), context.poolStrides(), nowNs);
        activityPeriodNs = context.announcePeriodNs();
        nextActivityNs = nowNs + activityPeriodNs;
    }

    @Override
    public void changeLayout(final int headerNslots, final int[] poolIds, final int[] poolStrides, final long nowNs)
    {
        if (context == null)
        {
            throw new IllegalStateException("not open");
        }
        final long epoch = Math.max(regions == null ? 0 : regions.epoch(), highestEpoch(instanceDirectory())) + 1;
        final StreamRegions oldRegions = regions;
        final Path oldDirectory = epochDirectory;
        create(epoch, headerNslots, poolIds, poolStrides, nowNs);
        // consumers still mapping the old epoch keep their mappings; the files go (Wire §15.21a.7)
        CloseHelper.quietClose(oldRegions);
        if (oldDirectory != null)
        {
            try
            {
                StreamRegionFiles.deleteRecursively(oldDirectory);
            }
            catch (final ShmValidationException ex)
            {
                LOG.warn("could not remove old epoch directory {}: {}", oldDirectory, ex.getMessage());
            }
        }
    }

    private void create(
        final long epoch, final int headerNslots, final int[] poolIds, final int[] poolStrides, final long nowNs)
    {
        final StreamRegions created = StreamRegionFiles.create(context.shmBaseDir(), context.namespace(),
            context.producerInstanceId(), context.streamId(), epoch, headerNslots, poolIds, poolStrides,
            context.groupAccess() ? MappedRegion.GROUP_FILE_MODE : MappedRegion.PRIVATE_FILE_MODE,
            context.prefault(), context.requireHugepages(), nowNs);
        regions = created;
        epochDirectory = RegionPaths.epochDirectory(instanceDirectory(), epoch);
        layout = StreamRegionFiles.layoutOf(created, context.requireHugepages());
        LOG.info("stream={} epoch={} created standalone regions in {} nslots={} pools={}",
            Integer.toUnsignedString(context.streamId()), epoch, epochDirectory, headerNslots, layout.pools());
    }

    private Path instanceDirectory()
    {
        return RegionPaths.instanceDirectory(context.shmBaseDir(), context.namespace(), context.producerInstanceId());
    }

    @Override
    public int doWork(final long nowNs)
    {
        if (regions != null && nowNs - nextActivityNs >= 0)
        {
            regions.refreshActivity(nowNs);
            nextActivityNs = nowNs + activityPeriodNs;
            return 1;
        }
        return 0;
    }

    @Override
    public StreamRegions regions()
    {
        return regions;
    }

    @Override
    public StreamLayout layout()
    {
        return layout;
    }

    @Override
    public boolean producerAnnounces()
    {
        return true;
    }

    /** The directory holding this epoch's region files, or null before open. */
    public Path epochDirectory()
    {
        return epochDirectory;
    }

    @Override
    public void close()
    {
        final StreamRegions toClose = regions;
        regions = null;
        layout = null;
        CloseHelper.quietClose(toClose);
        if (epochDirectory != null)
        {
            // remove the region files but keep the empty epoch directory: it records the epoch, so the next start
            // of this instance picks a higher one even after a clean shutdown (Wire §15.2)
            try (DirectoryStream<Path> files = Files.newDirectoryStream(epochDirectory))
            {
                for (final Path file : files)
                {
                    Files.deleteIfExists(file);
                }
            }
            catch (final IOException ex)
            {
                LOG.warn("could not remove region files in {}: {}", epochDirectory, ex.toString());
            }
        }
    }

    /** The highest {@code epoch-<E>} in {@code instanceDir}, or 0 if none. */
    static long highestEpoch(final Path instanceDir)
    {
        long highest = 0;
        if (!Files.isDirectory(instanceDir))
        {
            return highest;
        }
        try (DirectoryStream<Path> dirs =
            Files.newDirectoryStream(instanceDir, RegionPaths.EPOCH_DIRECTORY_PREFIX + "*"))
        {
            for (final Path dir : dirs)
            {
                final long epoch = RegionPaths.epochOf(dir);
                if (epoch > 0 && Long.compareUnsigned(epoch, highest) > 0)
                {
                    highest = epoch;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new ShmValidationException("cannot list epoch directories in " + instanceDir + ": " + ex, ex);
        }
        return highest;
    }

    private static void deleteEpochDirectories(final Path instanceDir, final int streamId)
    {
        if (!Files.isDirectory(instanceDir))
        {
            return;
        }
        try (DirectoryStream<Path> dirs =
            Files.newDirectoryStream(instanceDir, RegionPaths.EPOCH_DIRECTORY_PREFIX + "*"))
        {
            for (final Path dir : dirs)
            {
                if (RegionPaths.epochOf(dir) > 0)
                {
                    StreamRegionFiles.deleteRecursively(dir);
                    LOG.info("stream={} removed stale epoch directory {}", Integer.toUnsignedString(streamId), dir);
                }
            }
        }
        catch (final IOException | ShmValidationException ex)
        {
            LOG.warn("stream={} could not remove stale epoch directories in {}: {}",
                Integer.toUnsignedString(streamId), instanceDir, ex.getMessage());
        }
    }
}
