package io.tensorpool.client;

import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.ShmDriverConfiguration;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.DriverClientListener;
import io.tensorpool.driver.client.LeaseState;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Driver Model mode of a producer (Driver §2.2): attaches as PRODUCER through a {@link DriverClient} on the
 * producer's control endpoint, maps the driver-owned regions writable, keeps the lease alive, and never announces
 * (the driver does, Driver §8). When the lease is lost (revoked, expired, driver shutdown) the regions are unmapped at
 * once, so {@code tryClaim} returns {@code NOT_READY}, and the client reattaches; the new lease comes with a new
 * epoch and the producer restarts at seq 0. The driver client's clientId is the producer's producerId, so the driver's
 * {@code ShmPoolAnnounce.producerId} matches the producer's own messages.
 */
public final class DriverRegionSource implements ProducerRegionSource, DriverClientListener
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverRegionSource.class);

    private DriverClient client;
    private StreamRegions regions;
    private StreamLayout layout;
    private List<Path> allowedBaseDirs;
    private boolean closed;
    private long retryAtNs;
    private long lastNowNs;
    private long mapRetryDelayNs;

    @Override
    public void open(final TensorPoolProducer.Context context)
    {
        final Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(context.shmBaseDir());
        dirs.add(ShmDriverConfiguration.defaultShmBaseDir());
        allowedBaseDirs = new ArrayList<>(dirs);
        mapRetryDelayNs = Math.max(context.announcePeriodNs(), 100_000_000L);
        client = new DriverClient(new DriverClient.Context()
            .aeron(context.aeron())
            .controlChannel(context.controlChannel())
            .controlStreamId(context.controlStreamId())
            .streamId(context.streamId())
            .role(Role.PRODUCER)
            .clientId(context.producerId())
            .publishMode(PublishMode.EXISTING_OR_CREATE)
            .nanoClock(context.nanoClock())
            .listener(this));
        client.requestAttach();
    }

    @Override
    public int doWork(final long nowNs)
    {
        lastNowNs = nowNs;
        int work = client.doWork();
        // After a mapping failure wait before attaching again: every producer attach creates a new epoch.
        if (!closed && client.state() == LeaseState.UNATTACHED && nowNs - retryAtNs >= 0)
        {
            client.requestAttach();
            work++;
        }
        return work;
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
        return false;
    }

    /** The driver client holding this producer's lease (state, counters). */
    public DriverClient driverClient()
    {
        return client;
    }

    @Override
    public void onAttached(final DriverAttachment attachment)
    {
        unmap();
        try
        {
            regions = StreamRegionFiles.map(attachment.layout(), policy(), true);
            layout = attachment.layout();
            LOG.info("stream={} epoch={} producer attached through the driver lease={}",
                Integer.toUnsignedString(attachment.streamId()), attachment.epoch(),
                Long.toUnsignedString(attachment.leaseId()));
        }
        catch (final ShmValidationException | IllegalArgumentException ex)
        {
            // Fail closed (Driver §4.7a): drop the lease and attach again.
            LOG.warn("stream={} epoch={} cannot map driver regions: {}", Integer.toUnsignedString(
                attachment.streamId()), attachment.epoch(), ex.getMessage());
            retryAtNs = lastNowNs + mapRetryDelayNs;
            client.detach();
        }
    }

    @Override
    public void onLeaseLost(final String reason)
    {
        LOG.warn("producer lease lost: {}; publishing paused until reattached", reason);
        unmap();
    }

    private RegionPathPolicy policy()
    {
        final List<Path> existing = new ArrayList<>();
        for (final Path dir : allowedBaseDirs)
        {
            if (Files.isDirectory(dir))
            {
                existing.add(dir);
            }
        }
        return new RegionPathPolicy(existing);
    }

    private void unmap()
    {
        final StreamRegions toClose = regions;
        regions = null;
        layout = null;
        CloseHelper.quietClose(toClose);
    }

    @Override
    public void close()
    {
        closed = true;
        unmap();
        CloseHelper.quietClose(client);
    }
}
