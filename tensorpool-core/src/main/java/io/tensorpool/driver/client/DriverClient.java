package io.tensorpool.driver.client;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.tensorpool.client.LoggingAeronClients;
import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.driver.DriverEndpointContext;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamLayout;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Holds one lease (one stream, one role) from an SHM driver (Driver §4): attaches with a timeout and retries with
 * exponential backoff, validates every attach response (Driver §4.2, §4.7a: a bad OK response is a protocol error,
 * dropped and retried), sends keepalives, follows revocations, epoch changes and driver shutdown, and detaches on
 * {@link #close()}. State machine of Driver §4.12.1, see {@link LeaseState}.
 * <p>
 * Non-blocking: call {@link #doWork()} from an agent or the caller's loop; {@link #attach(Duration)} is a blocking
 * convenience that drives the duty cycle itself. Not thread-safe: one thread drives a client. Listener callbacks run
 * inside {@code doWork()}.
 */
public final class DriverClient implements Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverClient.class);
    private static final int FRAGMENT_LIMIT = 16;

    private final Context ctx;
    private final NanoClock clock;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final Publication publication;
    private final Subscription controlSubscription;
    private final Subscription announceSubscription;
    private final FragmentAssembler controlAssembler;
    private final FragmentAssembler announceAssembler;
    private final DriverEventPoller eventPoller;
    private final PoolAnnouncePoller announcePoller;
    private final DriverRequestEncoder encoder = new DriverRequestEncoder();
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[256]);
    private final int clientId;

    private LeaseState state = LeaseState.UNATTACHED;
    private DriverAttachment attachment;
    private StreamLayout latestAnnounced;
    private long nextCorrelationId;
    private long pendingCorrelationId;
    private boolean requestSent;
    private long attachDeadlineNs;
    private long backoffNs;
    private long nextAttemptNs;
    private long keepaliveIntervalNs;
    private long leaseDurationNs;
    private long nextKeepaliveNs;
    private long leaseDeadlineNs;
    private boolean awaitingEpoch;
    private long epochDeadlineNs;
    private long detachCorrelationId;
    private long detachDeadlineNs;
    private ResponseCode lastCode;
    private String lastMessage = "no attach attempted yet";
    private long protocolErrors;
    private long attachAttempts;
    private long keepalivesSent;

    /**
     * Open the control (and announce) streams. Does not attach: call {@link #requestAttach()} or
     * {@link #attach(Duration)}.
     */
    public DriverClient(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.clock = ctx.nanoClock();
        this.clientId = ctx.clientId();
        Aeron client = ctx.aeron();
        Publication pub = null;
        Subscription control = null;
        Subscription announce = null;
        final boolean owns = client == null;
        try
        {
            if (owns)
            {
                client = LoggingAeronClients.connect(ctx.aeronDirectoryName(), "driver client");
            }
            pub = client.addPublication(ctx.controlChannel(), ctx.controlStreamId());
            control = client.addSubscription(ctx.controlChannel(), ctx.controlStreamId());
            announce = sharedAnnounceStream(ctx) ? null :
                client.addSubscription(ctx.announceChannel(), ctx.announceStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(announce, control, pub);
            if (owns)
            {
                CloseHelper.quietClose(client);
            }
            throw ex;
        }
        this.aeron = client;
        this.ownsAeron = owns;
        this.publication = pub;
        this.controlSubscription = control;
        this.announceSubscription = announce;
        this.eventPoller = new DriverEventPoller(new EventListener());
        this.announcePoller = new PoolAnnouncePoller(ctx.streamId() & 0xFFFF_FFFFL, this::onPoolAnnounce, clock,
            ctx.announceFreshnessNs());
        final FragmentHandler both = (buffer, offset, length, header) ->
        {
            eventPoller.onFragment(buffer, offset, length, header);
            announcePoller.onFragment(buffer, offset, length, header);
        };
        this.controlAssembler = new FragmentAssembler(announce == null ? both : eventPoller);
        this.announceAssembler = announce == null ? null : new FragmentAssembler(announcePoller);
        this.nextCorrelationId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        this.backoffNs = ctx.backoffInitialNs();
    }

    private static boolean sharedAnnounceStream(final Context ctx)
    {
        return ctx.announceChannel().equals(ctx.controlChannel()) && ctx.announceStreamId() == ctx.controlStreamId();
    }

    /** Start attaching (from {@link LeaseState#UNATTACHED}); progress happens in {@link #doWork()}. */
    public void requestAttach()
    {
        if (state == LeaseState.UNATTACHED)
        {
            pendingCorrelationId = nextCorrelationId++;
            toAttaching();
        }
    }

    /**
     * Attach and wait, driving {@link #doWork()} on this thread, retrying with backoff until the deadline.
     *
     * @return the granted attachment.
     * @throws DriverAttachException with the last refusal if no lease was granted in time.
     */
    public DriverAttachment attach(final Duration timeout)
    {
        requestAttach();
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 200_000);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (state != LeaseState.ATTACHED)
        {
            if (state == LeaseState.CLOSED || state == LeaseState.UNATTACHED)
            {
                throw new DriverAttachException("attach stopped in state " + state + ": " + lastMessage, lastCode);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new DriverAttachException("no lease for stream " + Integer.toUnsignedString(ctx.streamId()) +
                    " role " + ctx.role() + " within " + timeout.toMillis() + " ms; last: " + lastMessage, lastCode);
            }
            idle.idle(doWork());
        }
        return attachment;
    }

    /**
     * One duty cycle: poll driver messages and announces, send the attach request or keepalive when due, handle
     * timeouts and backoff.
     *
     * @return work done, 0 when idle.
     */
    @Override
    public int doWork()
    {
        if (state == LeaseState.CLOSED)
        {
            return 0;
        }
        LoggingAeronClients.requireOpen(aeron, "driver client", ctx.streamId());
        int work = controlSubscription.poll(controlAssembler, FRAGMENT_LIMIT);
        if (announceSubscription != null)
        {
            work += announceSubscription.poll(announceAssembler, FRAGMENT_LIMIT);
        }
        final long nowNs = clock.nanoTime();
        switch (state)
        {
            case ATTACHING:
                work += attachingWork(nowNs);
                break;
            case BACKOFF:
                if (nowNs - nextAttemptNs >= 0)
                {
                    toAttaching();
                    work++;
                }
                break;
            case ATTACHED:
                work += attachedWork(nowNs);
                break;
            case DETACHING:
                if (nowNs - detachDeadlineNs >= 0)
                {
                    state = LeaseState.UNATTACHED;
                    work++;
                }
                break;
            default:
                break;
        }
        return work;
    }

    private int attachingWork(final long nowNs)
    {
        if (!requestSent)
        {
            attachAttempts++;
            final int length = encoder.attachRequest(sendBuffer, 0, pendingCorrelationId, ctx.streamId(), clientId,
                ctx.role(), ctx.expectedLayoutVersion(), ctx.publishMode(), ctx.requireHugepages());
            final long result = publication.offer(sendBuffer, 0, length);
            if (result > 0)
            {
                requestSent = true;
                attachDeadlineNs = nowNs + ctx.attachTimeoutNs();
                return 1;
            }
            if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                return 0;
            }
            // Same correlationId on retry: if the driver did see it, it answers with the same lease.
            attachFailed(null, "driver control stream " + ctx.controlChannel() + ":" + ctx.controlStreamId() +
                " not reachable (offer=" + result + ")", false);
            return 1;
        }
        if (nowNs - attachDeadlineNs >= 0)
        {
            attachFailed(null, "no ShmAttachResponse within " +
                TimeUnit.NANOSECONDS.toMillis(ctx.attachTimeoutNs()) + " ms", false);
            return 1;
        }
        return 0;
    }

    private int attachedWork(final long nowNs)
    {
        int work = 0;
        if (nowNs - nextKeepaliveNs >= 0)
        {
            final int length = encoder.keepalive(sendBuffer, 0, attachment.leaseId(), ctx.streamId(), clientId,
                ctx.role(), nowNs);
            final long result = publication.offer(sendBuffer, 0, length);
            if (result > 0)
            {
                keepalivesSent++;
                nextKeepaliveNs = nowNs + keepaliveIntervalNs;
                leaseDeadlineNs = nowNs + leaseDurationNs;
                work++;
            }
            else if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED ||
                result == Publication.MAX_POSITION_EXCEEDED)
            {
                // Driver §4.4: a keepalive send failure is fatal for the lease.
                loseLease("keepalive could not be sent (offer=" + result + ")", false);
                return 1;
            }
        }
        if (nowNs - leaseDeadlineNs > 0)
        {
            loseLease("lease deadline passed without a keepalive reaching the driver", false);
            return 1;
        }
        if (awaitingEpoch && nowNs - epochDeadlineNs > 0)
        {
            awaitingEpoch = false;
            loseLease("no epoch-bumped ShmPoolAnnounce within " +
                TimeUnit.NANOSECONDS.toMillis(ctx.epochWaitTimeoutNs()) + " ms after the producer's lease ended",
                true);
            return 1;
        }
        return work;
    }

    private void toAttaching()
    {
        state = LeaseState.ATTACHING;
        requestSent = false;
    }

    private void attachFailed(final ResponseCode code, final String message, final boolean newCorrelationId)
    {
        lastCode = code;
        lastMessage = code == null ? message : code + ": " + message;
        if (newCorrelationId)
        {
            pendingCorrelationId = nextCorrelationId++;
        }
        LOG.debug("attach failed stream={} role={} client={}: {}", Integer.toUnsignedString(ctx.streamId()),
            ctx.role(), Integer.toUnsignedString(clientId), lastMessage);
        toBackoff();
        ctx.listener().onAttachFailed(code, message);
    }

    private void toBackoff()
    {
        state = LeaseState.BACKOFF;
        nextAttemptNs = clock.nanoTime() + backoffNs;
        backoffNs = Math.min(backoffNs * 2, ctx.backoffMaxNs());
    }

    /** Own lease gone: forget it, tell the owner, reattach after backoff (or stop if closed/auto-reattach off). */
    private void loseLease(final String reason, final boolean sendDetach)
    {
        final DriverAttachment lost = attachment;
        attachment = null;
        awaitingEpoch = false;
        lastCode = null;
        lastMessage = reason;
        if (sendDetach && lost != null)
        {
            sendDetach(lost.leaseId());
        }
        LOG.info("lease lost stream={} role={} client={}: {}", Integer.toUnsignedString(ctx.streamId()), ctx.role(),
            Integer.toUnsignedString(clientId), reason);
        pendingCorrelationId = nextCorrelationId++;
        if (ctx.autoReattach())
        {
            backoffNs = ctx.backoffInitialNs();
            toBackoff();
        }
        else
        {
            state = LeaseState.UNATTACHED;
        }
        ctx.listener().onLeaseLost(reason);
    }

    private boolean sendDetach(final long leaseId)
    {
        detachCorrelationId = nextCorrelationId++;
        final int length = encoder.detachRequest(sendBuffer, 0, detachCorrelationId, leaseId, ctx.streamId(),
            clientId, ctx.role());
        return publication.offer(sendBuffer, 0, length) > 0;
    }

    private void onAttachResponse(final ShmAttachResponseDecoder response)
    {
        if (state != LeaseState.ATTACHING || !requestSent || response.correlationId() != pendingCorrelationId)
        {
            return;
        }
        final ResponseCode code = DriverEventPoller.responseCode(response.codeRaw());
        if (code == null)
        {
            protocolError("unknown response code " + response.codeRaw(), response.leaseId());
            return;
        }
        if (code != ResponseCode.OK)
        {
            final ShmAttachResponseDecoder.PayloadPoolsDecoder group = response.payloadPools();
            while (group.hasNext())
            {
                group.next().skipRegionUri();
            }
            response.skipHeaderRegionUri();
            final String message =
                DriverEventPoller.text(response.errorMessageLength(), response.buffer(), response.limit());
            attachFailed(code, message, true);
            return;
        }
        final String invalid = validateOk(response);
        if (invalid != null)
        {
            protocolError(invalid, response.leaseId());
            return;
        }
        final long nowNs = clock.nanoTime();
        final long expiry = response.leaseExpiryTimestampNs();
        final boolean hasExpiry = expiry != ShmAttachResponseDecoder.leaseExpiryTimestampNsNullValue();
        attachment = new DriverAttachment(response.leaseId(), clientId, ctx.role(), decodedLayout,
            hasExpiry ? expiry : DriverAttachment.NO_EXPIRY);
        decodedLayout = null;
        leaseDurationNs = hasExpiry ? Math.max(expiry - nowNs, TimeUnit.MILLISECONDS.toNanos(1)) :
            ctx.keepaliveIntervalNs() * 3;
        keepaliveIntervalNs = Math.max(1, Math.min(ctx.keepaliveIntervalNs(), leaseDurationNs / 2));
        nextKeepaliveNs = nowNs + keepaliveIntervalNs;
        leaseDeadlineNs = nowNs + leaseDurationNs;
        backoffNs = ctx.backoffInitialNs();
        lastCode = ResponseCode.OK;
        lastMessage = "attached";
        state = LeaseState.ATTACHED;
        LOG.debug("attached {}", attachment);
        ctx.listener().onAttached(attachment);
        final StreamLayout announced = latestAnnounced;
        if (state == LeaseState.ATTACHED && ctx.role() == Role.CONSUMER && announced != null &&
            Long.compareUnsigned(announced.epoch(), attachment.epoch()) > 0)
        {
            onNewEpoch(announced);
        }
    }

    private StreamLayout decodedLayout;

    /** Driver §4.2 checks on an OK response; on success leaves the layout in {@link #decodedLayout}. */
    private String validateOk(final ShmAttachResponseDecoder r)
    {
        if (r.leaseId() == ShmAttachResponseDecoder.leaseIdNullValue())
        {
            return "OK response with null leaseId";
        }
        if (r.streamId() == ShmAttachResponseDecoder.streamIdNullValue())
        {
            return "OK response with null streamId";
        }
        if ((int)r.streamId() != ctx.streamId())
        {
            return "OK response for stream " + r.streamId() + ", requested " +
                Integer.toUnsignedString(ctx.streamId());
        }
        if (r.epoch() == ShmAttachResponseDecoder.epochNullValue())
        {
            return "OK response with null epoch";
        }
        if (r.layoutVersion() == ShmAttachResponseDecoder.layoutVersionNullValue())
        {
            return "OK response with null layoutVersion";
        }
        if (r.headerNslots() == ShmAttachResponseDecoder.headerNslotsNullValue())
        {
            return "OK response with null headerNslots";
        }
        if (r.headerSlotBytes() != ShmLayout.HEADER_SLOT_BYTES)
        {
            return "OK response with headerSlotBytes " + r.headerSlotBytes() + " (must be 256)";
        }
        if (r.maxDims() != ShmLayout.MAX_DIMS)
        {
            return "OK response with maxDims " + r.maxDims() + " (must be " + ShmLayout.MAX_DIMS + ")";
        }
        final ShmAttachResponseDecoder.PayloadPoolsDecoder group = r.payloadPools();
        if (group.count() == 0)
        {
            return "OK response with no payload pools";
        }
        final long headerNslots = r.headerNslots();
        final List<PoolDescriptor> pools = new ArrayList<>(group.count());
        String problem = null;
        while (group.hasNext())
        {
            group.next();
            final int poolId = group.poolId();
            final long nslots = group.poolNslots();
            final long stride = group.strideBytes();
            final String uri = uri(group.regionUriLength(), r);
            group.skipRegionUri();
            if (problem == null)
            {
                if (nslots != headerNslots)
                {
                    problem = "pool " + poolId + " nslots " + nslots + " != headerNslots " + headerNslots;
                }
                else if (uri == null)
                {
                    problem = "pool " + poolId + " regionUri empty, blank or too long";
                }
                else
                {
                    pools.add(new PoolDescriptor(poolId, (int)nslots, (int)stride, uri));
                }
            }
        }
        final String headerUri = uri(r.headerRegionUriLength(), r);
        if (problem != null)
        {
            return "OK response: " + problem;
        }
        if (headerUri == null)
        {
            return "OK response with empty, blank or too long headerRegionUri";
        }
        final StreamLayout layout = new StreamLayout((int)r.streamId(), r.epoch(), (int)r.layoutVersion(),
            (int)headerNslots, headerUri, pools);
        try
        {
            layout.validate();
        }
        catch (final ShmValidationException ex)
        {
            return "OK response with an invalid layout: " + ex.getMessage();
        }
        decodedLayout = layout;
        return null;
    }

    /** The var-data URI at the decoder's limit, or null if empty, blank or longer than Wire allows. */
    private static String uri(final int length, final ShmAttachResponseDecoder r)
    {
        if (length <= 0 || length > RegionUri.MAX_LENGTH)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        r.buffer().getBytes(r.limit() + 4, bytes);
        final String text = new String(bytes, StandardCharsets.US_ASCII);
        return text.isBlank() ? null : text;
    }

    private void protocolError(final String problem, final long leaseId)
    {
        protocolErrors++;
        LOG.warn("attach response rejected stream={} role={}: protocol error: {}",
            Integer.toUnsignedString(ctx.streamId()), ctx.role(), problem);
        if (leaseId != ShmAttachResponseDecoder.leaseIdNullValue())
        {
            // Drop the attach (Driver §4.7a) and free our clientId at the driver.
            sendDetach(leaseId);
        }
        attachFailed(null, "protocol error: " + problem, true);
    }

    private void onPoolAnnounce(final StreamLayout layout, final int producerId, final long timestampNs)
    {
        if (latestAnnounced == null || Long.compareUnsigned(layout.epoch(), latestAnnounced.epoch()) >= 0)
        {
            latestAnnounced = layout;
        }
        if (state == LeaseState.ATTACHED && Long.compareUnsigned(layout.epoch(), attachment.epoch()) > 0)
        {
            onNewEpoch(layout);
        }
    }

    private void onNewEpoch(final StreamLayout layout)
    {
        if (ctx.role() == Role.PRODUCER)
        {
            // Only the end of our own lease moves the epoch past ours: we missed the revocation; fail closed.
            loseLease("stream moved to epoch " + Long.toUnsignedString(layout.epoch()) + " beyond this producer's " +
                "epoch " + Long.toUnsignedString(attachment.epoch()), false);
            return;
        }
        awaitingEpoch = false;
        attachment = attachment.withLayout(layout);
        LOG.debug("epoch change {}", attachment);
        ctx.listener().onLayoutChanged(attachment);
    }

    private final class EventListener implements DriverEventListener
    {
        @Override
        public void onAttachResponse(final ShmAttachResponseDecoder response)
        {
            DriverClient.this.onAttachResponse(response);
        }

        @Override
        public void onDetachResponse(final long correlationId, final ResponseCode code, final String errorMessage)
        {
            if (state == LeaseState.DETACHING && correlationId == detachCorrelationId)
            {
                state = LeaseState.UNATTACHED;
            }
        }

        @Override
        public void onLeaseRevoked(
            final long timestampNs,
            final long leaseId,
            final int streamId,
            final int revokedClientId,
            final Role role,
            final LeaseRevokeReason reason,
            final String errorMessage)
        {
            if (attachment != null && leaseId == attachment.leaseId())
            {
                if (state == LeaseState.ATTACHED)
                {
                    loseLease("lease " + Long.toUnsignedString(leaseId) + " " + reason + ": " + errorMessage, false);
                }
                return;
            }
            if (state == LeaseState.ATTACHED && ctx.role() == Role.CONSUMER && role == Role.PRODUCER &&
                streamId == ctx.streamId())
            {
                awaitingEpoch = true;
                epochDeadlineNs = clock.nanoTime() + ctx.epochWaitTimeoutNs();
                ctx.listener().onProducerRevoked(streamId, leaseId);
            }
        }

        @Override
        public void onDriverShutdown(final long timestampNs, final ShutdownReason reason, final String errorMessage)
        {
            ctx.listener().onDriverShutdown(reason, errorMessage);
            if (state == LeaseState.ATTACHED)
            {
                loseLease("driver shutdown (" + reason + "): " + errorMessage, false);
            }
            else if (state == LeaseState.DETACHING)
            {
                state = LeaseState.UNATTACHED;
            }
            else if (state == LeaseState.ATTACHING)
            {
                attachFailed(null, "driver shutdown (" + reason + ")", true);
            }
        }
    }

    /**
     * Detach (best effort, Driver §4.9): sends {@code ShmDetachRequest} and moves to DETACHING; the response (or the
     * attach timeout) moves to UNATTACHED. Stops any attach in progress.
     */
    public void detach()
    {
        if (state == LeaseState.ATTACHED)
        {
            final long leaseId = attachment.leaseId();
            attachment = null;
            awaitingEpoch = false;
            sendDetach(leaseId);
            state = LeaseState.DETACHING;
            detachDeadlineNs = clock.nanoTime() + ctx.attachTimeoutNs();
        }
        else if (state == LeaseState.ATTACHING || state == LeaseState.BACKOFF)
        {
            state = LeaseState.UNATTACHED;
        }
    }

    /** Detach if attached (waiting briefly for the response), then release the streams (and Aeron if owned). */
    @Override
    public void close()
    {
        if (state == LeaseState.CLOSED)
        {
            return;
        }
        try
        {
            detach();
            final long deadline = System.nanoTime() + Math.min(ctx.attachTimeoutNs(), TimeUnit.SECONDS.toNanos(1));
            while (state == LeaseState.DETACHING && System.nanoTime() - deadline < 0)
            {
                if (doWork() == 0)
                {
                    Thread.onSpinWait();
                    Thread.yield();
                }
            }
        }
        finally
        {
            state = LeaseState.CLOSED;
            attachment = null;
            if (ownsAeron)
            {
                CloseHelper.closeAll(aeron);
            }
            else
            {
                CloseHelper.closeAll(announceSubscription, controlSubscription, publication);
            }
        }
    }

    @Override
    public void onClose()
    {
        close();
    }

    @Override
    public String roleName()
    {
        return "tensorpool-driver-client-" + Integer.toUnsignedString(clientId);
    }

    public LeaseState state()
    {
        return state;
    }

    /** The current lease and layout, or null when not attached. */
    public DriverAttachment attachment()
    {
        return attachment;
    }

    /** This client's id (unique per lease holder; the driver allows one active lease per clientId, Driver §4.8). */
    public int clientId()
    {
        return clientId;
    }

    /** The last refusal code, or null. */
    public ResponseCode lastCode()
    {
        return lastCode;
    }

    /** Description of the last failure or state change. */
    public String lastMessage()
    {
        return lastMessage;
    }

    /** Attach responses dropped as protocol errors (Driver §4.7a). */
    public long protocolErrors()
    {
        return protocolErrors;
    }

    public long attachAttempts()
    {
        return attachAttempts;
    }

    public long keepalivesSent()
    {
        return keepalivesSent;
    }

    /** Driver messages rejected by the event poller (unknown role/reason, wrong block length). */
    public long malformedEvents()
    {
        return eventPoller.malformedCount() + announcePoller.malformedCount();
    }

    public Context context()
    {
        return ctx;
    }

    /** Configuration of a {@link DriverClient}; fluent, validated once by {@link #conclude()}. */
    public static final class Context extends DriverEndpointContext<Context>
    {
        private boolean concluded;
        private int streamId;
        private boolean streamIdSet;
        private Role role;
        private int clientId;
        private PublishMode publishMode;
        private HugepagesPolicy requireHugepages = HugepagesPolicy.UNSPECIFIED;
        private int expectedLayoutVersion;
        private long attachTimeoutNs = TimeUnit.SECONDS.toNanos(2);
        private long keepaliveIntervalNs = TimeUnit.SECONDS.toNanos(1);
        private long backoffInitialNs = TimeUnit.MILLISECONDS.toNanos(50);
        private long backoffMaxNs = TimeUnit.SECONDS.toNanos(2);
        private long epochWaitTimeoutNs = TimeUnit.SECONDS.toNanos(3);
        private long announceFreshnessNs = TimeUnit.SECONDS.toNanos(3);
        private boolean autoReattach = true;
        private DriverClientListener listener = new DriverClientListener()
        {
        };

        /** A context with the default control endpoint ({@link DefaultEndpoints}). */
        public Context()
        {
            super(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
        }

        /**
         * Validate and fill defaults (random non-zero clientId, announce stream = control stream); idempotent.
         *
         * @throws IllegalArgumentException naming the setting that is missing or invalid.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (!streamIdSet)
            {
                throw new IllegalArgumentException("DriverClient.Context: streamId is required");
            }
            if (role == null || role == Role.NULL_VAL)
            {
                throw new IllegalArgumentException("DriverClient.Context: role must be PRODUCER or CONSUMER");
            }
            if (requireHugepages == null || requireHugepages == HugepagesPolicy.NULL_VAL)
            {
                throw new IllegalArgumentException("DriverClient.Context: requireHugepages must be a defined policy");
            }
            if (publishMode == PublishMode.NULL_VAL)
            {
                publishMode = null;
            }
            if (clientId == 0)
            {
                int id = 0;
                while (id == 0)
                {
                    id = ThreadLocalRandom.current().nextInt();
                }
                clientId = id;
            }
            defaultAnnounceEndpoint();
            if (attachTimeoutNs <= 0 || keepaliveIntervalNs <= 0 || backoffInitialNs <= 0 ||
                backoffMaxNs < backoffInitialNs || epochWaitTimeoutNs <= 0 || announceFreshnessNs <= 0)
            {
                throw new IllegalArgumentException("DriverClient.Context: timeouts must be positive and backoffMax >= " +
                    "backoffInitial (attachTimeoutNs=" + attachTimeoutNs + " keepaliveIntervalNs=" +
                    keepaliveIntervalNs + " backoffInitialNs=" + backoffInitialNs + " backoffMaxNs=" + backoffMaxNs +
                    ")");
            }
            Objects.requireNonNull(nanoClock(), "nanoClock");
            Objects.requireNonNull(listener, "listener");
            concluded = true;
            return this;
        }

        /** The data stream to attach to (required). */
        public int streamId()
        {
            return streamId;
        }

        public Context streamId(final int streamId)
        {
            this.streamId = streamId;
            this.streamIdSet = true;
            return this;
        }

        /** PRODUCER or CONSUMER (required). */
        public Role role()
        {
            return role;
        }

        public Context role(final Role role)
        {
            this.role = role;
            return this;
        }

        /** Non-zero client id; 0 (default) picks a random one. One active lease per clientId at the driver. */
        public int clientId()
        {
            return clientId;
        }

        public Context clientId(final int clientId)
        {
            this.clientId = clientId;
            return this;
        }

        /** REQUIRE_EXISTING, EXISTING_OR_CREATE, or null to leave it absent (driver applies REQUIRE_EXISTING). */
        public PublishMode publishMode()
        {
            return publishMode;
        }

        public Context publishMode(final PublishMode publishMode)
        {
            this.publishMode = publishMode;
            return this;
        }

        public HugepagesPolicy requireHugepages()
        {
            return requireHugepages;
        }

        public Context requireHugepages(final HugepagesPolicy requireHugepages)
        {
            this.requireHugepages = requireHugepages;
            return this;
        }

        /** 0 (default) accepts the driver's layout version. */
        public int expectedLayoutVersion()
        {
            return expectedLayoutVersion;
        }

        public Context expectedLayoutVersion(final int expectedLayoutVersion)
        {
            this.expectedLayoutVersion = expectedLayoutVersion;
            return this;
        }

        /** How long to wait for an attach (and detach) response before retrying. Default 2 s. */
        public long attachTimeoutNs()
        {
            return attachTimeoutNs;
        }

        public Context attachTimeoutNs(final long attachTimeoutNs)
        {
            this.attachTimeoutNs = attachTimeoutNs;
            return this;
        }

        /** Keepalive cadence (Driver §4.4; default 1 s), shortened to half the granted lease if that is shorter. */
        public long keepaliveIntervalNs()
        {
            return keepaliveIntervalNs;
        }

        public Context keepaliveIntervalNs(final long keepaliveIntervalNs)
        {
            this.keepaliveIntervalNs = keepaliveIntervalNs;
            return this;
        }

        /** First retry delay (default 50 ms), doubled per failure up to {@link #backoffMaxNs()} (default 2 s). */
        public long backoffInitialNs()
        {
            return backoffInitialNs;
        }

        public Context backoffInitialNs(final long backoffInitialNs)
        {
            this.backoffInitialNs = backoffInitialNs;
            return this;
        }

        public long backoffMaxNs()
        {
            return backoffMaxNs;
        }

        public Context backoffMaxNs(final long backoffMaxNs)
        {
            this.backoffMaxNs = backoffMaxNs;
            return this;
        }

        /** Consumer wait for the epoch-bumped announce after a producer revocation (Driver §4.9: 3x announce). */
        public long epochWaitTimeoutNs()
        {
            return epochWaitTimeoutNs;
        }

        public Context epochWaitTimeoutNs(final long epochWaitTimeoutNs)
        {
            this.epochWaitTimeoutNs = epochWaitTimeoutNs;
            return this;
        }

        /** Announces older than this are ignored (Wire §10.1.1: 3x the announce period). Default 3 s. */
        public long announceFreshnessNs()
        {
            return announceFreshnessNs;
        }

        public Context announceFreshnessNs(final long announceFreshnessNs)
        {
            this.announceFreshnessNs = announceFreshnessNs;
            return this;
        }

        /** Reattach automatically after a lost lease or driver shutdown (default true). */
        public boolean autoReattach()
        {
            return autoReattach;
        }

        public Context autoReattach(final boolean autoReattach)
        {
            this.autoReattach = autoReattach;
            return this;
        }

        public DriverClientListener listener()
        {
            return listener;
        }

        public Context listener(final DriverClientListener listener)
        {
            this.listener = listener;
            return this;
        }
    }
}
