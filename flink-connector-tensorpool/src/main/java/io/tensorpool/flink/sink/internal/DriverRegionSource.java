package io.tensorpool.flink.sink.internal;

import io.tensorpool.client.ProducerRegionSource;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.client.DriverAttachException;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.DriverClientListener;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Producer regions leased from the SHM driver on this host (Driver Model §4): attaches as the stream's exclusive
 * producer with {@code EXISTING_OR_CREATE}, maps the regions the driver created (writable, paths contained in the
 * allowed base directory), keeps the lease alive from the producer's duty cycle, and on a lost lease stops using the
 * regions at once and maps the new epoch when the client re-attaches. The driver announces the regions.
 *
 * <p>{@link #open} blocks until the first lease is granted: a refusal (REJECTED, INVALID_PARAMS, UNSUPPORTED) fails
 * immediately with the driver's message; anything else is retried until the attach timeout.
 */
@Internal
public final class DriverRegionSource implements ProducerRegionSource, DriverClientListener
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverRegionSource.class);

    private final Path allowedBaseDir;
    private final Duration attachTimeout;
    private DriverClient client;
    private RegionPathPolicy policy;
    private StreamRegions regions;
    private StreamLayout layout;
    private DriverAttachment granted;
    private ResponseCode refusal;
    private String refusalMessage;
    private boolean leaseLost;
    private int streamId;

    /**
     * @param allowedBaseDir the driver's SHM base directory: every announced region must lie under it.
     * @param attachTimeout  how long {@link #open} waits for the first lease.
     */
    public DriverRegionSource(final Path allowedBaseDir, final Duration attachTimeout)
    {
        this.allowedBaseDir = allowedBaseDir;
        this.attachTimeout = attachTimeout;
    }

    /**
     * Attach and map.
     *
     * @throws DriverAttachException with the driver's code and message when refused, or a null code when no lease
     *                               was granted within the timeout.
     */
    @Override
    public void open(final TensorPoolProducer.Context context)
    {
        streamId = context.streamId();
        policy = RegionPathPolicy.of(allowedBaseDir);
        client = new DriverClient(new DriverClient.Context()
            .aeron(context.aeron())
            .controlChannel(context.controlChannel())
            .controlStreamId(context.controlStreamId())
            .streamId(streamId)
            .role(Role.PRODUCER)
            .clientId(context.producerId())
            .publishMode(PublishMode.EXISTING_OR_CREATE)
            .attachTimeoutNs(Math.min(attachTimeout.toNanos(), TimeUnit.SECONDS.toNanos(2)))
            .listener(this));
        try
        {
            awaitFirstLease();
            mapGranted();
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private void awaitFirstLease()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        final long deadline = System.nanoTime() + attachTimeout.toNanos();
        client.requestAttach();
        while (null == granted)
        {
            if (null != refusal)
            {
                throw new DriverAttachException("stream " + Integer.toUnsignedString(streamId) + ": the SHM driver " +
                    "refused the producer attach: " + refusal + ": " + refusalMessage, refusal);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new DriverAttachException("stream " + Integer.toUnsignedString(streamId) + ": no producer " +
                    "lease from the SHM driver within " + attachTimeout.toMillis() + " ms (is a driver running on " +
                    "this host's control channel?); last: " + client.lastMessage(), null);
            }
            idle.idle(client.doWork());
        }
    }

    private void mapGranted()
    {
        final DriverAttachment attachment = granted;
        granted = null;
        regions = StreamRegionFiles.map(attachment.layout(), policy, true);
        layout = attachment.layout();
        LOG.info("producer lease stream={} epoch={} lease={} nslots={} pools={}", Integer.toUnsignedString(streamId),
            Long.toUnsignedString(layout.epoch()), Long.toUnsignedString(attachment.leaseId()),
            layout.headerNslots(), layout.pools());
    }

    private void unmap()
    {
        CloseHelper.quietClose(regions);
        regions = null;
        layout = null;
    }

    @Override
    public int doWork(final long nowNs)
    {
        int work = client.doWork();
        if (leaseLost)
        {
            leaseLost = false;
            unmap();
            work++;
        }
        if (null != granted)
        {
            unmap();
            mapGranted();
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

    /** The driver is the authoritative announcer of driver-created regions (Driver §4.10). */
    @Override
    public boolean producerAnnounces()
    {
        return false;
    }

    /** Detach and unmap. */
    @Override
    public void close()
    {
        CloseHelper.quietClose(client);
        unmap();
    }

    @Override
    public void onAttached(final DriverAttachment attachment)
    {
        granted = attachment;
    }

    @Override
    public void onLeaseLost(final String reason)
    {
        LOG.warn("producer lease lost stream={}: {}; frames are dropped until the driver grants a new epoch",
            Integer.toUnsignedString(streamId), reason);
        leaseLost = true;
        granted = null;
    }

    @Override
    public void onAttachFailed(final ResponseCode code, final String message)
    {
        if (code == ResponseCode.REJECTED || code == ResponseCode.INVALID_PARAMS || code == ResponseCode.UNSUPPORTED)
        {
            refusal = code;
            refusalMessage = message;
        }
    }
}
