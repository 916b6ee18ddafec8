package io.tensorpool.client;

import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.ShmDriverConfiguration;
import io.tensorpool.driver.client.DriverAttachException;
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
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Driver Model mode of a producer (Driver §2.2): attaches as PRODUCER through a {@link DriverClient} on the
 * producer's control endpoint, maps the driver-owned regions writable, keeps the lease alive, and never announces
 * (the driver does, Driver §8). When the lease is lost (revoked, expired, driver shutdown) the regions are unmapped at
 * once, so {@code tryClaim} returns {@code NOT_READY}, and the client reattaches; the new lease comes with a new
 * epoch and the producer restarts at seq 0. The driver client's clientId is the producer's producerId, so the driver's
 * {@code ShmPoolAnnounce.producerId} matches the producer's own messages.
 * <p>
 * Two ways to start:
 * <ul>
 * <li>{@link #DriverRegionSource()} (what {@code Context.useDriver(true)} uses) attaches in the background: the
 * producer is constructed at once and answers {@code NOT_READY} until the first lease is mapped; refusals are
 * retried with the driver client's backoff.</li>
 * <li>{@link #DriverRegionSource(Path, long)} blocks {@link #open} (so the producer's constructor) until the first
 * lease is mapped, and fails it at once when the driver refuses the attach, for callers that must fail fast (a Flink
 * sink writer failing its task with the driver's reason).</li>
 * </ul>
 */
public final class DriverRegionSource implements ProducerRegionSource, DriverClientListener
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverRegionSource.class);
    private static final long MAX_ATTEMPT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final Path allowedBaseDir;
    private final long firstLeaseTimeoutNs;
    private DriverClient client;
    private StreamRegions regions;
    private StreamLayout layout;
    private List<Path> allowedBaseDirs;
    private boolean closed;
    private boolean awaitingFirstLease;
    private ResponseCode refusal;
    private String refusalMessage;
    private RuntimeException firstMapFailure;
    private long retryAtNs;
    private long lastNowNs;
    private long mapRetryDelayNs;

    /**
     * Attach in the background; regions must lie under the producer's {@code shmBaseDir} or the driver's default
     * base directory (whichever exist).
     */
    public DriverRegionSource()
    {
        this.allowedBaseDir = null;
        this.firstLeaseTimeoutNs = 0;
    }

    /**
     * Attach during {@link #open} and wait for the first lease.
     *
     * @param allowedBaseDir      the driver's SHM base directory: every region the driver names must lie under it.
     * @param firstLeaseTimeoutNs how long {@link #open} waits for the first lease (each attach attempt waits at most
     *                            2 s for the driver's answer within it).
     */
    public DriverRegionSource(final Path allowedBaseDir, final long firstLeaseTimeoutNs)
    {
        if (firstLeaseTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("firstLeaseTimeoutNs must be positive: " + firstLeaseTimeoutNs);
        }
        this.allowedBaseDir = Objects.requireNonNull(allowedBaseDir, "allowedBaseDir");
        this.firstLeaseTimeoutNs = firstLeaseTimeoutNs;
    }

    /**
     * Start attaching. With a first-lease timeout, return only once the first lease's regions are mapped.
     *
     * @throws DriverAttachException (first-lease timeout only) with the driver's code and message when it refused
     *                               the attach (REJECTED, INVALID_PARAMS, UNSUPPORTED), or a null code when no lease
     *                               was granted within the timeout.
     * @throws ShmValidationException (first-lease timeout only) when the granted regions cannot be mapped.
     */
    @Override
    public void open(final TensorPoolProducer.Context context)
    {
        final Set<Path> dirs = new LinkedHashSet<>();
        if (null != allowedBaseDir)
        {
            dirs.add(allowedBaseDir);
        }
        else
        {
            dirs.add(context.shmBaseDir());
            dirs.add(ShmDriverConfiguration.defaultShmBaseDir());
        }
        allowedBaseDirs = new ArrayList<>(dirs);
        mapRetryDelayNs = Math.max(context.announcePeriodNs(), 100_000_000L);
        final DriverClient.Context clientContext = new DriverClient.Context()
            .aeron(context.aeron())
            .controlChannel(context.controlChannel())
            .controlStreamId(context.controlStreamId())
            .streamId(context.streamId())
            .role(Role.PRODUCER)
            .clientId(context.producerId())
            .publishMode(PublishMode.EXISTING_OR_CREATE)
            .requireHugepages(context.requireHugepages() ? HugepagesPolicy.HUGEPAGES : HugepagesPolicy.UNSPECIFIED)
            .nanoClock(context.nanoClock())
            .listener(this);
        if (firstLeaseTimeoutNs > 0)
        {
            clientContext.attachTimeoutNs(Math.min(firstLeaseTimeoutNs, MAX_ATTEMPT_TIMEOUT_NS));
        }
        client = new DriverClient(clientContext);
        if (firstLeaseTimeoutNs > 0)
        {
            try
            {
                awaitFirstLease(context.streamId());
            }
            catch (final RuntimeException ex)
            {
                close();
                throw ex;
            }
        }
        else
        {
            client.requestAttach();
        }
    }

    private void awaitFirstLease(final int streamId)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        final long deadlineNs = System.nanoTime() + firstLeaseTimeoutNs;
        awaitingFirstLease = true;
        client.requestAttach();
        while (null == regions)
        {
            if (null != firstMapFailure)
            {
                throw firstMapFailure;
            }
            if (null != refusal)
            {
                throw new DriverAttachException("stream " + Integer.toUnsignedString(streamId) + ": the SHM driver " +
                    "refused the producer attach: " + refusal + ": " + refusalMessage, refusal);
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new DriverAttachException("stream " + Integer.toUnsignedString(streamId) + ": no producer " +
                    "lease from the SHM driver within " + TimeUnit.NANOSECONDS.toMillis(firstLeaseTimeoutNs) +
                    " ms (is a driver running on this host's control channel?); last: " + client.lastMessage(),
                    null);
            }
            idle.idle(client.doWork());
        }
        awaitingFirstLease = false;
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
            LOG.info("stream={} epoch={} producer attached through the driver lease={} nslots={} pools={}",
                Integer.toUnsignedString(attachment.streamId()), attachment.epoch(),
                Long.toUnsignedString(attachment.leaseId()), layout.headerNslots(), layout.pools());
        }
        catch (final ShmValidationException | IllegalArgumentException ex)
        {
            // Fail closed (Driver §4.7a): drop the lease and attach again (or fail a waiting open).
            LOG.warn("stream={} epoch={} cannot map driver regions: {}", Integer.toUnsignedString(
                attachment.streamId()), attachment.epoch(), ex.getMessage());
            if (awaitingFirstLease)
            {
                firstMapFailure = ex;
            }
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

    @Override
    public void onAttachFailed(final ResponseCode code, final String message)
    {
        // Only a waiting open fails on a refusal; otherwise the driver client retries with backoff.
        if (awaitingFirstLease &&
            (code == ResponseCode.REJECTED || code == ResponseCode.INVALID_PARAMS || code == ResponseCode.UNSUPPORTED))
        {
            refusal = code;
            refusalMessage = message;
        }
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
